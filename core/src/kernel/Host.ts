import 'reflect-metadata';
import type { HostConfig } from '@mcp-host/config';
import type { HostNotifications } from '@mcp-host/sdk';
import type { Logger } from 'pino';
import { container as globalContainer, type DependencyContainer } from 'tsyringe';
import type { Catalog } from '../catalog/Catalog.js';
import { PluginSupervisor } from '../plugins/PluginSupervisor.js';
import { PluginWatcher } from '../plugins/PluginWatcher.js';
import { formatProblem, type PluginProblem } from '../plugins/PluginProblem.js';
import { Engine } from '../protocol/Engine.js';
import { pluginDataLimits } from '../protocol/jsonLimits.js';
import { MetaKey } from '../protocol/modern/modernMeta.js';
import { Notifier } from '../protocol/Notifier.js';
import { HttpTransport } from '../transport/http/HttpTransport.js';
import { StdioTransport } from '../transport/stdio/StdioTransport.js';
import { HOST_VERSION } from '../version.js';
import { bearerAuthOf } from '../auth/bearerAuthOf.js';
import { HostSecurity } from '../auth/HostSecurity.js';
import { createLogger } from './createLogger.js';
import { HOST_CONFIG, HOST_LOGGER } from './tokens.js';

export interface StartHostOptions {
  readonly config: HostConfig;
  readonly logger?: Logger;
  /** For stdio mode: the streams to serve (default process.stdin / process.stdout). */
  readonly stdin?: NodeJS.ReadableStream;
  readonly stdout?: NodeJS.WritableStream;
}

/**
 * The running host. Boot order: logger → root container with host services → plugins (manifests
 * checked, then loaded in parallel) → catalog → engine → watcher → transport. Shutdown runs it backwards.
 */
export class Host {
  /** The HTTP endpoint, when serving HTTP. */
  url: string | undefined;
  private http: HttpTransport | undefined;
  private stdio: StdioTransport | undefined;
  private closing: Promise<void> | undefined;
  private draining: Promise<void> | undefined;

  private watcher: PluginWatcher | undefined;

  private constructor(
    readonly config: HostConfig,
    readonly logger: Logger,
    readonly root: DependencyContainer,
    /** The plugin generations and their reloads. */
    readonly plugins: PluginSupervisor,
    readonly engine: Engine,
  ) {}

  get catalog(): Catalog {
    return this.plugins.catalog;
  }

  /** Every plugin problem found by the first load (the host serves the rest). */
  get problems(): readonly PluginProblem[] {
    return this.plugins.problems;
  }

  static async start(options: StartHostOptions): Promise<Host> {
    const { config } = options;
    const security = new HostSecurity(config);
    const logger = options.logger ?? createLogger(config.logLevel, security.logRedact, security.logMask);
    // A child of the global container, so nothing a plugin or library puts in the global one leaks into ours.
    const root = globalContainer.createChildContainer();
    root.register(HOST_CONFIG, { useValue: config });
    root.register(HOST_LOGGER, { useValue: logger });

    // Reads the catalog when a notification goes out (the supervisor below owns it by then).
    const notifier = new Notifier(security.readGuard(() => supervisor.catalog));
    const notifications: HostNotifications = { resourceUpdated: (uri) => notifier.resourceUpdated(uri), listChanged: (kind) => notifier.listChanged([kind]) };
    const serverInfo = { name: 'mcp-host', title: 'mcp-host', version: HOST_VERSION };
    const { cache } = config.protocol;
    // What plugins send back is held to the request limits but for string length (see pluginDataLimits).
    const pluginData = pluginDataLimits(config.server.limits);
    const catalogOptions = {
      pageSize: 1000,
      access: security.catalogAccess,
      modernListFields: `"resultType":"complete","ttlMs":${cache.listTtlMs},"cacheScope":${JSON.stringify(cache.scope)},"_meta":${JSON.stringify({ [MetaKey.serverInfo]: serverInfo })}`,
    };
    const supervisor = new PluginSupervisor({
      config: config.plugins, root, logger, logLevel: config.logLevel, logRedact: security.logRedact, logMask: security.logMask, limits: pluginData, hostVersion: HOST_VERSION, notifications, catalogOptions,
      drainTimeoutMs: config.plugins.drainTimeoutMs,
      // Republish: one notification per changed list, to the clients that asked for it and can see the change.
      onSwap: (changed, after, before) => notifier.listChanged(changed, security.visibleChanges(before, after, changed)),
    });
    await supervisor.start();
    const { catalog, problems } = supervisor;
    for (const p of problems) logger.warn({ code: p.code, plugin: p.pluginId, path: p.path, err: p.cause }, formatProblem(p));
    for (const g of catalog.generations) logger.info({ plugin: g.info.id, version: g.info.version, tools: g.bindings.tools.length, resources: g.bindings.resources.length, templates: g.bindings.templates.length, prompts: g.bindings.prompts.length }, 'plugin loaded');

    let host: Host | undefined;
    const engine = new Engine({
      catalog: () => supervisor.catalog,
      notifier,
      logger,
      serverInfo,
      clientRequestTimeoutMs: config.protocol.clientRequestTimeoutMs,
      limits: pluginData,
      cache: { listTtlMs: cache.listTtlMs, readTtlMs: cache.readTtlMs, discoverTtlMs: cache.discoverTtlMs, cacheScope: cache.scope },
      maxListenStreams: config.protocol.maxListenStreams,
      requestStateSecret: config.protocol.requestStateSecret,
      requestStateTtlMs: config.protocol.requestStateTtlMs,
      policy: security.callPolicy(logger),
      quotas: security.quotas,
    });
    host = new Host(config, logger, root, supervisor, engine);
    try {
      if (config.plugins.watch && config.plugins.paths.length > 0) {
        host.watcher = new PluginWatcher(config.plugins.paths, config.plugins.watchDebounceMs, (dir) => void supervisor.reload(dir), logger);
        await host.watcher.start();
      }
      if (config.stdio) {
        host.stdio = new StdioTransport(engine, (options.stdin ?? process.stdin) as never, (options.stdout ?? process.stdout) as never, logger, { principal: security.stdioPrincipal, limits: config.server.limits, maxLineBytes: config.server.bodyLimitBytes });
      } else {
        host.http = new HttpTransport(engine, { ...config.server, auth: config.auth && bearerAuthOf(config.auth), limiter: security.limiter, quotas: security.quotas }, logger);
        host.url = await host.http.listen();
        logger.info({ url: host.url, plugins: catalog.generations.length, problems: problems.length }, `mcp-host ${HOST_VERSION} listening on ${host.url}`);
      }
    } catch (e) {
      await host.close();
      throw e;
    }
    return host;
  }

  /** stdio mode: serve until stdin closes. */
  async serveStdio(): Promise<void> {
    if (!this.stdio) throw new Error('not in stdio mode');
    this.logger.info({ plugins: this.catalog.generations.length, problems: this.problems.length }, `mcp-host ${HOST_VERSION} serving on stdio`);
    await this.stdio.start();
  }

  /**
   * Graceful shutdown (SIGTERM/SIGINT): the transports refuse new work, listen streams end with
   * their answer, calls in flight get `server.drainTimeoutMs` to finish and those left are answered
   * with a shutting-down error; then everything closes as in `close`.
   */
  shutdown(): Promise<void> {
    this.draining ??= (async () => {
      const timeoutMs = this.config.server.drainTimeoutMs;
      const started = Date.now();
      this.engine.close();
      const cut = (await this.http?.drain(timeoutMs)) ?? (await this.stdio?.drain(timeoutMs)) ?? 0;
      this.logger.info({ drainedMs: Date.now() - started, cutShort: cut }, cut > 0 ? `drained; ${cut} call(s) still running were answered with a shutting-down error` : 'drained: every call in flight finished');
      await this.close();
    })();
    return this.draining;
  }

  /** Stops the watcher and transports, then disposes plugin generations (last loaded first), then the root container. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.watcher?.close();
      this.engine.close();
      this.stdio?.close();
      await this.http?.close();
      await this.plugins.close();
      await this.root.dispose();
      this.logger.flush?.();
    })();
    return this.closing;
  }
}

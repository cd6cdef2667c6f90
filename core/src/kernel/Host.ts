import 'reflect-metadata';
import type { HostConfig } from '@mcp-host/config';
import type { Logger } from 'pino';
import type { ContextService } from '../context/ContextService.js';
import { container as globalContainer, type DependencyContainer } from 'tsyringe';
import type { Catalog } from '../catalog/Catalog.js';
import type { PluginSupervisor } from '../plugins/PluginSupervisor.js';
import type { PluginWatcher } from '../plugins/PluginWatcher.js';
import { formatProblem, type PluginProblem } from '../plugins/PluginProblem.js';
import type { Engine } from '../protocol/Engine.js';
import type { HttpTransport } from '../transport/http/HttpTransport.js';
import type { StdioTransport } from '../transport/stdio/StdioTransport.js';
import { HOST_VERSION } from '../version.js';
import { metricsOn, registerHostServices, type HostServiceOptions, type OptionalModules } from './registerHostServices.js';
import { trackHostState } from './trackHostState.js';
import { tracingEnabled } from '../telemetry/tracingEnabled.js';
import type { AdminServer } from '../admin/AdminServer.js';
import type { HostState } from '../admin/HostState.js';
import type { HostTelemetry } from '../telemetry/HostTelemetry.js';
import type { RedisLink } from '../cluster/RedisLink.js';
import type { SharedPlugins } from '../admin/SharedPlugins.js';
import type { PluginControl } from '../plugins/PluginControl.js';
import type { RedisSessionStore } from '../cluster/RedisSessionStore.js';
import type { BusForwarder } from '../cluster/BusForwarder.js';
import { ADMIN, CONTEXT_SERVICE, ENGINE, HOST_LOGGER, HOST_STATE, HTTP_TRANSPORT, FORWARDER, PLUGIN_CONTROL, PLUGINS, REDIS, SESSION_STORE, SHARED_PLUGINS, STDIO_TRANSPORT, TELEMETRY, WATCHER } from './tokens.js';

export type StartHostOptions = HostServiceOptions;

/**
 * The running host, and its composition root: the host services live in one root container
 * (registerHostServices), each plugin generation in a child container of it (of a runtime root
 * that stands for it in a worker or process). `start` resolves the services in the boot order;
 * `shutdown` drains, `close` takes them down in reverse and disposes the root container.
 */
export class Host {
  /** The HTTP endpoint, when serving HTTP. */
  url: string | undefined;
  /** The admin listener's base URL, when `admin` is configured. */
  adminUrl: string | undefined;
  private admin: AdminServer | undefined;
  private http: HttpTransport | undefined;
  private stdio: StdioTransport | undefined;
  /** stdio: settles when stdin closes. */
  private reading: Promise<void> | undefined;
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
    readonly state: HostState,
    readonly telemetry: HostTelemetry,
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
    // A child of the global container, so nothing a plugin or library puts in the global one leaks into ours.
    const root = globalContainer.createChildContainer();
    // What this config does not use is not imported: it would delay every start, stdio's first answer included.
    const [HostTracing, prometheus, HttpTransport, AdminServer, cluster] = await Promise.all([
      tracingEnabled(config.telemetry) ? import('../telemetry/HostTracing.js').then((m) => m.HostTracing) : undefined,
      metricsOn(config) ? Promise.all([import('prom-client'), import('../telemetry/HostMetrics.js')]).then(([p, m]) => ({ Registry: p.Registry, HostMetrics: m.HostMetrics })) : undefined,
      config.stdio ? undefined : import('../transport/http/HttpTransport.js').then((m) => m.HttpTransport),
      config.admin ? import('../admin/AdminServer.js').then((m) => m.AdminServer) : undefined,
      config.cluster ? importCluster() : undefined,
    ]);
    // A stdio host imports the plugin machinery once it answers (answerStdioEarly); with an admin listener, whose /readyz reads it, before.
    const deferPlugins = config.stdio && !config.admin;
    const modules: OptionalModules = { HostTracing, prometheus, HttpTransport, AdminServer, cluster };
    if (!deferPlugins) await importPlugins(modules);
    registerHostServices(root, options, modules);
    // The boot order, stated once: security → logger → notifier → plugins (manifests checked, then
    // loaded in parallel; the catalog) → engine → watcher → transport. Shutdown runs it backwards.
    const logger = root.resolve<Logger>(HOST_LOGGER);
    const state = root.resolve<HostState>(HOST_STATE);
    const telemetry = root.resolve<HostTelemetry>(TELEMETRY);
    // A replica joins the cluster before anything is served: sessions, events and limits live in Redis.
    // Redis down at start is not fatal: the replica starts unready and joins when Redis comes.
    const link = config.cluster ? root.resolve<RedisLink>(REDIS) : undefined;
    if (link) {
      const up = await link.connect(config.cluster!.commandTimeoutMs);
      logger.info({ replica: link.replicaId, redisUp: up }, `replica ${link.replicaId} ${up ? 'joined the cluster' : 'started with Redis down'}`);
      telemetry.metrics?.track('redis_up', () => link.up);
    }
    // The admin listener comes first, so health checks answer (not ready) while plugins load.
    let admin: AdminServer | undefined;
    let adminUrl: string | undefined;
    if (config.admin) {
      admin = root.resolve<AdminServer>(ADMIN);
      adminUrl = await admin.listen();
      logger.info({ adminUrl }, `admin listener on ${adminUrl}`);
    }
    // stdio answers from here on, before the plugins load (see StdioTransport.holdUntil).
    const early = config.stdio ? answerStdioEarly(root, logger, config.plugins.loadTimeoutMs) : undefined;
    if (deferPlugins) await importPlugins(modules);
    const supervisor = root.resolve<PluginSupervisor>(PLUGINS);
    // A replica serves with the overlay the others have (admin pins, enable/disable) from its first answer.
    const shared = config.cluster ? root.resolve<SharedPlugins>(SHARED_PLUGINS) : undefined;
    await shared?.load(supervisor.overlay);
    try {
      await supervisor.start(() => early?.expired() ?? false);
    } catch (e) {
      early?.release(false);
      early?.transport.close();
      await admin?.close();
      throw e;
    }
    const { catalog, problems } = supervisor;
    for (const p of problems) logger.warn({ code: p.code, plugin: p.pluginId, path: p.path, err: p.cause }, formatProblem(p));
    for (const g of catalog.generations) logger.info({ plugin: g.info.id, version: g.info.version, tools: g.bindings.tools.length, resources: g.bindings.resources.length, templates: g.bindings.templates.length, prompts: g.bindings.prompts.length }, 'plugin loaded');

    shared?.start(root.resolve<PluginControl>(PLUGIN_CONTROL), telemetry.feed);
    const host = new Host(config, logger, root, supervisor, root.resolve<Engine>(ENGINE), state, telemetry);
    host.admin = admin;
    host.adminUrl = adminUrl;
    if (telemetry.metrics) trackHostState(telemetry.metrics, { plugins: supervisor, engine: host.engine, state, getStreams: () => host.http?.getStreams ?? 0 });
    try {
      if (config.plugins.watch && config.plugins.paths.length > 0) {
        host.watcher = root.resolve<PluginWatcher>(WATCHER);
        await host.watcher.start();
      }
      if (early) {
        host.stdio = early.transport;
        host.reading = early.reading;
        // The load has ended when the plugins are in the catalog and watched: an edit made after the first list is seen.
        early.release(true);
      } else {
        host.http = root.resolve<HttpTransport>(HTTP_TRANSPORT);
        host.url = state.mcpUrl = await host.http.listen();
        logger.info({ url: host.url, adminUrl, plugins: catalog.generations.length, problems: problems.length }, `mcp-host ${HOST_VERSION} listening on ${host.url}`);
      }
      state.phase = 'serving';
    } catch (e) {
      early?.release(false);
      await host.close();
      throw e;
    }
    return host;
  }

  /** stdio mode: serve until stdin closes (reading began in `start`, before the plugins loaded). */
  async serveStdio(): Promise<void> {
    if (!this.stdio || !this.reading) throw new Error('not in stdio mode');
    await this.reading;
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
      this.state.phase = 'draining';
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
      // Last of the listeners: /readyz says "closed" until the very end.
      this.state.phase = 'closed';
      await this.admin?.close();
      await this.telemetry.close();
      // After the plugins: nothing writes shared context any more (a cluster's store is Redis, closed with the link below).
      await this.root.resolve<ContextService>(CONTEXT_SERVICE).close();
      if (this.config.cluster) {
        this.root.resolve<SharedPlugins>(SHARED_PLUGINS).close();
        this.root.resolve<RedisSessionStore>(SESSION_STORE).close();
        this.root.resolve<BusForwarder>(FORWARDER).close();
        await this.root.resolve<RedisLink>(REDIS).close();
      }
      await this.root.dispose();
      this.logger.flush?.();
    })();
    return this.closing;
  }
}

/**
 * stdio: the transport starts reading now, while the plugins load. A client spawning the host
 * gets its `initialize` (or `server/discover`) answered as soon as the process runs, instead of
 * after every plugin's load (2–3.6 s measured: the AI SDK's 1 s discovery probe gave up and fell
 * back to the old era); lists and calls wait until the load ends (plugins loaded, and watched),
 * so the first `tools/list` is the full one — most clients list once and never act on
 * `list_changed`. The wait is bounded by plugins.loadTimeoutMs; past it the held requests see what
 * is loaded (nothing yet), and when the load does end the clients get `list_changed` (`expired`
 * answers true, which the supervisor takes as "announce").
 */
function answerStdioEarly(root: DependencyContainer, logger: Logger, boundMs: number): { transport: StdioTransport; reading: Promise<void>; expired: () => boolean; release: (loaded: boolean) => void } {
  const transport = root.resolve<StdioTransport>(STDIO_TRANSPORT);
  let open!: () => void;
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    logger.warn({ waitedMs: boundMs }, 'plugins still loading after plugins.loadTimeoutMs: stdio lists and calls are served with what is loaded; list_changed follows when the load ends');
    open();
  }, boundMs);
  transport.holdUntil(new Promise<void>((resolve) => (open = resolve)));
  const reading = transport.start();
  logger.debug('answering on stdio while the plugins load (lists and calls wait for them)');
  return {
    transport,
    reading,
    release: (loaded) => {
      clearTimeout(timer);
      // Logged before the held requests are served: a log reader sees it before their answers.
      if (loaded) {
        const plugins = root.resolve<PluginSupervisor>(PLUGINS);
        logger.info({ plugins: plugins.catalog.generations.length, problems: plugins.problems.length }, `mcp-host ${HOST_VERSION} serving on stdio`);
      }
      open();
    },
    expired: () => expired,
  };
}

/** What a replica shares through Redis: imported (with ioredis) only when `cluster` is configured. */
async function importCluster(): Promise<NonNullable<OptionalModules['cluster']>> {
  const [l, b, s, f, e, h, o, p, x] = await Promise.all([
    import('../cluster/RedisLink.js'), import('../cluster/ClusterBus.js'), import('../cluster/RedisSessionStore.js'), import('../cluster/BusForwarder.js'),
    import('../events/RedisEventStore.js'), import('../cluster/SharedHoldings.js'), import('../cluster/RedisOverlay.js'), import('../admin/SharedPlugins.js'),
    import('../cluster/RedisContextBackend.js'),
  ]);
  return { RedisLink: l.RedisLink, ClusterBus: b.ClusterBus, RedisSessionStore: s.RedisSessionStore, BusForwarder: f.BusForwarder, RedisEventStore: e.RedisEventStore, SharedHoldings: h.SharedHoldings, RedisOverlay: o.RedisOverlay, SharedPlugins: p.SharedPlugins, RedisContextBackend: x.RedisContextBackend };
}

/** The plugin machinery: the supervisor and the operators' control of it. */
async function importPlugins(modules: OptionalModules): Promise<void> {
  const [supervisor, control, schemas] = await Promise.all([import('../plugins/PluginSupervisor.js'), import('../plugins/PluginControl.js'), import('../catalog/compileSchema.js')]);
  modules.PluginSupervisor = supervisor.PluginSupervisor;
  modules.PluginControl = control.PluginControl;
  modules.SchemaCompiler = schemas.SchemaCompiler;
}

import type { HostConfig } from '@mcp-host/config';
import { NOTIFICATIONS, type HostNotifications } from '@mcp-host/sdk';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import type { Logger } from 'pino';
import { instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import { bearerAuthOf } from '../auth/bearerAuthOf.js';
import { HostSecurity } from '../auth/HostSecurity.js';
import type { PluginSupervisor } from '../plugins/PluginSupervisor.js';
import { Catalog } from '../catalog/Catalog.js';
import type { BoundGeneration } from '../catalog/bindings.js';
import type { SchemaCompiler } from '../catalog/compileSchema.js';
import { PluginWatcher } from '../plugins/PluginWatcher.js';
import { Engine } from '../protocol/Engine.js';
import { pluginDataLimits } from '../calls/jsonLimits.js';
import { Notifier } from '../protocol/Notifier.js';
import type { EventStore } from '../protocol/ports/EventStore.js';
import { MemoryEventStore } from '../events/MemoryEventStore.js';
import type { HttpTransport } from '../transport/http/HttpTransport.js';
import { StdioTransport } from '../transport/stdio/StdioTransport.js';
import { HOST_VERSION } from '../version.js';
import { createLogger } from './createLogger.js';
import type { AdminServer } from '../admin/AdminServer.js';
import { HostState } from '../admin/HostState.js';
import { HostTelemetry, type HostTelemetryOptions } from '../telemetry/HostTelemetry.js';
import type { HostTracing } from '../telemetry/HostTracing.js';
import { readinessOf } from './readinessOf.js';
import type { RedisLink } from '../cluster/RedisLink.js';
import type { ClusterBus } from '../cluster/ClusterBus.js';
import type { SharedPlugins } from '../admin/SharedPlugins.js';
import type { RedisOverlay } from '../cluster/RedisOverlay.js';
import type { PluginControl } from '../plugins/PluginControl.js';
import type { ClusterBusPort } from '../protocol/ports/ClusterPorts.js';
import type { RedisSessionStore } from '../cluster/RedisSessionStore.js';
import type { RedisEventStore } from '../events/RedisEventStore.js';
import type { BusForwarder } from '../cluster/BusForwarder.js';
import type { SharedHoldings } from '../cluster/SharedHoldings.js';
import type { RedisContextBackend } from '../cluster/RedisContextBackend.js';
import { ContextService } from '../context/ContextService.js';
import { ContextNamespaces } from '../context/ContextNamespaces.js';
import { MemoryContextBackend } from '../context/MemoryContextBackend.js';
import { contextGeneration } from '../context/contextBindings.js';
import type { ContextBackend } from '../protocol/ports/ContextPorts.js';
import { ADMIN, CONTEXT_SERVICE, CLUSTER_BUS, ENGINE, EVENT_STORE, HOST_CONFIG, HOST_LOGGER, HOST_STATE, HTTP_TRANSPORT, NOTIFIER, PLUGIN_CONTROL, PLUGINS, SECURITY, FORWARDER, REDIS, SESSION_STORE, SHARED_PLUGINS, STDIO_TRANSPORT, TELEMETRY, WATCHER } from './tokens.js';

export interface HostServiceOptions {
  readonly config: HostConfig;
  /** A logger to use instead of the host's own (tests). */
  readonly logger?: Logger;
  /** stdio mode: the streams to serve (default process.stdin / process.stdout). */
  readonly stdin?: NodeJS.ReadableStream;
  readonly stdout?: NodeJS.WritableStream;
  /** Receives every span when tracing is on (`telemetry.tracing`): tests pass an in-memory exporter's processor. */
  readonly spanProcessor?: SpanProcessor;
}

/**
 * Classes whose modules the kernel imports only when the config uses them (Host.start): each costs
 * start-up time that a stdio host would spend before its first answer — OpenTelemetry's SDK and
 * exporter ~180 ms, fastify (HTTP transport, admin listener) ~90 ms, measured on a 2-core machine.
 */
export interface OptionalModules {
  /** When tracing is on (tracingEnabled). */
  readonly HostTracing?: typeof HostTracing;
  /** When metrics are on (`metricsOn`): prom-client and the host's metrics. */
  readonly prometheus?: HostTelemetryOptions['prometheus'];
  /** When serving HTTP (not stdio). */
  readonly HttpTransport?: typeof HttpTransport;
  /** When the admin listener is configured. */
  readonly AdminServer?: typeof AdminServer;
  /**
   * Always, but a stdio host imports it (the loaders, the sdk, the schema compiler: ~200 ms) only
   * once it is answering (Host.start sets it then); until then the engine sees the empty catalog.
   */
  PluginSupervisor?: typeof PluginSupervisor;
  /** Imported with PluginSupervisor: the operators' actions (admin API, and the cluster's). */
  PluginControl?: typeof PluginControl;
  /** Imported with PluginSupervisor (Ajv): shared-context namespaces' schemas. */
  SchemaCompiler?: typeof SchemaCompiler;
  /** With `cluster`: the Redis connections, the bus between replicas (ioredis), and what the replicas share (sessions, events, limits, the plugins' overlay). */
  readonly cluster?: { readonly RedisLink: typeof RedisLink; readonly ClusterBus: typeof ClusterBus; readonly RedisSessionStore: typeof RedisSessionStore; readonly BusForwarder: typeof BusForwarder; readonly RedisEventStore: typeof RedisEventStore; readonly SharedHoldings: typeof SharedHoldings; readonly RedisOverlay: typeof RedisOverlay; readonly SharedPlugins: typeof SharedPlugins; readonly RedisContextBackend: typeof RedisContextBackend };
}

/** Metrics are kept only where an admin listener serves them. */
export const metricsOn = (config: HostConfig): boolean => config.admin !== undefined && config.telemetry.metrics.enabled;

function loaded<T>(cls: T | undefined, name: string): T {
  if (!cls) throw new Error(`${name} is needed by this config but its module was not imported (OptionalModules)`);
  return cls;
}

/** Registers a service built once, on first resolution, from the container it is registered in. */
function single<T>(root: DependencyContainer, token: symbol, build: (c: DependencyContainer) => T): void {
  root.register(token, { useFactory: instanceCachingFactory(build) });
}

/**
 * The host's services, each registered in the root container under its token and built from the
 * services it resolves: how the host is wired, in one place. Nothing is built here: the kernel
 * resolves the services in its boot order (`Host.start`), and each is built then, once.
 */
export function registerHostServices(root: DependencyContainer, options: HostServiceOptions, modules: OptionalModules = {}): void {
  const { config } = options;
  const serverInfo = { name: 'mcp-host', title: 'mcp-host', version: HOST_VERSION };
  const { cache } = config.protocol;
  // What plugins send back is held to the request limits but for string length (see pluginDataLimits).
  const pluginData = pluginDataLimits(config.server.limits);
  const security = (c: DependencyContainer) => c.resolve<HostSecurity>(SECURITY);
  const logger = (c: DependencyContainer) => c.resolve<Logger>(HOST_LOGGER);
  const plugins = (c: DependencyContainer) => c.resolve<PluginSupervisor>(PLUGINS);
  // The catalog before the plugin machinery is even imported (stdio answering at once) is the empty one.
  let empty: Catalog | undefined;
  const catalog = (c: DependencyContainer): Catalog => (modules.PluginSupervisor ? plugins(c).catalog : (empty ??= Catalog.build(0, [], { access: security(c).catalogAccess, host: hostItems(c) }).catalog));
  // What the host serves itself in every catalog: shared context as resources.
  let host: BoundGeneration[] | undefined;
  const hostItems = (c: DependencyContainer) => (host ??= [contextGeneration(logger(c))]);
  const context = (c: DependencyContainer) => c.resolve<ContextService>(CONTEXT_SERVICE);
  const telemetry = (c: DependencyContainer) => c.resolve<HostTelemetry>(TELEMETRY);

  root.register(HOST_CONFIG, { useValue: config });
  if (config.cluster) {
    const cluster = loaded(modules.cluster, 'cluster');
    single(root, REDIS, (c) => new cluster.RedisLink(config.cluster!, logger(c)));
    single(root, CLUSTER_BUS, (c) => new cluster.ClusterBus(c.resolve<RedisLink>(REDIS), logger(c)));
    // A forwarded request (a task's poll) waits for one bus round trip and the other replica's answer.
    single(root, FORWARDER, (c) => new cluster.BusForwarder(c.resolve<RedisLink>(REDIS), c.resolve<ClusterBus>(CLUSTER_BUS), Math.max(2000, 2 * config.cluster!.commandTimeoutMs), logger(c)));
    single(root, SESSION_STORE, (c) => new cluster.RedisSessionStore(c.resolve<RedisLink>(REDIS), c.resolve<ClusterBus>(CLUSTER_BUS), config.server.sessionIdleTimeoutMs, logger(c)));
    single(root, SHARED_PLUGINS, (c) => new cluster.SharedPlugins(new cluster.RedisOverlay(c.resolve<RedisLink>(REDIS)), c.resolve<ClusterBusPort>(CLUSTER_BUS), config.plugins.paths, () => plugins(c), logger(c)));
  }
  const redis = (c: DependencyContainer) => (config.cluster ? c.resolve<RedisLink>(REDIS) : undefined);
  const bus = (c: DependencyContainer) => (config.cluster ? c.resolve<ClusterBusPort>(CLUSTER_BUS) : undefined);
  const shared = (c: DependencyContainer) => (config.cluster ? c.resolve<SharedPlugins>(SHARED_PLUGINS) : undefined);
  // In a cluster, limits and quotas are counted across replicas (in Redis).
  single(root, SECURITY, (c) => new HostSecurity(config, config.cluster && (() => new (loaded(modules.cluster, 'cluster').SharedHoldings)(c.resolve<RedisLink>(REDIS), config.cluster!.leaseMs, logger(c)))));
  single(root, HOST_STATE, () => new HostState());
  single(root, TELEMETRY, (c) => new HostTelemetry({ config: config.telemetry, metrics: metricsOn(config), spanProcessor: options.spanProcessor, logger: logger(c), HostTracing: modules.HostTracing, prometheus: modules.prometheus }));
  single(root, HOST_LOGGER, (c) => options.logger ?? createLogger(config.logLevel, security(c).logRedact, security(c).logMask));
  // Reads the catalog when a notification goes out (the plugins are loaded by then). In a cluster, plugins' announcements cross to the other replicas.
  single(root, NOTIFIER, (c) => new Notifier(security(c).readGuard(() => catalog(c)), telemetry(c), bus(c)));
  // A host service plugins inject by the sdk token; isolated runtimes register one that crosses to here.
  single(root, NOTIFICATIONS, (c): HostNotifications => {
    const notifier = c.resolve<Notifier>(NOTIFIER);
    return { resourceUpdated: (uri) => notifier.resourceUpdated(uri), listChanged: (kind) => notifier.announceListChanged(kind) };
  });
  // Shared context: in memory on one host (it outlives plugin reloads and worker restarts), in Redis with replicas.
  single(root, CONTEXT_SERVICE, (c) => {
    const notifier = c.resolve<Notifier>(NOTIFIER);
    const namespaces = new ContextNamespaces(config.context, {
      revision: () => catalog(c).revision,
      declarations: () => (modules.PluginSupervisor ? plugins(c).catalog.generations.map((g) => ({ plugin: g.info.id, namespaces: g.manifest.contextNamespaces })) : []),
    }, logger(c), () => (modules.SchemaCompiler ? new modules.SchemaCompiler() : undefined));
    const backend: ContextBackend = config.cluster ? new (loaded(modules.cluster, 'cluster').RedisContextBackend)(c.resolve<RedisLink>(REDIS)) : new MemoryContextBackend();
    // A subscriber hears of a namespace's values only if it may read the namespace (on every replica, with its own declarations).
    notifier.mayReadNamespace = (principal, name) => namespaces.mayRead(principal, name);
    return new ContextService({ config: config.context, limits: pluginData, backend, namespaces, notify: (uris, audience) => notifier.contextUpdated(uris, audience), audit: security(c).contextAudit(logger(c)), logger: logger(c) });
  });
  single(root, PLUGINS, (c) => {
    const sec = security(c);
    const notifier = c.resolve<Notifier>(NOTIFIER);
    return new (loaded(modules.PluginSupervisor, 'PluginSupervisor'))({
      config: config.plugins, root: c, logger: logger(c), logLevel: config.logLevel, logRedact: sec.logRedact, logMask: sec.logMask, limits: pluginData, hostVersion: HOST_VERSION,
      notifications: c.resolve<HostNotifications>(NOTIFICATIONS),
      catalogOptions: { access: sec.catalogAccess, host: hostItems(c) },
      context: (plugin) => context(c).forPlugin(plugin),
      drainTimeoutMs: config.plugins.drainTimeoutMs,
      events: telemetry(c),
      // Republish: one notification per changed list, to the clients that asked for it and can see the change.
      onSwap: (changed, after, before) => notifier.listChanged(changed, sec.visibleChanges(before, after, changed)),
    });
  });
  single(root, ENGINE, (c) => {
    const sec = security(c);
    const forwarder = config.cluster ? c.resolve<BusForwarder>(FORWARDER) : undefined;
    const engine = new Engine({
      catalog: () => catalog(c),
      notifier: c.resolve<Notifier>(NOTIFIER),
      logger: logger(c),
      serverInfo,
      clientRequestTimeoutMs: config.protocol.clientRequestTimeoutMs,
      limits: pluginData,
      cache: { listTtlMs: cache.listTtlMs, readTtlMs: cache.readTtlMs, discoverTtlMs: cache.discoverTtlMs, cacheScope: cache.scope },
      maxListenStreams: config.protocol.maxListenStreams,
      maxSubscriptions: config.protocol.maxSubscriptions,
      requestStateSecret: config.protocol.requestStateSecret,
      requestStateTtlMs: config.protocol.requestStateTtlMs,
      tasks: config.protocol.tasks,
      policy: sec.callPolicy(logger(c)),
      quotas: sec.quotas,
      observer: telemetry(c).observer,
      signals: telemetry(c),
      forwarder,
      context: context(c),
    });
    forwarder?.serveWith((era, request, principal) => engine.serveForwarded(era, request, principal));
    return engine;
  });
  single(root, PLUGIN_CONTROL, (c) => new (loaded(modules.PluginControl, 'PluginControl'))(plugins(c), shared(c)));
  single(root, ADMIN, (c) => {
    if (!config.admin) throw new Error('the admin listener is not configured (admin)');
    const t = telemetry(c);
    const state = c.resolve<HostState>(HOST_STATE);
    return new (loaded(modules.AdminServer, 'AdminServer'))({
      config: config.admin, logger: logger(c), registry: t.registry, readiness: () => readinessOf(state, plugins(c), redis(c)),
      api: { auth: config.auth, mcpUrl: () => state.mcpUrl, plugins: () => plugins(c), control: () => c.resolve<PluginControl>(PLUGIN_CONTROL), share: shared(c), notifier: () => c.resolve<Notifier>(NOTIFIER), quotas: security(c).quotas, feed: t.feed },
    });
  });
  // In a cluster a watched change is told to the other replicas too: one whose watcher missed it (or that does not watch) reloads as well.
  single(root, WATCHER, (c) => new PluginWatcher(config.plugins.paths, config.plugins.watchDebounceMs, (dir) => (void plugins(c).reload(dir), shared(c)?.announceReload(dir)), logger(c)));
  single(root, STDIO_TRANSPORT, (c) =>
    new StdioTransport(c.resolve(ENGINE), (options.stdin ?? process.stdin) as never, (options.stdout ?? process.stdout) as never, logger(c), {
      principal: security(c).stdioPrincipal,
      limits: config.server.limits,
      maxLineBytes: config.server.bodyLimitBytes,
    }),
  );
  // Replicas share Redis Streams (a client resumes on any replica); one process keeps them in memory (the streams cap bounds it).
  single(root, EVENT_STORE, (c) => {
    if (!config.cluster) return new MemoryEventStore({ maxPerStream: 1000, ttlMs: 300_000, maxStreams: 10_000 });
    const link = c.resolve<RedisLink>(REDIS);
    return new (loaded(modules.cluster, 'cluster').RedisEventStore)(link.redis, link.sub, link.key('events', ''), config.cluster.events);
  });
  single(root, HTTP_TRANSPORT, (c) => {
    const sec = security(c);
    return new (loaded(modules.HttpTransport, 'HttpTransport'))(c.resolve(ENGINE), { ...config.server, auth: config.auth && bearerAuthOf(config.auth), limiter: sec.limiter, quotas: sec.quotas, eventStore: c.resolve<EventStore>(EVENT_STORE), sessionStore: config.cluster ? c.resolve<RedisSessionStore>(SESSION_STORE) : undefined }, logger(c));
  });
}

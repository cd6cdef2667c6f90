/**
 * Injection tokens of host services in the kernel's root container. Plugins get theirs (LOGGER,
 * PLUGIN_CONFIG, PLUGIN_INFO, NOTIFICATIONS) from @mcp-host/sdk; NOTIFICATIONS is registered in the
 * root too, so a plugin's child container resolves it from there.
 */
export const HOST_CONFIG = Symbol.for('mcp-host:token:host-config');
export const HOST_LOGGER = Symbol.for('mcp-host:token:host-logger');
/** Security built from the config: access, masking, limits, quotas, audit, log masking (HostSecurity). */
export const SECURITY = Symbol.for('mcp-host:token:security');
/** Change notifications to connected clients of both eras (Notifier). */
export const NOTIFIER = Symbol.for('mcp-host:token:notifier');
/** The plugin generations, their catalog and reloads (PluginSupervisor). */
export const PLUGINS = Symbol.for('mcp-host:token:plugins');
/** The MCP engine of both eras (Engine). */
export const ENGINE = Symbol.for('mcp-host:token:engine');
/** Hot reload of plugin folders (PluginWatcher; absent when watching is off). */
export const WATCHER = Symbol.for('mcp-host:token:watcher');
/** The transport the config asks for (HttpTransport or StdioTransport). */
export const HTTP_TRANSPORT = Symbol.for('mcp-host:token:http-transport');
export const STDIO_TRANSPORT = Symbol.for('mcp-host:token:stdio-transport');
/** Metrics, the call observer, host signals and the live feed (HostTelemetry). */
export const TELEMETRY = Symbol.for('mcp-host:token:telemetry');
/** Where the host is in its life (HostState), for readiness. */
export const HOST_STATE = Symbol.for('mcp-host:token:host-state');
/** The admin listener: health, /metrics, admin API and UI (AdminServer; resolved only when `admin` is configured). */
export const ADMIN = Symbol.for('mcp-host:token:admin');
/** The cluster's Redis connections (RedisLink; registered only with `cluster`). */
export const REDIS = Symbol.for('mcp-host:token:redis');
/** Messages between replicas (ClusterBus; only with `cluster`). */
export const CLUSTER_BUS = Symbol.for('mcp-host:token:cluster-bus');
/** The operators' actions on plugins (PluginControl): one per host, so they run one at a time. */
export const PLUGIN_CONTROL = Symbol.for('mcp-host:token:plugin-control');
/** What the replicas share about their plugins: the overlay in Redis, admin actions and reloads (SharedPlugins; only with `cluster`). */
export const SHARED_PLUGINS = Symbol.for('mcp-host:token:shared-plugins');
/** Legacy sessions shared by the replicas (RedisSessionStore; only with `cluster`). */
export const SESSION_STORE = Symbol.for('mcp-host:token:session-store');
/** Requests forwarded to the replica keeping what they name, a task (BusForwarder; only with `cluster`). */
export const FORWARDER = Symbol.for('mcp-host:token:forwarder');
/** Where legacy SSE events are kept for resumption with Last-Event-ID (an EventStore: in memory for one process). */
/** The shared context service (`context/ContextService`): ctx.context, the CONTEXT token, the context:// resources. */
export const CONTEXT_SERVICE = Symbol.for('mcp-host:token:context-service');

export const EVENT_STORE = Symbol.for('mcp-host:token:event-store');

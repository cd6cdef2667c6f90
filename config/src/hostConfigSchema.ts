import semver from 'semver';
import { z } from 'zod';
import { contextSchema } from './contextConfigSchema.js';
import { auditSchema, authSchema, limitsSchema, maskingSchema, permissionsSchema, pluginMaskingSchema } from './securityConfigSchema.js';
import { adminSchema, telemetrySchema } from './opsConfigSchema.js';
import { clusterSchema } from './clusterConfigSchema.js';

/*
 * Every object is strict so that a typo (`server.prot`) is an error instead of a silently ignored
 * key, and every object has a default so that `hostConfigSchema.parse({})` is a complete config.
 * Nested objects use `prefault` rather than `default`: zod 4 returns a `default` value as-is, while
 * a `prefault` is parsed, so the inner defaults get filled in.
 */

/** Bounds on client JSON (requests) and plugin results; over one is a clean error, never deep recursion. */
export const jsonLimitsSchema = z
  .object({
    /** Nesting depth of objects and arrays. */
    maxDepth: z.number().int().min(4).max(1000).default(64),
    /** Length of any one string (UTF-16 code units), keys included. */
    maxStringLength: z.number().int().min(256).default(1_048_576),
    /** Items of any one array. */
    maxArrayLength: z.number().int().min(16).default(100_000),
    /** Keys of any one object. */
    maxObjectKeys: z.number().int().min(16).default(10_000),
  })
  .strict();

export const quotasSchema = z
  .object({
    /** Legacy sessions one principal may hold open. */
    sessionsPerPrincipal: z.number().int().min(1).default(1_000),
    /** Legacy GET streams one principal may hold open. */
    getStreamsPerPrincipal: z.number().int().min(1).default(1_000),
    /** 2026-07-28 `subscriptions/listen` streams one principal may hold open. */
    listenStreamsPerPrincipal: z.number().int().min(1).default(100),
    /** Requests (calls, reads, lists…) one principal may have in flight at once. */
    inFlightPerPrincipal: z.number().int().min(1).default(256),
  })
  .strict();

const serverSchema = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(3000),
    path: z.string().startsWith('/', { error: 'must start with "/"' }).default('/mcp'),
    /** Host header hostnames allowed besides localhost, 127.0.0.1 and ::1 (DNS-rebinding protection). */
    allowedHosts: z.array(z.string()).default([]),
    /** Origin header values allowed besides the local ones. */
    allowedOrigins: z.array(z.string()).default([]),
    bodyLimitBytes: z.number().int().min(1024).default(4_194_304),
    sessionIdleTimeoutMs: z.number().int().min(1000).default(1_800_000),
    maxSessions: z.number().int().min(1).default(10_000),
    /** What a request's JSON may hold: checked before anything recursive (validation, masking, cloning) touches it. */
    limits: jsonLimitsSchema.prefault({}),
    /** Fair shares: what one principal may hold at once, beside the global caps (maxSessions, protocol.maxListenStreams). */
    quotas: quotasSchema.prefault({}),
    /** A request whose body has not fully arrived after this long is answered 408 and its connection closed. */
    bodyTimeoutMs: z.number().int().min(1000).default(30_000),
    /**
     * On SIGTERM/SIGINT: how long calls in flight may run to completion before they are answered
     * with a shutting-down error and the host exits (a second signal exits at once).
     */
    drainTimeoutMs: z.number().int().min(0).default(10_000),
    /**
     * The `retry` of a legacy (2025-11-25) SSE stream's priming event: how long a client waits
     * before it reconnects with Last-Event-ID once the stream ends (a drain, a handler's
     * closeSseStream, a proxy's timeout).
     */
    sseRetryMs: z.number().int().min(0).max(3_600_000).default(1000),
  })
  .strict();

const pluginSettingsSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Prepended to the plugin's tool/prompt names; restricted so the result is still a valid MCP name. */
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9_.-]*$/, { error: 'may contain only letters, digits, "_", "." and "-"' })
      .optional(),
    /** Overrides plugins.isolation for this plugin ("in-process" for trusted, lowest-latency plugins). */
    isolation: z.enum(['worker', 'process', 'in-process']).optional(),
    /** Serve only versions in this semver range (e.g. "^1.4.0"); the highest satisfying version wins. */
    version: z
      .string()
      .refine((v) => semver.validRange(v) !== null, { error: 'must be a semver range, e.g. "^1.4.0"' })
      .optional(),
    /** Handed to the plugin as-is; the plugin validates it against its own schema. */
    config: z.unknown().default({}),
    /** Who may see and use the plugin's items (enforced when `auth` is configured). */
    permissions: permissionsSchema.optional(),
    /** Masking rules for the plugin's results, on top of the host's. */
    masking: pluginMaskingSchema.optional(),
  })
  .strict();

const pluginsSchema = z
  .object({
    /** Plugin folders, or folders whose sub-folders are plugins. */
    paths: z.array(z.string()).default([]),
    /** Keyed by plugin id. */
    settings: z.record(z.string(), pluginSettingsSchema).default({}),
    /**
     * Where plugin code runs: "worker" (default) gives each generation its own worker thread, so a
     * reload frees the old code and a plugin that crashes, hangs or exhausts memory fails alone;
     * "process" gives each generation a child process, whose memory (heap and external buffers)
     * is capped by `maxRssMb`; "in-process" is for trusted plugins that want the lowest latency.
     */
    isolation: z.enum(['worker', 'process', 'in-process']).default('worker'),
    /** A plugin call without an answer after this long fails (and a worker that stopped answering is restarted). */
    callTimeoutMs: z.number().int().min(100).default(60_000),
    /** Loading a plugin (import, setup, constructors) must finish within this long. */
    loadTimeoutMs: z.number().int().min(100).default(30_000),
    /** Heap limit (V8 old generation) of each plugin worker or process. */
    workerMemoryMb: z.number().int().min(16).default(512),
    /**
     * `isolation: process` only: the resident memory a plugin process may reach (heap, ArrayBuffers,
     * native memory). Past it the process is killed, its calls fail with a clean error, and it restarts.
     */
    maxRssMb: z.number().int().min(64).default(1024),
    /** Hot reload: watch the plugin paths and reload a plugin when its code or manifest changes. */
    watch: z.boolean().default(true),
    /** Quiet time after the last change before a plugin reloads (coalesces builds and atomic saves). */
    watchDebounceMs: z.number().int().min(0).max(10_000).default(100),
    /**
     * A reload whose tools break existing callers (tool removed, required argument added, argument
     * removed, type narrowed) without a major version bump is refused, or only logged with "warn".
     */
    breakingChanges: z.enum(['refuse', 'warn']).default('refuse'),
    /** How long a replaced generation's in-flight calls may run before it is disposed anyway. */
    drainTimeoutMs: z.number().int().min(0).default(30_000),
  })
  .strict();

const protocolSchema = z
  .object({
    /**
     * Key for sealing 2026-07-28 `requestState` (HMAC). Without it each process draws a random one,
     * so states do not survive a restart or cross instances; set it (ideally through
     * MCP_HOST_REQUEST_STATE_SECRET) when several hosts serve one endpoint.
     */
    requestStateSecret: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
    requestStateTtlMs: z.number().int().min(1000).default(600_000),
    /** Bound on concurrently open `subscriptions/listen` streams. */
    maxListenStreams: z.number().int().min(1).default(1000),
    /** Resource subscriptions one legacy session, or one listen stream, may hold (each URI at most 4096 characters). */
    maxSubscriptions: z.number().int().min(1).max(100_000).default(1000),
    /**
     * Tasks (the io.modelcontextprotocol/tasks extension): how long a task is kept after its last
     * change (its result stays readable that long; one still running then is cancelled), the poll
     * interval suggested to clients, and how many tasks one principal, and all together, may hold.
     */
    tasks: z
      .object({
        ttlMs: z.number().int().min(1000).default(600_000),
        pollIntervalMs: z.number().int().min(1).default(500),
        perPrincipal: z.number().int().min(1).default(100),
        max: z.number().int().min(1).default(10_000),
      })
      .strict()
      .prefault({}),
    /** How long legacy server→client requests (elicitation, sampling, roots) wait for the client. */
    clientRequestTimeoutMs: z.number().int().min(1000).default(300_000),
    /** Cache hints (2026-07-28) for results whose plugin gives none. */
    cache: z
      .object({
        listTtlMs: z.number().int().min(0).default(60_000),
        readTtlMs: z.number().int().min(0).default(0),
        discoverTtlMs: z.number().int().min(0).default(300_000),
        scope: z.enum(['public', 'private']).default('private'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const hostConfigObject = z
  .object({
    server: serverSchema.prefault({}),
    stdio: z.boolean().default(false),
    protocol: protocolSchema.prefault({}),
    logLevel: z.enum(logLevels).default('info'),
    plugins: pluginsSchema.prefault({}),
    /** Authentication of HTTP callers (OAuth 2.1 resource server) and the stdio principal; absent = anonymous, nothing enforced. */
    auth: authSchema.optional(),
    masking: maskingSchema.optional(),
    limits: limitsSchema.optional(),
    audit: auditSchema.optional(),
    /** The admin listener (health, /metrics, admin API and UI); absent = none. */
    admin: adminSchema.optional(),
    telemetry: telemetrySchema.prefault({}),
    /** Replicas sharing sessions, events, limits and notifications through Redis; absent = one process. */
    cluster: clusterSchema.optional(),
    /** Shared context (values per session, principal and namespace, served as `context://` resources). */
    context: contextSchema.prefault({}),
  })
  .strict();

/**
 * One layer of the config (the file, the flags, the environment) on its own: every key checked,
 * but a layer may hold part of what only the layers together complete — the cluster's Redis URL in
 * the environment, its replica id in a flag, the shared secret in a file.
 */
export const configLayerSchema = hostConfigObject.extend({ cluster: clusterSchema.partial().optional() });

export const hostConfigSchema = hostConfigObject
  // Every replica must open the requestState another sealed: a random per-process secret would not.
  .refine((c) => c.cluster === undefined || c.protocol.requestStateSecret !== undefined, { error: 'cluster needs protocol.requestStateSecret (MCP_HOST_REQUEST_STATE_SECRET), the same on every replica: a requestState sealed by one replica is opened by another', path: ['protocol', 'requestStateSecret'] });

/** The complete, validated host configuration, every default filled in. */
export type HostConfig = z.output<typeof hostConfigSchema>;
export type LogLevel = HostConfig['logLevel'];
export type PluginSettings = HostConfig['plugins']['settings'][string];
export type AuthConfig = NonNullable<HostConfig['auth']>;
export type MaskingConfig = NonNullable<HostConfig['masking']>;
export type LimitsConfig = NonNullable<HostConfig['limits']>;
export type JsonLimits = HostConfig['server']['limits'];
/** What every log line is masked by (the host's and every plugin's fields and patterns); plain data, so it crosses to plugin workers and processes. */
export interface LogMask {
  readonly fields: readonly string[];
  readonly patterns: readonly MaskingConfig['patterns'][number][];
}
export type QuotasConfig = HostConfig['server']['quotas'];
export type AuditConfig = NonNullable<HostConfig['audit']>;
export type AdminConfig = NonNullable<HostConfig['admin']>;
export type TelemetryConfig = HostConfig['telemetry'];
export type ClusterConfig = NonNullable<HostConfig['cluster']>;
export type PermissionsConfig = NonNullable<PluginSettings['permissions']>;

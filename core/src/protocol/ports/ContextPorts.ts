import type { PluginInfo, RequestContext, SharedContext } from '@mcp-host/sdk';

/**
 * Shared context (the sdk's `SharedContext`), as the engine and the stores see it. The service
 * (`context/ContextService`) turns a call into scopes and checks; a `ContextBackend` keeps the values:
 * `context/MemoryContextBackend` in one process, `cluster/RedisContextBackend` with `cluster`.
 */

/** Makes `ctx.context` for a handler of `plugin` (the engine and the plugin runtimes call it lazily, on first use). */
export interface ContextPort {
  of(ctx: RequestContext, plugin: PluginInfo): SharedContext;
}

/** One stored value: its JSON text, its version, its expiry. */
export interface StoredValue {
  readonly json: string;
  /** Unique and increasing within the scope (never reused, even after a delete: no ABA for compare-and-set). */
  readonly version: number;
  /** Epoch ms, when the value has a TTL. */
  readonly expiresAt?: number;
}

/** What a write of one scope may take. `bytes` counts each key's and its JSON's UTF-8 bytes. */
export interface ScopeLimits {
  readonly maxKeys: number;
  readonly maxBytes: number;
  /**
   * The whole scope expires this long after its last write (the session scope: a session's values
   * do not outlive it for ever); undefined: the scope itself does not expire.
   */
  readonly scopeTtlMs?: number;
}

export type WriteOutcome =
  | { readonly ok: true; readonly version: number; readonly expiresAt?: number }
  | { readonly ok: false; readonly reason: 'conflict'; readonly current?: StoredValue }
  | { readonly ok: false; readonly reason: 'quota'; readonly limit: 'keys' | 'bytes'; readonly max: number };

export type DeleteOutcome = { readonly ok: true; readonly existed: boolean } | { readonly ok: false; readonly reason: 'conflict'; readonly current?: StoredValue };

/**
 * Where values are kept. Scopes are opaque strings the service builds (`p/<principal>`,
 * `s/<principal>/<session>`, `n/<namespace>`, each part URI-encoded, so a scope never contains a
 * second meaning); keys are checked by the service. Every operation is atomic on its own; an expired
 * value is absent to every operation and counts against no quota. A backend that cannot reach its
 * store rejects (the service answers `unavailable`).
 */
export interface ContextBackend {
  get(scope: string, key: string): Promise<StoredValue | undefined>;
  /**
   * Writes `json` under `key`. `ifVersion`: undefined = unconditional; 0 = only if absent; n = only
   * if the current version is n. Quotas are checked with the new value in place of the old.
   * `ttlMs` undefined: no expiry of its own.
   */
  set(scope: string, key: string, json: string, ttlMs: number | undefined, ifVersion: number | undefined, limits: ScopeLimits): Promise<WriteOutcome>;
  delete(scope: string, key: string, ifVersion: number | undefined): Promise<DeleteOutcome>;
  /** The keys holding a value, sorted. */
  keys(scope: string): Promise<string[]>;
  /** Drops every value of a scope (a legacy session ended). */
  clear(scope: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Who hears that a context value changed: the subscribers of its URI among the sessions and listen
 * streams of one principal (and, for the session scope, of one session or context id), or, for a
 * shared namespace, every subscriber allowed to read it.
 */
export type ContextAudience = { readonly principal: string; readonly session?: string } | { readonly namespace: string };

/** One write, for the audit trail (when audit is on). */
export interface ContextWriteRecord {
  readonly op: 'set' | 'cas' | 'delete';
  /** The value's URI (`context://principal/theme`): who it belongs to is `principal`. */
  readonly uri: string;
  readonly principal: string | undefined;
  readonly plugin: string;
  /** ok/absent (a delete of nothing), the store's refusals (conflict, quota), or a ContextError reason for a write refused before it (forbidden, bad-key, invalid-value, no-session). */
  readonly outcome: 'ok' | 'conflict' | 'quota' | 'absent' | 'forbidden' | 'bad-key' | 'invalid-value' | 'no-session';
  readonly version?: number;
}

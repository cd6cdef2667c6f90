/**
 * Shared context: named JSON values that live in the host, not in a plugin, so every plugin's tools
 * read and write the same state, a reload or a worker restart loses nothing, and (with `cluster`)
 * every replica sees it. Three scopes:
 *
 * - `session`: the caller's session — a legacy (2025-11-25) session, the stdio client, or in the
 *   stateless 2026-07-28 era the context id the client sends in `_meta["mcp-host/contextId"]`
 *   (within its principal: another principal's id names other state);
 * - `principal`: everything the same principal (token subject) does, from any client;
 * - `shared(namespace)`: a namespace declared in a plugin's manifest (`mcpHost.context.namespaces`)
 *   or the host config (`context.namespaces`), with the scopes or roles needed to read and to write it.
 *
 * Clients read the same values as resources — `context://session/{key}`,
 * `context://principal/{key}`, `context://shared/{namespace}/{key}` (and the key lists at
 * `context://session`, `context://principal`, `context://shared/{namespace}`) — and subscribe to
 * them: every write sends `notifications/resources/updated` to the subscribers who may see it.
 *
 * Keys: 1–128 characters of letters, digits and `. _ - :`, starting with a letter or digit.
 * Refusals (a bad key, a value over a limit or its namespace's schema, a quota, a namespace the
 * caller may not write, no session scope) reject with a `ContextError`.
 */
export interface SharedContext {
  /** The caller's session (see above). Rejects with `ContextError` reason `no-session` when the call has none. */
  readonly session: ContextScope;
  /** The caller's principal: shared by all its sessions and clients. */
  readonly principal: ContextScope;
  /** A declared shared namespace; reading and writing need the namespace's scopes or roles. */
  shared(namespace: string): ContextScope;
}

/** One value as stored: the value, its version (any write gives it a new, higher one) and when it expires. */
export interface ContextEntry<T = unknown> {
  readonly key: string;
  readonly value: T;
  /** Increases with every write of the scope; compare-and-set on it. */
  readonly version: number;
  /** Epoch milliseconds, when the value has a TTL. */
  readonly expiresAt?: number;
}

export interface ContextSetOptions {
  /** The value expires this long after the write (default: never, or the session scope's own lifetime). */
  readonly ttlMs?: number;
}

/** What `compareAndSet` did: written, or not because the value's version was no longer `expected`. */
export type ContextCasResult<T = unknown> = { readonly ok: true; readonly entry: ContextEntry<T> } | { readonly ok: false; readonly current: ContextEntry<T> | undefined };

export interface ContextUpdateOptions extends ContextSetOptions {
  /** Attempts before giving up with `ContextError` reason `conflict` (default 100). */
  readonly maxAttempts?: number;
}

/** One scope's values. Every method is a round trip to the host's store (in memory, or Redis when clustered). */
export interface ContextScope {
  /** The scope's resource URI, e.g. `context://session`; a key's is `${uri}/${key}`. */
  readonly uri: string;
  get<T = unknown>(key: string): Promise<ContextEntry<T> | undefined>;
  /** Writes unconditionally. */
  set<T>(key: string, value: T, options?: ContextSetOptions): Promise<ContextEntry<T>>;
  /**
   * Writes only if the current version is `expected` (0: only if there is no value). Resolves
   * `{ ok: false, current }` when another write came first.
   */
  compareAndSet<T>(key: string, expected: number, value: T, options?: ContextSetOptions): Promise<ContextCasResult<T>>;
  /** Deletes; with `ifVersion`, only if the value is still that version. Resolves whether a value was deleted. */
  delete(key: string, options?: { readonly ifVersion?: number }): Promise<boolean>;
  /**
   * Atomic read-modify-write: calls `fn` with the current value (undefined when absent) and writes
   * what it returns with compare-and-set, calling it again on the newer value when another write
   * came first, so no update is lost. `fn` returning undefined deletes the value. `fn` may run
   * several times: keep it free of side effects.
   */
  update<T>(key: string, fn: (current: T | undefined) => T | undefined, options?: ContextUpdateOptions): Promise<ContextEntry<T> | undefined>;
  /** The keys of this scope that hold a value, sorted. */
  keys(): Promise<string[]>;
}

/** Why the host refused a context operation (`ContextError.reason`). */
export type ContextErrorReason =
  /** The key or namespace is not well formed. */
  | 'bad-key'
  /** The value is not JSON, is over `context.maxValueBytes` or `server.limits`, or fails its namespace's schema. */
  | 'invalid-value'
  /** The scope is full: `context.quota` keys or bytes (`data.limit`, `data.max`). */
  | 'quota'
  /** The caller may not read or write this namespace, or the namespace is not declared. */
  | 'forbidden'
  /** The call has no session scope (a 2026-07-28 request without `_meta["mcp-host/contextId"]`, or no caller). */
  | 'no-session'
  /** `update` kept losing to other writers for `maxAttempts` attempts. */
  | 'conflict'
  /** The store cannot be reached (Redis down). */
  | 'unavailable';

/**
 * A context operation the host refused. Thrown out of a tool, it becomes the tool's error result
 * with this message (the model can act on it); its `reason` and `data` survive the worker and
 * process boundaries.
 */
export class ContextError extends Error {
  constructor(
    readonly reason: ContextErrorReason,
    message: string,
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ContextError';
  }
}

/** The `_meta` key a 2026-07-28 client sets to name its session scope (any string of 1–128 letters, digits, `. _ - :`). */
export const CONTEXT_ID_META = 'mcp-host/contextId';

/**
 * Convention: the session-scope key of the caller's current working folder ("my project in this
 * conversation"). The filesystem plugin's `set_working_folder` writes it; the filesystem plugin
 * resolves relative paths against it and the tasks plugin runs opted-in tasks there. Any tool may
 * write the key, so readers must treat the value as untrusted: check it against their own limits
 * (roots, allowed folders) on every read, and ignore or refuse a value outside them.
 */
export const WORKING_FOLDER_KEY = 'workspace.cwd';

/** The value under `WORKING_FOLDER_KEY`: an absolute path (the real path when the writer resolved links). */
export interface WorkingFolder {
  readonly path: string;
  /** Its `file://` URI. */
  readonly uri?: string;
}

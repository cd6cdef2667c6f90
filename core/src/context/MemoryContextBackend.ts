import type { ContextBackend, DeleteOutcome, ScopeLimits, StoredValue, WriteOutcome } from '../protocol/ports/ContextPorts.js';

interface Held extends StoredValue {
  readonly size: number;
}

interface Scope {
  readonly values: Map<string, Held>;
  bytes: number;
  /** When the whole scope expires (its limits' `scopeTtlMs` after the last write), or undefined. */
  expiresAt?: number;
}

/** How often expired values are swept (they are absent to every operation before that anyway). */
const SWEEP_MS = 30_000;

/**
 * The one-process store: values in the host's memory, so they outlive plugin reloads and worker
 * restarts (they are the host's, not the plugin's), not the process. Every operation is
 * synchronous inside, so each is atomic; versions come from one counter.
 */
export class MemoryContextBackend implements ContextBackend {
  private readonly scopes = new Map<string, Scope>();
  private version = 0;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS).unref();
  }

  async get(scope: string, key: string): Promise<StoredValue | undefined> {
    const held = this.live(scope)?.values.get(key);
    return held && !this.expired(held) ? held : undefined;
  }

  async set(scope: string, key: string, json: string, ttlMs: number | undefined, ifVersion: number | undefined, limits: ScopeLimits): Promise<WriteOutcome> {
    const s = this.live(scope) ?? this.open(scope);
    this.drop(s, key, true);
    const current = s.values.get(key);
    if (ifVersion !== undefined && (current?.version ?? 0) !== ifVersion) return { ok: false, reason: 'conflict', current };
    const size = Buffer.byteLength(key) + Buffer.byteLength(json);
    const over = (): 'keys' | 'bytes' | undefined => (!current && s.values.size + 1 > limits.maxKeys ? 'keys' : s.bytes - (current?.size ?? 0) + size > limits.maxBytes ? 'bytes' : undefined);
    let full = over();
    // Expired values count against no quota: dropped before a refusal (only then, so a write does not walk the scope).
    if (full) {
      for (const k of [...s.values.keys()]) this.drop(s, k, true);
      full = over();
    }
    if (full) return { ok: false, reason: 'quota', limit: full, max: full === 'keys' ? limits.maxKeys : limits.maxBytes };
    const now = this.now();
    const held: Held = { json, version: ++this.version, size, ...(ttlMs !== undefined ? { expiresAt: now + ttlMs } : {}) };
    s.bytes += size - (current?.size ?? 0);
    s.values.set(key, held);
    s.expiresAt = limits.scopeTtlMs !== undefined ? now + limits.scopeTtlMs : undefined;
    return { ok: true, version: held.version, ...(held.expiresAt !== undefined ? { expiresAt: held.expiresAt } : {}) };
  }

  async delete(scope: string, key: string, ifVersion: number | undefined): Promise<DeleteOutcome> {
    const s = this.live(scope);
    if (s) this.drop(s, key, true);
    const current = s?.values.get(key);
    if (ifVersion !== undefined && (current?.version ?? 0) !== ifVersion) return { ok: false, reason: 'conflict', current };
    if (!s || !current) return { ok: true, existed: false };
    this.drop(s, key, false);
    if (s.values.size === 0) this.scopes.delete(scope);
    return { ok: true, existed: true };
  }

  async keys(scope: string): Promise<string[]> {
    const s = this.live(scope);
    if (!s) return [];
    const keys: string[] = [];
    for (const [key, held] of s.values) if (!this.expired(held)) keys.push(key);
    return keys.sort();
  }

  async clear(scope: string): Promise<void> {
    this.scopes.delete(scope);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.scopes.clear();
  }

  /** How many scopes are held (tests check that ended sessions leave nothing behind). */
  get size(): number {
    return this.scopes.size;
  }

  private open(scope: string): Scope {
    const s: Scope = { values: new Map(), bytes: 0 };
    this.scopes.set(scope, s);
    return s;
  }

  /** The scope, unless it expired whole (then it is forgotten). */
  private live(scope: string): Scope | undefined {
    const s = this.scopes.get(scope);
    if (s?.expiresAt !== undefined && s.expiresAt <= this.now()) {
      this.scopes.delete(scope);
      return undefined;
    }
    return s;
  }

  private expired(held: Held): boolean {
    return held.expiresAt !== undefined && held.expiresAt <= this.now();
  }

  /** Removes a value (only if expired, with `onlyExpired`), keeping the byte count true. */
  private drop(s: Scope, key: string, onlyExpired: boolean): void {
    const held = s.values.get(key);
    if (!held || (onlyExpired && !this.expired(held))) return;
    s.values.delete(key);
    s.bytes -= held.size;
  }

  private sweep(): void {
    for (const [name, s] of this.scopes) {
      if (s.expiresAt !== undefined && s.expiresAt <= this.now()) {
        this.scopes.delete(name);
        continue;
      }
      for (const key of [...s.values.keys()]) this.drop(s, key, true);
      if (s.values.size === 0) this.scopes.delete(name);
    }
  }
}

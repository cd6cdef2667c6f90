import type { Redis } from 'ioredis';
import type { ContextBackend, DeleteOutcome, ScopeLimits, StoredValue, WriteOutcome } from '../protocol/ports/ContextPorts.js';
import { withContextCommands, type ContextCommands, type CurrentReply } from './contextScripts.js';
import type { RedisLink } from './RedisLink.js';

/** A number as a script argument: '' for none (and for Infinity: unlimited, no expiry). */
const arg = (n: number | undefined): string => (n !== undefined && Number.isFinite(n) ? String(Math.ceil(n)) : '');

const stored = (json: string, version: number, expiresAt: number): StoredValue => ({ json, version, ...(expiresAt >= 0 ? { expiresAt } : {}) });

const currentOf = (reply: readonly unknown[]): StoredValue | undefined =>
  reply[2] === undefined || reply[2] === null ? undefined : stored(reply[2] as string, reply[3] as number, reply[4] as number);

/**
 * The shared context in Redis, for replicas (`cluster`): every replica reads and writes the same
 * values. A scope is four keys under `<prefix>ctx:{<scope>}:` (the hash tag keeps them on one slot),
 * each operation one Lua script (`contextScripts`), so it is atomic across replicas and judges
 * expiry by Redis's clock. While Redis is down the link fails fast and every operation rejects
 * (the service answers `unavailable`); nothing is buffered or answered from a stale copy.
 */
export class RedisContextBackend implements ContextBackend {
  private readonly redis: Redis & ContextCommands;
  private readonly versions: string;

  constructor(private readonly link: RedisLink) {
    this.redis = withContextCommands(link.redis);
    this.versions = link.key('ctx', 'version');
  }

  /**
   * The scope's keys: values, metadata, expiries, bytes. The suffixes have one length, so two
   * scopes never share a key whatever their characters (`a}:d` and `a` give `{a}:d}:d` and `{a}:d`).
   */
  private keysOf(scope: string): [string, string, string, string] {
    const base = this.link.key('ctx', `{${scope}}`);
    return [`${base}:d`, `${base}:m`, `${base}:x`, `${base}:b`];
  }

  async get(scope: string, key: string): Promise<StoredValue | undefined> {
    const reply: CurrentReply | null = await this.redis.mcpCtxGet(...this.keysOf(scope), key);
    return reply ? stored(...reply) : undefined;
  }

  async set(scope: string, key: string, json: string, ttlMs: number | undefined, ifVersion: number | undefined, limits: ScopeLimits): Promise<WriteOutcome> {
    // Sizes are UTF-8 bytes of key and JSON, as the memory backend counts them (measured here, passed to the script).
    const size = Buffer.byteLength(key) + Buffer.byteLength(json);
    const reply = await this.redis.mcpCtxSet(
      ...this.keysOf(scope),
      this.versions,
      key,
      json,
      arg(ttlMs),
      ifVersion === undefined ? '' : String(ifVersion),
      arg(limits.maxKeys),
      arg(limits.maxBytes),
      arg(limits.scopeTtlMs),
      String(size),
    );
    if (reply[0] === 1) return { ok: true, version: reply[1], ...(reply[2] >= 0 ? { expiresAt: reply[2] } : {}) };
    if (reply[1] === 'quota') {
      const limit = reply[2];
      return { ok: false, reason: 'quota', limit, max: limit === 'keys' ? limits.maxKeys : limits.maxBytes };
    }
    const current = currentOf(reply);
    return { ok: false, reason: 'conflict', ...(current ? { current } : {}) };
  }

  async delete(scope: string, key: string, ifVersion: number | undefined): Promise<DeleteOutcome> {
    const reply = await this.redis.mcpCtxDelete(...this.keysOf(scope), key, ifVersion === undefined ? '' : String(ifVersion));
    if (reply[0] === 1) return { ok: true, existed: reply[1] === 1 };
    const current = currentOf(reply);
    return { ok: false, reason: 'conflict', ...(current ? { current } : {}) };
  }

  async keys(scope: string): Promise<string[]> {
    return (await this.redis.mcpCtxKeys(...this.keysOf(scope))).sort();
  }

  async clear(scope: string): Promise<void> {
    await this.redis.del(...this.keysOf(scope));
  }

  /** Nothing of its own to close: the connection is the link's, shared with the rest of the cluster layer. */
  async close(): Promise<void> {}
}

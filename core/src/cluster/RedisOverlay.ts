import type { SharedOverlayPort } from '../protocol/ports/ClusterPorts.js';
import type { RedisLink } from './RedisLink.js';

/** The hash field counting the changes; never deleted, so a hash without it is one Redis lost. */
const REV = '_rev';

/**
 * The operators' plugin overlay in Redis: the hash `<prefix>overlay`, one field per plugin (its
 * override as JSON) and `_rev`, bumped in the same transaction as every change.
 */
export class RedisOverlay implements SharedOverlayPort {
  private readonly key: string;

  constructor(private readonly link: RedisLink) {
    this.key = link.key('overlay');
  }

  get up(): boolean {
    return this.link.up;
  }

  onUp(listener: () => void): () => void {
    return this.link.onChange((up) => void (up && listener()));
  }

  async read(): Promise<{ entries: Map<string, string>; rev: string | null }> {
    const all = await this.link.redis.hgetall(this.key);
    const entries = new Map(Object.entries(all).filter(([id]) => id !== REV));
    return { entries, rev: all[REV] ?? null };
  }

  readOne(id: string): Promise<string | null> {
    return this.link.redis.hget(this.key, id);
  }

  async write(id: string, text: string | undefined): Promise<void> {
    const tx = this.link.redis.multi();
    if (text === undefined) tx.hdel(this.key, id);
    else tx.hset(this.key, id, text);
    await tx.hincrby(this.key, REV, 1).exec();
  }

  rev(): Promise<string | null> {
    return this.link.redis.hget(this.key, REV);
  }

  async restore(entries: ReadonlyMap<string, string>): Promise<boolean> {
    if ((await this.link.redis.hexists(this.key, REV)) === 1) return false;
    const tx = this.link.redis.multi();
    for (const [id, text] of entries) tx.hsetnx(this.key, id, text);
    await tx.hincrby(this.key, REV, 1).exec();
    return true;
  }
}

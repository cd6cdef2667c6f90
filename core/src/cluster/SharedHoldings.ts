import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { SharedCounts } from '../protocol/ports/LimitPorts.js';
import { withLimitCommands, type LimitCommands } from './limitScripts.js';
import type { RedisLink } from './RedisLink.js';

/** How long a share's hash outlives its last write; every holder writes its holdings again well within it. */
const HOLD_TTL_MS = 10 * 60_000;

/**
 * The counts auth's SharedRateLimiter and SharedQuotas share across replicas: token buckets
 * (limitScripts TAKE_TOKEN), and held resources (sessions, streams, calls in flight) per principal
 * such that a replica that dies does not hold its units forever.
 *
 * Design: a share is a Redis hash, one field per holder (a replica process, under an id unique to
 * the process) with the units it holds; a sorted set keeps each holder's lease (expiry by Redis's
 * clock), renewed every third of `cluster.leaseMs` by the holder's heartbeat. Taking a unit
 * (limitScripts TAKE_HELD) sums the fields of live holders only and drops the fields of lapsed
 * ones, so a dead replica's units are free once its lease lapses. Each replica also counts what it
 * holds locally (the existing classes): that count is the truth for its own field, written again
 * under a fresh holder id ("rewrite") whenever Redis may have lost or mis-counted it — at start,
 * when Redis comes back, when its lease had lapsed (a long pause), after a failed command — and
 * now and then to keep the hashes from expiring. A fresh id makes every older field of this
 * process stale at once, so a rewrite never double-counts.
 *
 * Redis down: the owners fall back to their local counts (per-replica limits) and this logs it
 * once; when Redis is back, the rewrite makes the shared counts right again.
 */
export class SharedHoldings implements SharedCounts {
  private readonly redis: Redis & LimitCommands;
  private readonly leases: string;
  /** Unique to this process: a restarted replica with the same replicaId never inherits its predecessor's holdings. */
  private readonly process = randomUUID().slice(0, 8);
  private epoch = 0;
  private holder: string;
  /** The holdings in Redis may be wrong: write them again at the next beat. */
  private stale = true;
  private beating = false;
  private beats = 0;
  private readonly rewriteEvery: number;
  private readonly sources: Array<{ kind: string; entries: () => Iterable<[string, number]> }> = [];
  private readonly timer: NodeJS.Timeout;
  private readonly unlisten: () => void;
  private wasUp: boolean | undefined;

  constructor(
    private readonly link: RedisLink,
    private readonly leaseMs: number,
    logger: Logger,
  ) {
    this.redis = withLimitCommands(link.redis);
    this.leases = link.key('limits', 'leases');
    this.holder = this.holderId();
    this.rewriteEvery = Math.max(1, Math.floor(HOLD_TTL_MS / 3 / (leaseMs / 3)));
    this.wasUp = link.up;
    this.unlisten = link.onChange((up) => {
      if (this.wasUp !== undefined && up !== this.wasUp) {
        if (up) logger.info({ replica: link.replicaId }, 'limits and quotas are shared across replicas again');
        else logger.warn({ replica: link.replicaId }, 'limits and quotas are counted per replica until Redis returns (each replica enforces them alone)');
      }
      this.wasUp = up;
      if (up) {
        this.stale = true;
        void this.beat();
      }
    });
    this.timer = setInterval(() => void this.beat(), leaseMs / 3).unref();
    if (link.up) void this.beat();
  }

  /** Whether takes go to Redis now (else the owners count locally). */
  get up(): boolean {
    return this.link.up;
  }

  /** Takes a token of bucket `name` (0, or the milliseconds until one is there). Rejects when Redis fails. */
  bucket(name: string, rate: number, burst: number): Promise<number> {
    return this.redis.mcpTakeToken(this.link.key('limits', name), rate, burst);
  }

  /** A kind of holding and where its local counts are (principal → units this replica holds). */
  track(kind: string, entries: () => Iterable<[string, number]>): void {
    this.sources.push({ kind, entries });
  }

  /**
   * Takes one unit of `kind` for `principal` across the cluster, the owner having counted it
   * locally already. Resolves false when the live holders hold `limit`; true when taken, or when
   * Redis failed (the local count, per replica, decides then). Never rejects.
   */
  take(kind: string, principal: string, limit: number): Promise<boolean> {
    const epoch = this.epoch;
    return this.redis.mcpTakeHeld(this.key(kind, principal), this.leases, this.holder, limit, HOLD_TTL_MS).then(
      (taken) => {
        if (taken === 1) return true;
        // A rewrite since the take was sent wrote the local count, which included this unit: take it back out.
        if (epoch !== this.epoch) this.give(kind, principal);
        return false;
      },
      () => {
        this.stale = true;
        return true;
      },
    );
  }

  /** Gives back one unit in Redis (the owner gives it back locally). Not awaited; a failure marks the counts for a rewrite. */
  give(kind: string, principal: string): void {
    if (!this.link.up) return void (this.stale = true);
    this.redis.mcpGiveHeld(this.key(kind, principal), this.holder).catch(() => (this.stale = true));
  }

  /** Stops the heartbeat (the host closes; tests drop a "replica" this way). Its holdings lapse with its lease. */
  close(): void {
    clearInterval(this.timer);
    this.unlisten();
  }

  private key(kind: string, principal: string): string {
    return this.link.key('limits', 'held', kind, principal);
  }

  private holderId(): string {
    return `${this.link.replicaId}.${this.process}.${this.epoch}`;
  }

  /** Renews the lease, or writes the holdings again when they may be wrong. */
  private async beat(): Promise<void> {
    if (!this.link.up || this.beating) return;
    this.beating = true;
    try {
      if (++this.beats % this.rewriteEvery === 0) this.stale = true;
      if (!this.stale && (await this.redis.mcpRenewLease(this.leases, this.holder, this.leaseMs)) === 1) return;
      await this.rewrite();
    } catch {
      this.stale = true;
    } finally {
      this.beating = false;
    }
  }

  /**
   * Writes every local count under a fresh holder id, in one transaction sent before any later
   * command of this connection (so takes sent after it count on top of it), and retires the old id.
   */
  private async rewrite(): Promise<void> {
    const old = this.holder;
    this.epoch++;
    this.holder = this.holderId();
    this.stale = false;
    const tx = this.redis.multi();
    (tx as unknown as LimitCommands).mcpRenewLease(this.leases, this.holder, this.leaseMs);
    for (const { kind, entries } of this.sources) {
      for (const [principal, n] of entries()) {
        const key = this.key(kind, principal);
        tx.hdel(key, old).hset(key, this.holder, n).pexpire(key, HOLD_TTL_MS);
      }
    }
    tx.zrem(this.leases, old);
    const results = await tx.exec();
    if (!results || results.some(([err]) => err)) this.stale = true;
  }
}

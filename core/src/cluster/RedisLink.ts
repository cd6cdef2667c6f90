import { hostname } from 'node:os';
import type { ClusterConfig } from '@mcp-host/config';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** The replica's name when the config gives none: unique per process on a machine, readable in logs. */
export const defaultReplicaId = (): string => `${hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 40)}-${process.pid}`;

/**
 * This replica's connections to the cluster's Redis: one for commands, one for SUBSCRIBE (a
 * subscribed connection runs nothing else). Redis being down is a state the host lives with, not
 * an error per call: commands fail at once instead of queueing (`enableOfflineQueue: false`, so
 * nothing buffers without bound while it is down), ioredis reconnects by itself, and every change
 * of state is logged once and told to whoever listens (readiness, metrics, the session layer).
 */
export class RedisLink {
  readonly replicaId: string;
  /** Commands. Fails fast while Redis is down. */
  readonly redis: Redis;
  /** SUBSCRIBE only; ioredis subscribes again on reconnect. */
  readonly sub: Redis;
  private readonly listeners = new Set<(up: boolean) => void>();
  private wasUp: boolean | undefined;
  private closed = false;
  /** Until `connect` settles, the state is not reported (both connections come up one after the other). */
  private connecting = true;

  constructor(
    readonly config: ClusterConfig,
    private readonly logger: Logger,
  ) {
    this.replicaId = config.replicaId ?? defaultReplicaId();
    const options = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: config.commandTimeoutMs,
      connectTimeout: Math.max(config.commandTimeoutMs, 1000),
      // Back off to one attempt a second: a returning Redis is found within a second.
      retryStrategy: (times: number) => Math.min(50 * times, 1000),
      connectionName: `mcp-host:${this.replicaId}`,
    };
    this.redis = new Redis(config.redisUrl, options);
    // Subscriptions made while down wait for the connection (a handful of commands, bounded by topics).
    this.sub = new Redis(config.redisUrl, { ...options, enableOfflineQueue: true, commandTimeout: undefined });
    for (const client of [this.redis, this.sub]) {
      client.on('ready', () => this.check());
      client.on('close', () => this.check());
      // ioredis reports each failed attempt; the state change is logged once in `check`.
      client.on('error', (err: Error) => this.check(err));
    }
  }

  /** Whether both connections are up now. */
  get up(): boolean {
    return this.redis.status === 'ready' && this.sub.status === 'ready';
  }

  /** A key (or channel) under the cluster's prefix. */
  key(...parts: string[]): string {
    return this.config.keyPrefix + parts.join(':');
  }

  /** Calls `listener` on every change between up and down; returns the removal. */
  onChange(listener: (up: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Connects, waiting up to `waitMs` for Redis. A replica whose Redis is down at start still
   * starts (not ready, serving what needs no shared state) and connects when Redis comes.
   */
  async connect(waitMs: number): Promise<boolean> {
    void this.redis.connect().catch(() => {});
    void this.sub.connect().catch(() => {});
    const deadline = Date.now() + waitMs;
    while (!this.up && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    this.connecting = false;
    this.check();
    return this.up;
  }

  private check(err?: Error): void {
    if (this.closed || this.connecting) return;
    const up = this.up;
    if (up === this.wasUp) return;
    // The first state is logged only when it is "down" (being up at start is the normal case).
    if (this.wasUp !== undefined || !up) {
      if (up) this.logger.info({ replica: this.replicaId }, 'Redis is back: cluster state is shared again');
      else this.logger.error({ replica: this.replicaId, reason: err?.message }, `Redis is down (${this.config.redisUrl.replace(/\/\/[^@/]*@/, '//***@')}): not ready; serving what needs no shared state, reconnecting`);
    }
    this.wasUp = up;
    for (const l of this.listeners) l(up);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await Promise.allSettled([this.redis.quit(), this.sub.quit()]);
    this.redis.disconnect();
    this.sub.disconnect();
  }
}

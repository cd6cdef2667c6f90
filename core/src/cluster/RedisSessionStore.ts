import type { Logger } from 'pino';
import type { SessionEvent, SessionRecord, SessionStorePort, StreamHold } from '../protocol/ports/ClusterPorts.js';
import type { ClusterBus } from './ClusterBus.js';
import type { RedisLink } from './RedisLink.js';

/** Renews a hold only if this replica still has it (another may have taken it over since). */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
/** Gives a hold back only if this replica still has it. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
/** Takes a hold when free, already ours, or when taking over; answers the previous holder ('' when none). */
const HOLD = `local h = redis.call('GET', KEYS[1])
if h == false then h = '' end
if h == '' or h == ARGV[1] or ARGV[3] == '1' then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return h`;

/**
 * Legacy sessions in Redis, so that any replica serves any session. A record (principal,
 * negotiated version, capabilities, log level, subscriptions) is one key that expires after
 * `server.sessionIdleTimeoutMs` without use — every replica that serves the session pushes the
 * expiry back (at most every tenth of it). A session's GET stream is held by one replica at a time
 * under a lease (`cluster.leaseMs`, renewed every third of it, with the record's expiry): when a
 * replica dies its streams' leases run out and clients reconnect anywhere; a client resuming with
 * Last-Event-ID takes the stream over at once (the old holder is told to end its stream). What replicas tell each other about sessions goes on the bus: to all
 * (`sessions`: changed, ended, cancel) or to one (`replica:<id>`: an answer to its request, a
 * stream to release).
 */
export class RedisSessionStore implements SessionStorePort {
  private readonly touched = new Map<string, number>();
  private readonly holds = new Set<string>();
  private readonly renewTimer: NodeJS.Timeout;
  private readonly touchEveryMs: number;

  constructor(
    private readonly link: RedisLink,
    private readonly bus: ClusterBus,
    private readonly idleMs: number,
    private readonly logger: Logger,
  ) {
    this.touchEveryMs = Math.max(1000, Math.floor(idleMs / 10));
    const lease = link.config.leaseMs;
    this.renewTimer = setInterval(() => this.renew(), Math.floor(lease / 3)).unref();
  }

  get replicaId(): string {
    return this.link.replicaId;
  }

  get up(): boolean {
    return this.link.up;
  }

  private key(id: string): string {
    return this.link.key('session', id);
  }

  async load(id: string): Promise<SessionRecord | undefined> {
    const text = await this.link.redis.get(this.key(id));
    if (text === null) return undefined;
    this.touched.set(id, Date.now());
    void this.link.redis.pexpire(this.key(id), this.idleMs).catch(() => {});
    return JSON.parse(text) as SessionRecord;
  }

  async save(id: string, record: SessionRecord): Promise<void> {
    await this.link.redis.set(this.key(id), JSON.stringify(record), 'PX', this.idleMs);
    this.touched.set(id, Date.now());
  }

  touch(id: string): void {
    const now = Date.now();
    const last = this.touched.get(id);
    if (last !== undefined && now - last < this.touchEveryMs) return;
    this.touched.set(id, now);
    if (this.link.up) void this.link.redis.pexpire(this.key(id), this.idleMs).catch(() => {});
  }

  /** This replica no longer keeps a copy of the session (the record stays for the others). */
  forget(id: string): void {
    this.touched.delete(id);
  }

  async remove(id: string): Promise<void> {
    this.touched.delete(id);
    await this.link.redis.del(this.key(id), this.link.key('hold', id));
  }

  broadcast(event: SessionEvent): void {
    this.bus.publish('sessions', event as never);
  }

  sendTo(replica: string, event: SessionEvent): void {
    this.bus.publish(`replica:${replica}`, event as never);
  }

  listen(handler: (event: SessionEvent) => void): () => void {
    const off = [this.bus.subscribe('sessions', (m) => handler(m as never)), this.bus.subscribe(`replica:${this.replicaId}`, (m) => handler(m as never))];
    return () => off.forEach((f) => f());
  }

  async hold(id: string, takeOver: boolean): Promise<StreamHold> {
    const previous = (await this.link.redis.eval(HOLD, 1, this.link.key('hold', id), this.replicaId, this.link.config.leaseMs, takeOver ? '1' : '0')) as string;
    const other = previous !== '' && previous !== this.replicaId ? previous : undefined;
    if (other && !takeOver) return { held: false, holder: other };
    this.holds.add(id);
    // The replica that held it ends its stream: one stream per session, never a message on two.
    if (other) this.sendTo(other, { type: 'release', session: id });
    return { held: true };
  }

  release(id: string): void {
    if (!this.holds.delete(id)) return;
    if (this.link.up) void this.link.redis.eval(RELEASE, 1, this.link.key('hold', id), this.replicaId).catch(() => {});
  }

  onReconnect(handler: () => void): () => void {
    let wasUp = this.link.up;
    return this.link.onChange((up) => {
      if (up && !wasUp) handler();
      wasUp = up;
    });
  }

  restore(id: string, record: SessionRecord, holdsStream: boolean): void {
    const pipeline = this.link.redis.pipeline().set(this.key(id), JSON.stringify(record), 'PX', this.idleMs, 'NX');
    if (holdsStream) pipeline.set(this.link.key('hold', id), this.replicaId, 'PX', this.link.config.leaseMs, 'NX');
    pipeline.exec().catch(() => {});
  }

  /** Renews every hold of this replica in one pipeline. */
  private renew(): void {
    if (this.holds.size === 0 || !this.link.up) return;
    const pipeline = this.link.redis.pipeline();
    // A session whose stream is open is in use even without requests: its record stays too.
    for (const id of this.holds) pipeline.eval(RENEW, 1, this.link.key('hold', id), this.replicaId, this.link.config.leaseMs).pexpire(this.key(id), this.idleMs);
    pipeline.exec().catch((err: Error) => this.logger.debug({ err: { message: err.message } }, 'renewing stream holds failed (Redis down?)'));
  }

  close(): void {
    clearInterval(this.renewTimer);
  }
}

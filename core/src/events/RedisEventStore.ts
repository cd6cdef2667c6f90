import type { ChainableCommander, Redis } from 'ioredis';
import type { EventStore, StoredEvent, StreamFollower, StreamReplay } from '../protocol/ports/EventStore.js';

/** What the Redis store keeps: events per stream (trimmed approximately) and how long a stream outlives its last write. Redis's own memory policy bounds the number of streams. */
export interface RedisEventRetention {
  readonly maxPerStream: number;
  readonly ttlMs: number;
}

/** The entry fields: `s` the sequence, `d` the data; an end marker has `e` instead of `d`. */
type Entry = [id: string, fields: string[]];

/** One follower and where it is: events at or below `last` were delivered. */
interface Following {
  readonly key: string;
  readonly follower: StreamFollower;
  last: number;
  /** Live messages wait here while the replay (or a catch-up) is read, then pass in order. */
  queue: string[] | undefined;
  done: boolean;
}

/**
 * The cluster's event store: one Redis Stream per SSE stream (XADD, trimmed with MAXLEN ~ and given
 * a TTL on every write, read back with XRANGE), so any replica replays what another one wrote.
 *
 * Following a stream written by another replica uses pub/sub, not XREAD BLOCK: a blocked XREAD holds
 * a whole connection per reader (or one connection that must be interrupted each time the set of
 * followed streams changes), while one SUBSCRIBE connection, shared with the cluster bus, serves
 * every follower of the replica. Each event is an XADD then a PUBLISH of it on one connection (in
 * order, pipelined per turn), so a follower that subscribes before it reads the stream sees every
 * event at least once:
 * duplicates are dropped by sequence, and a gap (messages lost while the subscriber reconnected) is
 * filled from the stream itself, as is everything when the subscriber comes back.
 *
 * Writes are fire-and-forget: the command connection fails at once while Redis is down (the event
 * is then lost for resumption; the live stream is not affected), and nothing is buffered.
 */
export class RedisEventStore implements EventStore {
  private readonly followers = new Map<string, Set<Following>>();
  /** Each followed channel's SUBSCRIBE, which every follower of it waits for before reading the stream. */
  private readonly subscribed = new Map<string, Promise<unknown>>();
  /** Writes that failed (Redis down or slow). */
  dropped = 0;
  private readonly onMessage = (channel: string, text: string): void => {
    const set = this.followers.get(channel);
    if (set) for (const f of set) this.receive(f, text);
  };
  private readonly onReady = (): void => {
    // Messages published while the subscriber was away are lost: read what each follower missed.
    for (const set of this.followers.values()) for (const f of set) if (!f.queue) this.catchUp(f, undefined);
  };
  private readonly drop = (): void => void this.dropped++;
  /** This turn's writes, sent together (see `write`). */
  private batch: ChainableCommander | undefined;
  private readonly expiring = new Set<string>();

  constructor(
    /** Commands (the replica's RedisLink.redis). */
    private readonly redis: Redis,
    /** Subscriptions (the replica's RedisLink.sub, shared: messages of other channels are ignored). */
    private readonly sub: Redis,
    /** Prefix of every key and channel, e.g. `mcp-host:events:`. */
    private readonly prefix: string,
    private readonly retention: RedisEventRetention,
  ) {
    sub.on('message', this.onMessage);
    sub.on('ready', this.onReady);
  }

  open(key: string): void {
    this.write(key, ['s', '0', 'd', ''], undefined);
  }

  append(key: string, seq: number, data: string): void {
    this.write(key, ['s', String(seq), 'd', data], `${seq}:${data}`);
  }

  end(key: string, lastSeq: number): void {
    this.write(key, ['s', String(lastSeq), 'e', '1'], `end:${lastSeq}`);
  }

  async replay(key: string, afterSeq: number): Promise<StreamReplay | undefined> {
    const entries = (await this.redis.xrange(this.streamKey(key), '-', '+')) as Entry[];
    if (entries.length === 0) return undefined;
    const events: StoredEvent[] = [];
    let ended = false;
    for (const [, fields] of entries) {
      const seq = Number(fields[1]);
      if (fields[2] === 'e') ended = true;
      else if (seq > afterSeq) events.push({ seq, data: fields[3] });
    }
    return { events, ended };
  }

  async follow(key: string, afterSeq: number, follower: StreamFollower): Promise<(() => void) | undefined> {
    const channel = this.channel(key);
    const f: Following = { key, follower, last: afterSeq, queue: [], done: false };
    let set = this.followers.get(channel);
    if (!set) {
      this.followers.set(channel, (set = new Set()));
      this.subscribed.set(channel, this.sub.subscribe(channel));
    }
    set.add(f);
    const stop = () => this.unfollow(channel, f);
    try {
      // Subscribed before the stream is read: whatever is written after the read is heard.
      await this.subscribed.get(channel);
      const replay = await this.replay(key, afterSeq);
      if (!replay) return stop(), undefined;
      this.deliver(f, replay);
    } catch (err) {
      stop();
      throw err;
    }
    return stop;
  }

  async close(): Promise<void> {
    this.sub.off('message', this.onMessage);
    this.sub.off('ready', this.onReady);
    const channels = [...this.followers.keys()];
    for (const set of this.followers.values()) for (const f of set) (f.done = true), f.follower.end();
    this.followers.clear();
    this.subscribed.clear();
    if (channels.length > 0) await this.sub.unsubscribe(...channels).catch(() => undefined);
  }

  /**
   * Queues one event's commands in this turn's pipeline: a call's stream (open, progress, result,
   * end) mostly leaves in one round trip instead of one transaction per event (measured: a
   * transaction per event took a third of a replica's CPU under SSE load). No MULTI is needed: one
   * connection runs its commands in order, so an event's PUBLISH follows its XADD, which is all the
   * follower relies on (it drops duplicates and fills gaps from the stream).
   */
  private write(key: string, fields: string[], live: string | undefined): void {
    const stream = this.streamKey(key);
    if (!this.batch) {
      this.batch = this.redis.pipeline();
      setImmediate(this.send);
    }
    this.batch.xadd(stream, 'MAXLEN', '~', this.retention.maxPerStream, '*', ...fields);
    // Once per stream and turn, after the XADD that may have created it.
    if (!this.expiring.has(stream)) this.expiring.add(stream), this.batch.pexpire(stream, this.retention.ttlMs);
    if (live !== undefined) this.batch.publish(this.channel(key), live);
  }

  private readonly send = (): void => {
    const batch = this.batch!;
    this.batch = undefined;
    this.expiring.clear();
    batch.exec().then((results) => {
      for (const [err] of results ?? []) if (err) this.dropped++;
    }, this.drop);
  };

  /** A live message: delivered now, or queued while a replay or a catch-up is being read. */
  private receive(f: Following, text: string): void {
    if (f.done) return;
    if (f.queue) return void f.queue.push(text);
    const colon = text.indexOf(':');
    if (text.startsWith('end:')) {
      const lastSeq = Number(text.slice(4));
      if (f.last >= lastSeq) return this.finish(f);
      return this.catchUp(f, undefined);
    }
    const seq = Number(text.slice(0, colon));
    if (seq <= f.last) return; // seen in the replay
    if (seq > f.last + 1) return this.catchUp(f, text); // a gap: read it from the stream
    f.last = seq;
    f.follower.event({ seq, data: text.slice(colon + 1) });
  }

  /** Reads what `f` missed from the stream, then passes the messages that came meanwhile. */
  private catchUp(f: Following, pending: string | undefined): void {
    f.queue = pending === undefined ? [] : [pending];
    this.replay(f.key, f.last).then(
      (replay) => (replay ? this.deliver(f, replay) : this.finish(f)),
      // Redis is away: the follower stays; the subscriber's return (onReady) reads again.
      () => this.flush(f),
    );
  }

  private deliver(f: Following, replay: StreamReplay): void {
    for (const e of replay.events) {
      if (f.done) return;
      if (e.seq <= f.last) continue;
      f.last = e.seq;
      f.follower.event(e);
    }
    if (replay.ended) return this.finish(f);
    this.flush(f);
  }

  private flush(f: Following): void {
    const queued = f.queue ?? [];
    f.queue = undefined;
    for (const text of queued) this.receive(f, text);
  }

  private finish(f: Following): void {
    if (f.done) return;
    this.unfollow(this.channel(f.key), f);
    f.follower.end();
  }

  private unfollow(channel: string, f: Following): void {
    f.done = true;
    const set = this.followers.get(channel);
    if (!set?.delete(f) || set.size > 0) return;
    this.followers.delete(channel);
    this.subscribed.delete(channel);
    void this.sub.unsubscribe(channel).catch(() => undefined);
  }

  private streamKey(key: string): string {
    return `${this.prefix}${key}`;
  }

  private channel(key: string): string {
    return `${this.prefix}live:${key}`;
  }
}

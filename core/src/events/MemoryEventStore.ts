import type { EventRetention, EventStore, StoredEvent, StreamFollower, StreamReplay } from '../protocol/ports/EventStore.js';

interface MemoryStream {
  readonly events: StoredEvent[];
  ended: boolean;
  lastWrite: number;
  readonly followers: Set<StreamFollower>;
}

const NOTHING_TO_STOP = (): void => {};

/**
 * The event store of one process (no cluster): streams in a Map, in the order of their last write,
 * so the oldest-written is the one dropped when `maxStreams` is reached. A writer and its followers
 * share the process, so following is a callback on each append.
 */
export class MemoryEventStore implements EventStore {
  private readonly streams = new Map<string, MemoryStream>();
  private readonly sweepTimer: NodeJS.Timeout;

  constructor(private readonly retention: EventRetention) {
    this.sweepTimer = setInterval(() => this.sweep(), Math.min(Math.max(retention.ttlMs / 2, 500), 60_000)).unref();
  }

  /** Streams kept now. */
  get size(): number {
    return this.streams.size;
  }

  open(key: string): void {
    this.written(key);
  }

  append(key: string, seq: number, data: string): void {
    const stream = this.written(key);
    if (stream.ended) return;
    const event = { seq, data };
    stream.events.push(event);
    if (stream.events.length > this.retention.maxPerStream) stream.events.shift();
    for (const follower of stream.followers) follower.event(event);
  }

  end(key: string, _lastSeq: number): void {
    const stream = this.streams.get(key);
    if (!stream || stream.ended) return;
    // Appends and the end are made in one process, in order: every event before it was delivered.
    stream.ended = true;
    for (const follower of stream.followers) follower.end();
    stream.followers.clear();
  }

  async replay(key: string, afterSeq: number): Promise<StreamReplay | undefined> {
    const stream = this.streams.get(key);
    return stream && { events: after(stream.events, afterSeq), ended: stream.ended };
  }

  async follow(key: string, afterSeq: number, follower: StreamFollower): Promise<(() => void) | undefined> {
    const stream = this.streams.get(key);
    if (!stream) return undefined;
    // Replay and subscription in one synchronous step: no append can fall between them.
    for (const event of after(stream.events, afterSeq)) follower.event(event);
    if (stream.ended) return follower.end(), NOTHING_TO_STOP;
    stream.followers.add(follower);
    return () => void stream.followers.delete(follower);
  }

  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    for (const stream of this.streams.values()) for (const follower of stream.followers) follower.end();
    this.streams.clear();
  }

  /** The stream `key`, made the most recently written (created if new, dropping the oldest-written past `maxStreams`). */
  private written(key: string): MemoryStream {
    let stream = this.streams.get(key);
    if (stream) this.streams.delete(key);
    else {
      stream = { events: [], ended: false, lastWrite: 0, followers: new Set() };
      if (this.streams.size >= this.retention.maxStreams) this.drop(this.streams.keys().next().value!);
    }
    stream.lastWrite = Date.now();
    this.streams.set(key, stream);
    return stream;
  }

  /** Streams not written for `ttlMs` go, unless someone follows them (a quiet call still running: its follower waits for the response). */
  private sweep(): void {
    const cutoff = Date.now() - this.retention.ttlMs;
    for (const [key, stream] of this.streams) {
      // Map order is last-write order: the first stream written after the cutoff ends the sweep.
      if (stream.lastWrite >= cutoff) break;
      if (stream.followers.size === 0) this.streams.delete(key);
    }
  }

  /** Drops a stream; its followers end (their clients reconnect and find it gone). */
  private drop(key: string): void {
    const stream = this.streams.get(key)!;
    this.streams.delete(key);
    for (const follower of stream.followers) follower.end();
  }
}

/** The events after `afterSeq` (they are in seq order). */
function after(events: readonly StoredEvent[], afterSeq: number): StoredEvent[] {
  let i = events.length;
  while (i > 0 && events[i - 1].seq > afterSeq) i--;
  return events.slice(i);
}

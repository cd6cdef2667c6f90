/** One event of the live feed: a reload, a restart, a refusal, an admin action. */
export interface FeedEvent {
  readonly type: 'reload' | 'restart' | 'refusal' | 'admin';
  /** ISO time. */
  readonly at: string;
  readonly [field: string]: unknown;
}

/**
 * What happened lately, for the admin UI's live feed (SSE): the last `size` events, and every new
 * one to each subscriber. Bounded on both sides: the ring drops the oldest event, and a subscriber
 * is a callback that must not block (the SSE route writes and moves on).
 */
export class EventFeed {
  private readonly ring: FeedEvent[] = [];
  private readonly subscribers = new Set<(e: FeedEvent) => void>();

  constructor(private readonly size = 200) {}

  publish(event: Omit<FeedEvent, 'at'>): void {
    const e = { at: new Date().toISOString(), ...event } as FeedEvent;
    this.ring.push(e);
    if (this.ring.length > this.size) this.ring.shift();
    for (const s of this.subscribers) {
      try {
        s(e);
      } catch {
        // A subscriber's failure is its own (a closed stream); the feed goes on.
      }
    }
  }

  /** The events kept, oldest first. */
  recent(): readonly FeedEvent[] {
    return this.ring;
  }

  /** Calls `fn` with every new event until the returned function is called. */
  subscribe(fn: (e: FeedEvent) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }
}

/**
 * Coalesces the messages posted to a thread during one turn of the event loop into one
 * `postMessage` of an array (always an array, so a receiver tells a batch from a message sent
 * alone, and messages may be arrays themselves).
 *
 * Why: each `postMessage` has a fixed cost on both threads (serializer setup, a wake-up of the
 * receiving loop, a message event) that the profile of the worker path showed as the largest cost
 * of an isolated call. Under load one turn of the loop reads many requests, so their calls cross
 * together; an idle host pays one `setImmediate` of latency (the flush runs right after the I/O
 * callbacks of the current turn).
 */
export class Outbox<M> {
  private queue: M[] = [];
  private scheduled = false;

  constructor(private readonly port: { postMessage(message: unknown): void }) {}

  post(message: M): void {
    this.queue.push(message);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Sends what is queued now (scheduled by `post`; callable directly). */
  readonly flush = (): void => {
    this.scheduled = false;
    const queue = this.queue;
    if (queue.length === 0) return;
    this.queue = [];
    this.port.postMessage(queue);
  };

  /** Drops what is queued (the receiving thread is gone). */
  clear(): void {
    this.queue = [];
  }
}

/** Calls `fn` for each message of what arrived: an Outbox batch (an array), or one message sent alone (an object). */
export function eachMessage<M>(data: M[] | object, fn: (message: M) => void): void {
  if (Array.isArray(data)) for (const m of data) fn(m);
  else fn(data as M);
}

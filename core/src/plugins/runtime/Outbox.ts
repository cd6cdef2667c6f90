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
 *
 * A message that cannot be cloned (nested too deep for the serializer's stack, or holding a
 * function or a symbol) makes `postMessage` throw, and with it the whole batch. So a failed batch
 * is sent again one message at a time, and each message that still fails goes to `unsendable`,
 * which may return a replacement (an error result in place of a result) or nothing (the message is
 * dropped). Nothing escapes the flush: it runs in a setImmediate callback, where a throw would end
 * the thread (every call of the batch with it), or the host.
 */
export class Outbox<M> {
  private queue: M[] = [];
  private scheduled = false;

  constructor(
    private readonly port: { postMessage(message: unknown): void },
    private readonly unsendable: (message: M, error: unknown) => M | undefined = () => undefined,
  ) {}

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
    try {
      this.port.postMessage(queue);
    } catch {
      for (const m of queue) this.postAlone(m);
    }
  };

  /** Sends one message as a batch of one; on failure, its replacement (if any) the same way. */
  private postAlone(message: M): void {
    try {
      this.port.postMessage([message]);
    } catch (e) {
      let replacement: M | undefined;
      try {
        replacement = this.unsendable(message, e);
        if (replacement !== undefined) this.port.postMessage([replacement]);
      } catch {
        // A replacement is plain data made to be sent; if even that fails there is nothing left to send.
      }
    }
  }

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

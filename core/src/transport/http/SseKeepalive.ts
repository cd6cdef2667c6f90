import type { ServerResponse } from 'node:http';
import { ChurnSet } from '../../collections/ChurnSet.js';

/**
 * Keeps open SSE streams alive through proxies with a comment line every `intervalMs`. One timer for
 * all streams instead of one per stream: most POST responses that turn into a stream (a progress
 * event, then the result) end within milliseconds, and a timer made and cleared for each of them
 * was a measurable part of their cost. A stream gets its first comment within `intervalMs`.
 */
export class SseKeepalive {
  private readonly streams = new ChurnSet<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = 25_000) {}

  add(res: ServerResponse): void {
    this.streams.add(res);
    // Started once and left running (unref'd: it never holds the process open); a tick over no streams costs nothing.
    this.timer ??= setInterval(this.tick, this.intervalMs).unref();
  }

  delete(res: ServerResponse): void {
    this.streams.delete(res);
  }

  /** Streams being kept alive now. */
  get size(): number {
    return this.streams.size;
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.streams.clear();
  }

  private readonly tick = (): void => {
    for (const res of this.streams) {
      if (res.writableEnded || res.destroyed) this.streams.delete(res);
      else res.write(': keepalive\n\n');
    }
  };
}

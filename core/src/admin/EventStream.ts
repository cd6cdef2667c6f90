import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EventFeed, FeedEvent } from '../telemetry/EventFeed.js';

export interface EventStreamOptions {
  /** Admin SSE streams open at once; more are refused 429 (each holds a socket and a feed subscription). */
  readonly maxStreams: number;
  /** A comment line this often, so proxies and the browser keep an idle stream open. */
  readonly keepaliveMs: number;
  /** A stream whose client reads slower than this many bytes behind is closed rather than buffered without bound. */
  readonly maxBufferedBytes: number;
}

export const EVENT_STREAM_DEFAULTS: EventStreamOptions = { maxStreams: 16, keepaliveMs: 15_000, maxBufferedBytes: 1 << 20 };

/**
 * The admin UI's live feed as Server-Sent Events: the recent events first (so a page opened late
 * still shows what happened), then each new one as it is published. Bounded: at most `maxStreams`
 * at once, and a client that does not read is dropped once its backlog passes `maxBufferedBytes`.
 */
export class EventStream {
  private open = 0;
  private readonly closers = new Set<() => void>();

  constructor(
    private readonly feed: EventFeed,
    private readonly options: EventStreamOptions = EVENT_STREAM_DEFAULTS,
  ) {}

  get streams(): number {
    return this.open;
  }

  serve(_request: FastifyRequest, reply: FastifyReply): void {
    if (this.open >= this.options.maxStreams) {
      void reply.code(429).header('retry-after', '5').send({ error: `too many admin event streams open (at most ${this.options.maxStreams}); close one or retry later` });
      return;
    }
    this.open++;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    let closed = false;
    const write = (text: string) => {
      if (closed) return;
      if (res.writableLength > this.options.maxBufferedBytes) return close();
      res.write(text);
    };
    const send = (e: FeedEvent) => write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
    write(': mcp-host admin feed\n\n');
    for (const e of this.feed.recent()) send(e);
    const unsubscribe = this.feed.subscribe(send);
    const keepalive = setInterval(() => write(': keepalive\n\n'), this.options.keepaliveMs);
    keepalive.unref();
    const close = () => {
      if (closed) return;
      closed = true;
      this.open--;
      clearInterval(keepalive);
      unsubscribe();
      this.closers.delete(close);
      res.end();
    };
    this.closers.add(close);
    // The response's close is the connection's end (the request's own 'close' only says its body was read).
    res.once('close', close);
    res.once('error', close);
  }

  /** Ends every stream (the admin listener is closing). */
  closeAll(): void {
    for (const close of [...this.closers]) close();
  }
}

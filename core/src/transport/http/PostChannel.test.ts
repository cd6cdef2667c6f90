import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { PostChannel } from './PostChannel.js';
import { SseKeepalive } from './SseKeepalive.js';

type Flushing = Socket & { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };

/** Counts the flushes of a socket to the kernel (one `_write` or `_writev` each). */
function countFlushes(socket: Flushing): { count: number } {
  const counter = { count: 0 };
  for (const name of ['_write', '_writev'] as const) {
    const original = socket[name];
    socket[name] = function (this: Flushing, ...args: unknown[]) {
      counter.count++;
      return original.apply(this, args);
    };
  }
  return counter;
}

let app: FastifyInstance | undefined;
const keepalive = new SseKeepalive(60_000);

afterEach(async () => {
  await app?.close();
  keepalive.close();
});

/** A real fastify route whose handler answers through a PostChannel as the HTTP transport does: `handle(channel)` plays the engine. */
async function serve(handle: (channel: PostChannel) => Promise<void>) {
  const flushes: Array<{ count: number }> = [];
  app = Fastify();
  app.post('/', async (_req, reply) => {
    flushes.push(countFlushes(reply.raw.socket as Flushing));
    await handle(new PostChannel(reply, true, {}, true, keepalive, 1));
    return reply;
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' });
  return { res, flushes };
}

const PROGRESS = { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'p', progress: 1 } } as const;
const RESPONSE = { jsonrpc: '2.0', id: 1, result: { content: [] } } as const;

describe('PostChannel', () => {
  it('sends the headers, a progress event and the response of a quick call in one socket write', async () => {
    const { res, flushes } = await serve(async (channel) => {
      channel.send(PROGRESS);
      // The handler resumes after its awaits; the response comes a few microtasks later.
      await Promise.resolve();
      await Promise.resolve();
      channel.finish(RESPONSE);
    });
    const text = await res.text();
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(text).toContain('"method":"notifications/progress"');
    expect(text).toContain('"id":1');
    expect(flushes[0]!.count).toBe(1);
  });

  it('does not hold an event back when the response comes later', async () => {
    let clientHasEvent!: () => void;
    const eventRead = new Promise<void>((resolve) => (clientHasEvent = resolve));
    // The handler answers only once the client has read its progress event: a cork that waited
    // for the response would never let it through, and the test would time out.
    const { res } = await serve(async (channel) => {
      channel.send(PROGRESS);
      await eventRead;
      channel.finish(RESPONSE);
    });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('notifications/progress')) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      text += decoder.decode(value, { stream: true });
    }
    expect(text).not.toContain('"id":1');
    clientHasEvent();
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value, { stream: true });
    expect(text).toContain('"id":1');
  });
});

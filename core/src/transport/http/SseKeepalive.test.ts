import { createServer, get, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SseKeepalive } from './SseKeepalive.js';

/** A real HTTP server whose responses stay open as SSE streams; resolves with each stream's server side and what its client has read. */
async function openStreams(n: number) {
  const responses: ServerResponse[] = [];
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.flushHeaders();
    responses.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const received: string[] = [];
  for (let i = 0; i < n; i++) {
    received.push('');
    await new Promise<void>((resolve) => get({ host: '127.0.0.1', port, path: '/' }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (received[i] += chunk));
      resolve();
    }));
  }
  await waitFor(() => responses.length === n);
  return { responses, received, close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}

async function waitFor(ok: () => boolean, ms = 2000) {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

describe('SseKeepalive', () => {
  it('writes a comment to every open stream on each tick, and stops writing to a removed or ended one', async () => {
    const s = await openStreams(3);
    const keepalive = new SseKeepalive(40);
    cleanup.push(() => keepalive.close(), s.close);
    for (const res of s.responses) keepalive.add(res);
    await waitFor(() => s.received.every((r) => r.includes(': keepalive\n\n')));

    keepalive.delete(s.responses[0]!);
    s.responses[1]!.end();
    await new Promise((resolve) => setTimeout(resolve, 60)); // a tick drops the ended stream
    const before = [...s.received];
    await waitFor(() => s.received[2]!.length > before[2]!.length);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(s.received[0]).toBe(before[0]); // removed: nothing more
    expect(s.received[1]).toBe(before[1]); // ended: nothing more
    expect(keepalive.size).toBe(1);
  });

  it('close stops the timer and forgets the streams', async () => {
    const s = await openStreams(1);
    const keepalive = new SseKeepalive(30);
    cleanup.push(s.close);
    keepalive.add(s.responses[0]!);
    await waitFor(() => s.received[0]!.includes(': keepalive'));
    keepalive.close();
    const before = s.received[0];
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(s.received[0]).toBe(before);
    expect(keepalive.size).toBe(0);
  });
});

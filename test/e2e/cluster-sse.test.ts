/**
 * Resumable SSE across replicas (issue 15): two hosts sharing one Redis (a key prefix of this run
 * only); each request is sent to the replica the test picks, not through the load balancer. A tool closes its
 * call's stream on one replica and the client resumes on the other, which replays the events from
 * Redis Streams and follows the call live until its response; the session's GET stream resumed on
 * the other replica moves there (the first one ends it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlugin, pluginSource } from '../harness/faultPlugins.js';
import { parseSse, startCluster, type TestCluster, type TestHost } from '../harness/index.js';

const POLLING = pluginSource([
  {
    name: 'polling_slow',
    body: `await ctx.progress(1, 2, 'before');
ctx.closeSseStream();
await new Promise((r) => setTimeout(r, 600));
await ctx.progress(2, 2, 'after');
return 'finished on the replica that started it';`,
  },
]);

describe('resumable SSE across replicas', () => {
  let dir: string;
  let cluster: TestCluster;
  let replicas: TestHost[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-sse-cluster-'));
    createPlugin(dir, 'polling', POLLING);
    cluster = await startCluster({ replicas: 2, plugins: [join(dir, 'polling')], args: ['--no-watch'], config: { cluster: { leaseMs: 3000 }, server: { sseRetryMs: 100 } } });
    replicas = cluster.replicas;
  }, 90_000);
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const headers = (session?: string) => ({ 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25', ...(session ? { 'mcp-session-id': session } : {}) });

  async function open(url: string): Promise<string> {
    const res = await fetch(url, { method: 'POST', headers: headers(), body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'sse-cluster', version: '1' } } }) });
    await res.text();
    const session = res.headers.get('mcp-session-id')!;
    await fetch(url, { method: 'POST', headers: headers(session), body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
    return session;
  }

  const ids = (text: string) => [...text.matchAll(/^id: (.+)$/gm)].map((m) => m[1]);

  it('a POST stream closed on one replica is resumed on the other: the rest, live, then the GET ends', async () => {
    const [a, b] = replicas.map((r) => r.url);
    const session = await open(a);
    const post = await fetch(a, { method: 'POST', headers: headers(session), body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'polling_slow', arguments: {}, _meta: { progressToken: 'p1' } } }) });
    const first = await post.text();
    const [priming, progress] = ids(first);
    expect(progress).toMatch(/^p[0-9a-f-]{36}_1$/);
    const resumed = await fetch(b, { method: 'GET', headers: { accept: 'text/event-stream', 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25', 'last-event-id': progress } });
    expect(resumed.status).toBe(200);
    const rest = await resumed.text(); // ends after the response
    expect(parseSse(rest)).toEqual([
      expect.objectContaining({ method: 'notifications/progress', params: expect.objectContaining({ progress: 2 }) }),
      expect.objectContaining({ id: 1, result: expect.objectContaining({ content: [{ type: 'text', text: 'finished on the replica that started it' }] }) }),
    ]);
    expect(ids(rest)).toEqual([priming.replace(/_0$/, '_2'), priming.replace(/_0$/, '_3')]);
  });

  it("the session's GET stream resumed on the other replica moves there: the first one ends", async () => {
    const [a, b] = replicas.map((r) => r.url);
    const session = await open(a);
    const get = (url: string, lastEventId?: string) => fetch(url, { method: 'GET', headers: { accept: 'text/event-stream', 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) } });
    const first = await get(a);
    const reader = first.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!/^id: /m.test(text)) text += (await reader.read()).value ?? '';
    const [priming] = ids(text);
    expect(priming).toMatch(/^g[0-9a-f-]{36}_0$/);
    const second = await get(b, priming);
    expect(second.status).toBe(200);
    // Replica b goes on with a stream of its own, primed after the replay.
    const secondReader = second.body!.pipeThrough(new TextDecoderStream()).getReader();
    let secondText = '';
    while (!/^id: /m.test(secondText)) secondText += (await secondReader.read()).value ?? '';
    expect(ids(secondText)[0]).toMatch(/^g[0-9a-f-]{36}_0$/);
    expect(ids(secondText)[0]).not.toBe(priming);
    // Replica a is told to let go of the stream: its GET ends.
    for (let r = await reader.read(); !r.done; r = await reader.read());
    await secondReader.cancel();
  });
});

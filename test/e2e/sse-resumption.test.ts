/**
 * Resumable SSE on legacy (2025-11-25) sessions, SEP-1699: every event of a POST or GET stream has
 * an id, a stream starts with a priming event (an id, empty data and `retry`), and a tool may close
 * its call's stream while it runs on (`ctx.closeSseStream()`, in every isolation mode): the client
 * comes back with a GET and Last-Event-ID and gets the rest from the event store. The official SDK
 * clients (1.x and 2.x) do that by themselves; the raw requests check the wire and the refusals.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as Client2, StreamableHTTPClientTransport as Transport2 } from '@modelcontextprotocol/client';
import { Client as Client1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as Transport1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlugin, pluginSource } from '../harness/faultPlugins.js';
import { sha256Hex, startTestHost, writeConfig, type TestHost } from '../harness/index.js';

const TOKENS = { alice: 'alice-token-0123456789abcdef', mallory: 'mallory-token-0123456789abcdef' } as const;
type Who = keyof typeof TOKENS;
const bearer = (who: Who) => ({ authorization: `Bearer ${TOKENS[who]}` });
const RETRY_MS = 100;
const GET_STREAMS = 3;

const POLLING = pluginSource([
  {
    name: 'polling_slow',
    inputSchema: { type: 'object', properties: { ms: { type: 'number' } } },
    // Closing the stream is not cancellation: the handler runs on and its signal stays quiet.
    body: `await ctx.progress(1, 2, 'before');
ctx.closeSseStream();
await new Promise((r) => setTimeout(r, args.ms ?? 300));
await ctx.progress(2, 2, 'after');
return ctx.signal.aborted ? 'cancelled' : 'finished after its stream closed';`,
  },
  { name: 'polling_plain', body: `await ctx.progress(1, 1, 'one');\nreturn 'plain';` },
]);

interface SseEvent {
  readonly id?: string;
  readonly retry?: string;
  readonly data?: string;
}

/** An SSE body read event by event: `next()` resolves with the next event, or undefined once the stream has ended. */
function sseOf(res: Response) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return {
    async next(timeoutMs = 5000): Promise<SseEvent | undefined> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(':')) continue; // a keepalive comment
          const e: Record<string, string> = {};
          for (const line of block.split('\n')) e[line.slice(0, line.indexOf(':'))] = line.slice(line.indexOf(':') + 1).replace(/^ /, '');
          return e;
        }
        const left = deadline - Date.now();
        const chunk = await Promise.race([reader.read(), new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), Math.max(left, 0)))]);
        if (chunk === 'timeout') throw new Error(`no SSE event within ${timeoutMs} ms`);
        if (chunk.done) return undefined;
        buffer += chunk.value;
      }
    },
    /** Every event to the end of the stream. */
    async rest(): Promise<SseEvent[]> {
      const events: SseEvent[] = [];
      for (let e = await this.next(); e; e = await this.next()) events.push(e);
      return events;
    },
    cancel: () => reader.cancel(),
  };
}

const message = (e: SseEvent) => (e.data ? JSON.parse(e.data) : undefined);

describe('resumable SSE on legacy sessions', () => {
  let dir: string;
  let host: TestHost;
  let config: { file: string; remove: () => void };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-sse-'));
    createPlugin(dir, 'polling', POLLING);
    config = writeConfig({
      server: { sseRetryMs: RETRY_MS, quotas: { getStreamsPerPrincipal: GET_STREAMS } },
      auth: { serviceTokens: (Object.keys(TOKENS) as Who[]).map((name) => ({ name, sha256: sha256Hex(TOKENS[name]), scopes: [] })) },
    });
    host = await startTestHost({ plugins: [join(dir, 'polling')], args: ['--config', config.file, '--no-watch'], timeoutMs: 30_000 });
  }, 40_000);
  afterAll(async () => {
    await host?.stop();
    config?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  const headers = (who: Who, session?: string) => ({ 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25', ...(session ? { 'mcp-session-id': session } : {}), ...bearer(who) });

  /** A raw legacy session of `who`. */
  async function open(who: Who): Promise<string> {
    const res = await fetch(host.url, { method: 'POST', headers: headers(who), body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'sse-e2e', version: '1' } } }) });
    await res.text();
    const session = res.headers.get('mcp-session-id')!;
    await fetch(host.url, { method: 'POST', headers: headers(who, session), body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
    return session;
  }

  const call = (who: Who, session: string, id: number, name: string, args: Record<string, unknown> = {}) =>
    fetch(host.url, { method: 'POST', headers: headers(who, session), body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args, _meta: { progressToken: `t${id}` } } }) });

  const get = (who: Who, session: string, lastEventId?: string) =>
    fetch(host.url, { method: 'GET', headers: { accept: 'text/event-stream', 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25', ...(lastEventId !== undefined ? { 'last-event-id': lastEventId } : {}), ...bearer(who) } });

  it('starts a POST stream with a priming event (id, retry, empty data) and gives every event an id', async () => {
    const session = await open('alice');
    const [priming, progress, result, ...more] = await sseOf(await call('alice', session, 1, 'polling_plain')).rest();
    expect(more).toEqual([]);
    expect(priming).toEqual({ id: expect.stringMatching(/^p[0-9a-f-]{36}_0$/), retry: String(RETRY_MS), data: '' });
    const stream = priming.id!.slice(0, -2);
    expect(progress.id).toBe(`${stream}_1`);
    expect(message(progress)).toMatchObject({ method: 'notifications/progress' });
    expect(result.id).toBe(`${stream}_2`);
    expect(message(result)).toMatchObject({ id: 1, result: { content: [{ text: 'plain' }] } });
  });

  it('a closed stream resumes with GET and Last-Event-ID: the missed events, then the response, then the GET ends', async () => {
    const session = await open('alice');
    const first = await sseOf(await call('alice', session, 2, 'polling_slow', { ms: 300 })).rest();
    expect(first.map((e) => e.id?.slice(-2))).toEqual(['_0', '_1']);
    // Resumed after the progress sent before the close: the rest, live, and the end after the response.
    const resumed = await get('alice', session, first[1].id);
    expect(resumed.status).toBe(200);
    expect((await sseOf(resumed).rest()).map((e) => message(e))).toEqual([
      expect.objectContaining({ method: 'notifications/progress', params: expect.objectContaining({ progress: 2 }) }),
      expect.objectContaining({ id: 2, result: expect.objectContaining({ content: [{ type: 'text', text: 'finished after its stream closed' }] }) }),
    ]);
    // Later, from the priming event: the whole stream again, from the store.
    const again = await sseOf(await get('alice', session, first[0].id)).rest();
    expect(again.map((e) => e.id!.slice(-2))).toEqual(['_1', '_2', '_3']);
  });

  it('a GET resuming the standalone stream replaces it: the old one ends, the session keeps one', async () => {
    const session = await open('alice');
    const first = sseOf(await get('alice', session));
    const priming = (await first.next())!;
    expect(priming).toEqual({ id: expect.stringMatching(/^g[0-9a-f-]{36}_0$/), retry: String(RETRY_MS), data: '' });
    const secondRes = await get('alice', session, priming.id);
    expect(secondRes.status).toBe(200);
    expect(await first.next()).toBeUndefined();
    // It goes on as a new stream, primed after the replay (no writer ever numbers another's stream).
    const second = sseOf(secondRes);
    const next = (await second.next())!;
    expect(next).toEqual({ id: expect.stringMatching(/^g[0-9a-f-]{36}_0$/), retry: String(RETRY_MS), data: '' });
    expect(next.id).not.toBe(priming.id);
    // The session has its standalone stream again: a plain GET is a conflict.
    expect((await get('alice', session)).status).toBe(409);
    await second.cancel();
  });

  it('refuses a malformed or oversized Last-Event-ID with a clean 400, and serves on', async () => {
    const session = await open('mallory');
    for (const id of ['nope', 'p123_1', `g${crypto.randomUUID()}_-1`, `p${crypto.randomUUID()}_1234567890123456`, `p${crypto.randomUUID()}_1`.padEnd(10_000, '0')]) {
      const res = await get('mallory', session, id);
      expect(res.status, id.slice(0, 60)).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: -32000, message: expect.stringMatching(/Last-Event-ID/) } });
    }
    expect((await sseOf(await call('mallory', session, 9, 'polling_plain')).rest()).at(-1)).toMatchObject({ data: expect.stringContaining('plain') });
  });

  it("another principal's stream id tells nothing: it is a GET without Last-Event-ID, and its session is not found", async () => {
    const aliceSession = await open('alice');
    const alice = await sseOf(await call('alice', aliceSession, 3, 'polling_slow', { ms: 50 })).rest();
    const malloryOwn = await open('mallory');
    // Her own session with alice's event id: a new standalone stream, none of alice's events.
    const stolen = sseOf(await get('mallory', malloryOwn, alice[0].id));
    expect(await stolen.next()).toEqual({ id: expect.stringMatching(/^g[0-9a-f-]{36}_0$/), retry: String(RETRY_MS), data: '' });
    // The same as a well-formed id nobody made (unknown or expired): a plain GET, here a conflict with the stream just opened.
    const conflict = await get('mallory', malloryOwn, `p${crypto.randomUUID()}_3`);
    expect(conflict.status).toBe(409);
    await stolen.cancel();
    // Alice's session presented by mallory: not found, as for an unknown session.
    expect((await get('mallory', aliceSession, alice[0].id)).status).toBe(404);
  });

  it(`bounds a flood of resumptions by getStreamsPerPrincipal (${GET_STREAMS}): 429 past it, the share back once they close`, async () => {
    const session = await open('mallory');
    const [priming] = await sseOf(await call('mallory', session, 4, 'polling_slow', { ms: 4000 })).rest();
    const flood = await Promise.all(Array.from({ length: GET_STREAMS + 3 }, () => get('mallory', session, priming.id)));
    const statuses = flood.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(GET_STREAMS).fill(200), ...Array(3).fill(429)]);
    // Alice's share is her own.
    const aliceSession = await open('alice');
    const aliceGet = await get('alice', aliceSession);
    expect(aliceGet.status).toBe(200);
    await aliceGet.body!.cancel();
    for (const r of flood) await r.body?.cancel();
    await expect.poll(async () => {
      const res = await get('mallory', session, priming.id);
      await res.body?.cancel();
      return res.status;
    }, { timeout: 5000 }).toBe(200);
  });
});

describe.each(['in-process', 'worker', 'process'] as const)('a plugin running %s closes its stream mid-call', (isolation) => {
  let dir: string;
  let host: TestHost;
  let config: { file: string; remove: () => void };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-sse-'));
    createPlugin(dir, 'polling', POLLING);
    config = writeConfig({ server: { sseRetryMs: RETRY_MS }, plugins: { settings: { polling: { isolation } } } });
    host = await startTestHost({ plugins: [join(dir, 'polling')], args: ['--config', config.file, '--no-watch'], timeoutMs: 30_000 });
  }, 40_000);
  afterAll(async () => {
    await host?.stop();
    config?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an SDK 1.x client reconnects by itself and gets the progress and the result, the call not cancelled', async () => {
    const resumes: string[] = [];
    const spy = (input: string | URL | Request, init?: RequestInit) => {
      const lastEventId = new Headers(init?.headers).get('last-event-id');
      if (init?.method === 'GET' && lastEventId) resumes.push(lastEventId);
      return fetch(input, init);
    };
    const client = new Client1({ name: 'sse-e2e-1x', version: '1.0.0' }, { capabilities: {} });
    await client.connect(new Transport1(new URL(host.url), { fetch: spy }));
    try {
      const progress: number[] = [];
      const result = await client.callTool({ name: 'polling_slow', arguments: { ms: 300 } }, undefined, { onprogress: (p) => void progress.push(p.progress) });
      expect(result.content).toEqual([{ type: 'text', text: 'finished after its stream closed' }]);
      expect(progress).toEqual([1, 2]);
      // The POST stream ended after the progress sent before the close; the rest came on the resumed GET.
      expect(resumes).toEqual([expect.stringMatching(/^p[0-9a-f-]{36}_1$/)]);
    } finally {
      await client.close();
    }
  });

  it('an SDK 2.x client (2025-11-25) does the same', async () => {
    const client = new Client2({ name: 'sse-e2e-2x', version: '1.0.0' }, { capabilities: {} });
    await client.connect(new Transport2(new URL(host.url)));
    try {
      const progress: number[] = [];
      const result = await client.callTool({ name: 'polling_slow', arguments: { ms: 300 } }, { onprogress: (p) => void progress.push(p.progress) });
      expect(result.content).toEqual([{ type: 'text', text: 'finished after its stream closed' }]);
      expect(progress).toEqual([1, 2]);
    } finally {
      await client.close();
    }
  });
});

/**
 * JSON-RPC batches on sessions that negotiated 2025-03-26, by that version's rules, with a raw HTTP
 * client (no SDK sends batches), and over stdio (one array line in, one array line out): a batch of requests is answered with a JSON array of responses
 * (or an SSE stream when a handler sends progress), one of only notifications or responses with
 * 202; an empty batch is invalid; every other version, and a POST without a session, keeps
 * refusing batches with an error saying why. Hostile batches (10,000 pings, deep nesting, one id
 * twice, responses mixed with requests) are refused whole and cleanly while the host keeps serving.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectHttpClient, HOST_BIN, parseSse, pluginPath, startTestHost, type TestHost } from '../harness/index.js';

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost();
});
afterAll(async () => {
  await host?.stop();
});

interface Raw {
  status: number;
  contentType: string;
  text: string;
  json: any;
  session: string | null;
}

async function post(body: unknown, headers: Record<string, string> = {}): Promise<Raw> {
  const res = await fetch(host.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  const contentType = res.headers.get('content-type') ?? '';
  let json: any;
  try {
    json = text && !contentType.includes('event-stream') ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, contentType, text, json, session: res.headers.get('mcp-session-id') };
}

async function openSession(protocolVersion: string): Promise<Record<string, string>> {
  const r = await post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion, capabilities: {}, clientInfo: { name: 'batch-e2e', version: '1' } } });
  expect(r.json.result.protocolVersion).toBe(protocolVersion);
  const headers = { 'mcp-session-id': r.session!, 'mcp-protocol-version': protocolVersion };
  expect((await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, headers)).status).toBe(202);
  return headers;
}

const ping = (id: number | string) => ({ jsonrpc: '2.0', id, method: 'ping' });
const byId = (responses: Array<{ id: unknown }>) => new Map(responses.map((r) => [r.id, r]));

describe('batches on a 2025-03-26 session', () => {
  let s: Record<string, string>;
  beforeAll(async () => {
    s = await openSession('2025-03-26');
  });

  it('answers a batch of requests with a JSON array of their responses', async () => {
    const r = await post([ping(1), { jsonrpc: '2.0', id: 'list', method: 'tools/list' }, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'test_simple_text', arguments: {} } }], s);
    expect(r.status).toBe(200);
    expect(r.contentType).toMatch(/^application\/json/);
    expect(Array.isArray(r.json)).toBe(true);
    const answers = byId(r.json);
    expect(answers.size).toBe(3);
    expect(answers.get(1)).toEqual({ jsonrpc: '2.0', id: 1, result: {} });
    expect((answers.get('list') as any).result.tools.length).toBeGreaterThan(0);
    expect((answers.get(3) as any).result.content[0].text).toBe('This is a simple text response for testing.');
  });

  it('answers a batch of notifications, or of responses, with 202 and no body', async () => {
    const notes = await post([{ jsonrpc: '2.0', method: 'notifications/initialized' }, { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 99 } }], s);
    expect(notes.status).toBe(202);
    expect(notes.text).toBe('');
    const answers = await post([{ jsonrpc: '2.0', id: 'unknown-1', result: {} }], s);
    expect(answers.status).toBe(202);
  });

  it('mixes notifications with requests: only the requests are answered', async () => {
    const r = await post([{ jsonrpc: '2.0', method: 'notifications/initialized' }, ping(7)], s);
    expect(r.json).toEqual([{ jsonrpc: '2.0', id: 7, result: {} }]);
  });

  it('answers an element that is not a message with -32600 (id null) beside the others; initialize may not be batched', async () => {
    const r = await post([1, ping(8), { jsonrpc: '2.0', id: 9, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }], s);
    expect(r.status).toBe(200);
    expect(r.json).toHaveLength(3);
    expect(r.json).toContainEqual(expect.objectContaining({ id: null, error: expect.objectContaining({ code: -32600 }) }));
    expect(r.json).toContainEqual({ jsonrpc: '2.0', id: 8, result: {} });
    expect(r.json).toContainEqual(expect.objectContaining({ id: 9, error: expect.objectContaining({ code: -32600, message: expect.stringMatching(/initialize must not be part of a batch/) }) }));
  });

  it('streams the answer as SSE when a request of the batch sends progress', async () => {
    const r = await post([ping(10), { jsonrpc: '2.0', id: 11, method: 'tools/call', params: { name: 'test_tool_with_progress', arguments: {}, _meta: { progressToken: 'batch-p' } } }], s);
    expect(r.status).toBe(200);
    expect(r.contentType).toMatch(/^text\/event-stream/);
    const events = parseSse(r.text);
    const progress = events.filter((e) => e.method === 'notifications/progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.params!.progressToken === 'batch-p')).toBe(true);
    const responses = events.filter((e) => 'id' in e && !e.method);
    expect(responses.map((e) => e.id).sort()).toEqual([10, 11]);
    // The call's progress came before its response.
    expect(events.findIndex((e) => e.id === 11)).toBeGreaterThan(events.lastIndexOf(progress[progress.length - 1]));
  });

  describe('hostile batches: refused whole, cleanly; the host keeps serving', () => {
    const expectRefused = (r: Raw, code: number, message: RegExp) => {
      expect(r.status, r.text).toBe(400);
      expect(r.json).toMatchObject({ jsonrpc: '2.0', id: null, error: { code, message: expect.stringMatching(message) } });
    };

    it('an empty batch', async () => {
      expectRefused(await post([], s), -32600, /empty batch/);
    });

    it('a batch of 10,000 pings', async () => {
      const r = await post(Array.from({ length: 10_000 }, (_, i) => ping(i)), s);
      expectRefused(r, -32600, /10000 messages; at most 100/);
      expect(r.json.error.data).toEqual({ limit: 'batchMessages', max: 100 });
    });

    it('a batch nested deeper than server.limits.maxDepth', async () => {
      const deep = `[{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":${'['.repeat(200)}${']'.repeat(200)}}}}]`;
      const r = await post(deep, s);
      expectRefused(r, -32600, /maxDepth/);
      // Past 64 KiB of text the nesting is caught before parsing.
      const deeper = `[${'['.repeat(70_000)}${']'.repeat(70_000)}]`;
      expectRefused(await post(deeper, s), -32600, /maxDepth/);
    });

    it('one request id twice', async () => {
      expectRefused(await post([ping(5), ping(6), ping(5)], s), -32600, /request id 5 appears twice/);
    });

    it('responses mixed with requests', async () => {
      expectRefused(await post([ping(1), { jsonrpc: '2.0', id: 2, result: {} }], s), -32600, /requests and notifications, or responses, not both/);
    });

    it('not JSON', async () => {
      const r = await post('[{"jsonrpc":"2.0",', s);
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe(-32700);
    });

    it('after all that, this session and an SDK client are served', async () => {
      expect((await post([ping('still')], s)).json).toEqual([{ jsonrpc: '2.0', id: 'still', result: {} }]);
      const { client } = await connectHttpClient(host.url);
      try {
        expect((await client.listTools()).tools.length).toBeGreaterThan(0);
      } finally {
        await client.close();
      }
    });
  });
});

describe('batches anywhere else are refused with the reason', () => {
  it('on a 2025-11-25 session (and 2025-06-18): 400 naming the negotiated version', async () => {
    for (const version of ['2025-11-25', '2025-06-18']) {
      const s = await openSession(version);
      const r = await post([ping(1)], s);
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject({ id: null, error: { code: -32600, message: expect.stringMatching(new RegExp(`only on a session that negotiated 2025-03-26 \\(this session negotiated ${version}\\)`)) } });
    }
  });

  it('without a session (an initialize in a batch included): 400', async () => {
    const r = await post([{ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }]);
    expect(r.status).toBe(400);
    expect(r.json.error.message).toMatch(/names no session: initialize alone first/);
  });

  it('with an unknown session: 404', async () => {
    const r = await post([ping(1)], { 'mcp-session-id': 'nope', 'mcp-protocol-version': '2025-03-26' });
    expect(r.status).toBe(404);
  });
});

describe('batches over stdio', () => {
  /** `mcp-host --stdio` over raw pipes (the conformance plugin); every stdout line, parsed. */
  function spawnStdio(protocolVersion: string) {
    const child = spawn(process.execPath, [HOST_BIN, '--stdio', '--log-level', 'warn', '--plugins', pluginPath('conformance')], { stdio: ['pipe', 'pipe', 'ignore'] });
    const lines: any[] = [];
    createInterface({ input: child.stdout! }).on('line', (l) => lines.push(JSON.parse(l)));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const exited = new Promise((resolve) => child.once('exit', (code) => (clearTimeout(killer), resolve(code))));
    const send = (m: unknown) => void child.stdin!.write(`${typeof m === 'string' ? m : JSON.stringify(m)}\n`);
    const next = async (pred: (l: any) => boolean) => {
      await vi.waitFor(() => expect(lines.some(pred)).toBe(true), { timeout: 15_000, interval: 20 });
      return lines.find(pred);
    };
    send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion, capabilities: {}, clientInfo: { name: 'batch-stdio', version: '1' } } });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    return { lines, send, next, end: async () => (child.stdin!.end(), await exited) };
  }

  it('a 2025-03-26 session: one array line of responses; notifications alone get nothing; hostile batches are refused and the host serves on', async () => {
    const h = spawnStdio('2025-03-26');
    try {
      h.send([ping(1), { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { jsonrpc: '2.0', method: 'notifications/initialized' }]);
      const batch = await h.next((l) => Array.isArray(l));
      expect(batch.map((r: any) => r.id).sort()).toEqual([1, 2]);
      expect(batch.find((r: any) => r.id === 2).result.tools.length).toBeGreaterThan(0);

      h.send([{ jsonrpc: '2.0', method: 'notifications/initialized' }]);
      h.send(Array.from({ length: 10_000 }, (_, i) => ping(i)));
      const refused = await h.next((l) => l.error?.data?.limit === 'batchMessages');
      expect(refused).toMatchObject({ id: null, error: { code: -32600 } });
      h.send([]);
      expect(await h.next((l) => /empty batch/.test(l.error?.message))).toMatchObject({ id: null });
      h.send([ping(3), ping(3)]);
      expect(await h.next((l) => /appears twice/.test(l.error?.message))).toMatchObject({ id: null });
      h.send(ping('after'));
      expect(await h.next((l) => l.id === 'after')).toMatchObject({ result: {} });
      // Only the first batch and the refusals were answered: the notification-only batch wrote nothing.
      expect(h.lines.filter((l) => Array.isArray(l))).toHaveLength(1);
    } finally {
      expect(await h.end()).toBe(0);
    }
  }, 30_000);

  it('a 2025-11-25 session: refused, saying why', async () => {
    const h = spawnStdio('2025-11-25');
    try {
      h.send([ping(1)]);
      const refused = await h.next((l) => l.error);
      expect(refused).toMatchObject({ id: null, error: { code: -32600, message: expect.stringMatching(/only on a session that negotiated 2025-03-26 \(this session negotiated 2025-11-25\); send one message per line/) } });
    } finally {
      await h.end();
    }
  }, 30_000);
});

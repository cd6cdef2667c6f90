import { randomUUID } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, CreateMessageRequestSchema, LoggingMessageNotificationSchema, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectModernHttpClient, sha256Hex, startCluster, type TestCluster, type TestHost } from '../harness/index.js';

/** Replicas sharing one Redis behind HAProxy; these tests pick the replica of every request themselves. */
const startReplicas = (n: number, config: Record<string, unknown> = {}) => startCluster({ replicas: n, config: { cluster: { leaseMs: 3000 }, ...config } });

/** A fetch that sends each request to the next replica in turn: no two consecutive requests land on the same one. */
function rotatingFetch(urls: () => string[]) {
  let next = 0;
  const landed: string[] = [];
  const fetchLike = (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const live = urls();
    const target = new URL(live[next++ % live.length]);
    url.host = target.host;
    landed.push(url.host);
    return fetch(url, init);
  };
  return { fetch: fetchLike, landed };
}

async function connect(urls: () => string[]) {
  const rotating = rotatingFetch(urls);
  const client = new Client({ name: 'cluster-e2e', version: '1.0.0' }, { capabilities: { elicitation: {}, sampling: {} } });
  const transport = new StreamableHTTPClientTransport(new URL(urls()[0]), { fetch: rotating.fetch });
  await client.connect(transport);
  return { client, transport, landed: rotating.landed };
}

describe('legacy (2025-11-25) sessions on any replica, every request on a different one (SDK 1.x)', () => {
  let cluster: TestCluster;
  let replicas: TestHost[];
  let redis: Redis;
  const alive = new Set<number>();
  const urls = () => [...alive].map((i) => replicas[i].url);

  beforeAll(async () => {
    cluster = await startReplicas(3);
    replicas = cluster.replicas;
    replicas.forEach((_, i) => alive.add(i));
    redis = new Redis('redis://127.0.0.1:6379');
  }, 90_000);
  afterAll(async () => {
    await cluster?.stop();
    redis?.disconnect();
  });

  it('lists, calls, gets progress and logs at the level set on another replica', async () => {
    const { client, landed } = await connect(urls);
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toContain('test_simple_text');
    const progress: number[] = [];
    const result = await client.callTool({ name: 'test_tool_with_progress', arguments: {} }, undefined, { onprogress: (p) => progress.push(p.progress) });
    expect(result.isError).toBeFalsy();
    expect(progress.length).toBeGreaterThan(0);
    // The level is set on one replica; the logs of a call served by another follow it.
    const logs: string[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push(n.params.level));
    await client.setLoggingLevel('error');
    await client.callTool({ name: 'test_tool_with_logging', arguments: {} });
    expect(logs.filter((l) => l !== 'error' && l !== 'critical' && l !== 'alert' && l !== 'emergency')).toEqual([]);
    // Requests went to every replica.
    expect(new Set(landed).size).toBe(3);
    await client.close();
  });

  it('answers elicitation and sampling POSTed to another replica than the one waiting', async () => {
    const { client } = await connect(urls);
    client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { username: 'ada', email: 'ada@example.com' } }));
    client.setRequestHandler(CreateMessageRequestSchema, async () => ({ role: 'assistant', content: { type: 'text', text: 'from the client' }, model: 'm' }));
    for (let i = 0; i < 3; i++) {
      const e = await client.callTool({ name: 'test_elicitation', arguments: { message: 'who?' } });
      expect(JSON.stringify(e.content)).toContain('ada@example.com');
      const s = await client.callTool({ name: 'test_sampling', arguments: { prompt: 'hi' } });
      expect(JSON.stringify(s.content)).toContain('from the client');
    }
    await client.close();
  });

  it('ends a session for every replica on DELETE', async () => {
    const { client, transport } = await connect(urls);
    const id = transport.sessionId!;
    await client.listTools();
    await transport.terminateSession();
    for (const r of replicas) {
      const res = await fetch(r.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
      expect(res.status).toBe(404);
    }
    expect(await redis.exists(`${cluster.keyPrefix}session:${id}`)).toBe(0);
  });

  it('refuses unknown, forged and oversized session ids on every replica without storing anything', async () => {
    const before = (await redis.keys(`${cluster.keyPrefix}session:*`)).length;
    const ids = ['nope', randomUUID(), 'x'.repeat(5000), '../../etc', '*', `${cluster.keyPrefix}session:*`];
    for (const id of ids) {
      for (const r of replicas) {
        const res = await fetch(r.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' }, body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' }) });
        expect([400, 404, 431]).toContain(res.status);
      }
    }
    expect((await redis.keys(`${cluster.keyPrefix}session:*`)).length).toBe(before);
    // A flood of unknown ids in parallel: every one refused, the replicas still serve.
    const flood = await Promise.all(Array.from({ length: 300 }, (_, i) => fetch(replicas[i % 3].url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', 'mcp-session-id': randomUUID(), 'mcp-protocol-version': '2025-11-25' }, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' }).then((r) => r.status)));
    expect(new Set(flood)).toEqual(new Set([404]));
    const { client } = await connect(urls);
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await client.close();
  });

  it('serves a 2026-07-28 client (SDK 2.x) on any replica: a requestState sealed by one is opened by another', async () => {
    const rotating = rotatingFetch(urls);
    const { client } = await connectModernHttpClient(urls()[0], {
      fetch: rotating.fetch as typeof fetch,
      onElicit: () => ({ action: 'accept', content: { name: 'Ada' } }),
      onSample: () => ({ role: 'assistant', content: { type: 'text', text: 'Paris' }, model: 'm' }),
    });
    for (let i = 0; i < 3; i++) {
      // Each input_required round trip is a new request: the answer goes to the next replica with the sealed state.
      const e = await client.callTool({ name: 'test_input_required_result_elicitation', arguments: {} });
      expect(JSON.stringify(e.content)).toContain('Hello, Ada!');
      const s = await client.callTool({ name: 'test_input_required_result_sampling', arguments: {} });
      expect(JSON.stringify(s.content)).toContain('Paris');
      const progress: number[] = [];
      await client.callTool({ name: 'test_tool_with_progress', arguments: {} }, { onprogress: (p: { progress: number }) => progress.push(p.progress) });
      expect(progress.length).toBeGreaterThan(0);
    }
    expect(new Set(rotating.landed).size).toBe(3);
    await client.close();
  });

  it('a 2026-07-28 listen stream (SDK 2.x) hears a change announced on another replica once, and is reopened elsewhere when its replica is killed', async () => {
    const rotating = rotatingFetch(urls);
    const { client } = await connectModernHttpClient(urls()[0], { fetch: rotating.fetch as typeof fetch });
    const heard: number[] = [];
    client.setNotificationHandler('notifications/tools/list_changed', () => void heard.push(Date.now()));
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const listenOn = async () => {
      const sub = await client.listen({ toolsListChanged: true });
      return { sub, replica: replicas.findIndex((r) => new URL(r.url).host === rotating.landed[rotating.landed.length - 1]) };
    };
    const first = await listenOn();
    expect(first.replica).toBeGreaterThanOrEqual(0);
    // The next request goes to another replica: the change is announced there.
    await client.callTool({ name: 'test_trigger_tool_change', arguments: {} });
    expect(rotating.landed[rotating.landed.length - 1]).not.toBe(new URL(replicas[first.replica].url).host);
    for (let i = 0; heard.length < 1 && i < 200; i++) await sleep(50);
    await sleep(300);
    expect(heard.length).toBe(1);
    // Its replica dies: the stream ends; the client listens again on a live one and hears the next change.
    alive.delete(first.replica);
    await cluster.kill(first.replica);
    await Promise.race([first.sub.closed, sleep(10_000)]);
    const second = await listenOn();
    expect(second.replica).not.toBe(first.replica);
    await client.callTool({ name: 'test_trigger_tool_change', arguments: {} });
    for (let i = 0; heard.length < 2 && i < 200; i++) await sleep(50);
    await sleep(300);
    expect(heard.length).toBe(2);
    await second.sub.close();
    await client.close();
    await cluster.start(first.replica);
    alive.add(first.replica);
  }, 60_000);

  it("moves a session's GET stream to another replica when its replica is killed, and list_changed reaches it there", async () => {
    const { client, transport } = await connect(urls);
    const changed: number[] = [];
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => void changed.push(Date.now()));
    await client.listTools();
    const hold = `${cluster.keyPrefix}hold:${transport.sessionId}`;
    // The SDK opens its GET stream after initialize; the replica holding it is in Redis.
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    let holder = await redis.get(hold);
    for (let i = 0; !holder && i < 400; i++) await sleep(50), (holder = await redis.get(hold));
    expect(holder).toMatch(/^r\d$/);
    const dead = Number(holder!.slice(1)) - 1;
    // Out of the rotation first: the client's reconnection must not race the kill to the dying replica.
    alive.delete(dead);
    await cluster.kill(dead);
    // The client reconnects (Last-Event-ID) to a live replica, which takes the stream over.
    let moved = await redis.get(hold);
    for (let i = 0; (!moved || moved === holder) && i < 400; i++) await sleep(50), (moved = await redis.get(hold));
    expect(moved).not.toBe(holder);
    expect(moved).toMatch(/^r\d$/);
    // A change announced on any live replica reaches the client on its new stream, once.
    await client.callTool({ name: 'test_trigger_tool_change', arguments: {} });
    for (let i = 0; changed.length === 0 && i < 200; i++) await sleep(50);
    await sleep(300);
    expect(changed.length).toBe(1);
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await client.close();
    await cluster.start(dead);
    alive.add(dead);
  }, 60_000);

  it('keeps every session usable when a replica is killed (SIGKILL)', async () => {
    const clients = await Promise.all(Array.from({ length: 6 }, () => connect(urls)));
    for (const c of clients) await c.client.listTools();
    alive.delete(0);
    await cluster.kill(0);
    for (const c of clients) {
      // The rotating fetch now spreads the session's requests over the two replicas left.
      const r = await c.client.callTool({ name: 'test_simple_text', arguments: {} });
      expect(r.isError).toBeFalsy();
      expect((await c.client.listTools()).tools.length).toBeGreaterThan(0);
    }
    await Promise.all(clients.map((c) => c.client.close()));
  });
});

describe('another principal presenting a session id, on any replica', () => {
  const ALICE = 'alice-token-0123456789abcdef';
  const BOB = 'bob-token-0123456789abcdef';
  let cluster: TestCluster;
  let replicas: TestHost[];

  beforeAll(async () => {
    cluster = await startReplicas(2, { auth: { serviceTokens: [{ name: 'alice', sha256: sha256Hex(ALICE) }, { name: 'bob', sha256: sha256Hex(BOB) }] } });
    replicas = cluster.replicas;
  }, 90_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it("is told the session does not exist (404, as for an unknown id), cannot end it or take its stream, and the owner's session goes on", async () => {
    const client = new Client({ name: 'alice', version: '1' }, { capabilities: {} });
    const transport = new StreamableHTTPClientTransport(new URL(replicas[0].url), { requestInit: { headers: { authorization: `Bearer ${ALICE}` } } });
    await client.connect(transport);
    const id = transport.sessionId!;
    const as = (token: string, method: string, extra: Record<string, string> = {}) =>
      Promise.all(replicas.map((r) => fetch(r.url, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25', ...extra }, ...(method === 'POST' ? { body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list' }) } : {}) }).then(async (res) => ({ status: res.status, body: await res.text() }))));
    for (const r of await as(BOB, 'POST')) {
      expect(r.status).toBe(404);
      expect(r.body).toContain('Session not found');
    }
    for (const r of await as(BOB, 'DELETE')) expect(r.status).toBe(404);
    for (const r of await as(BOB, 'GET', { 'last-event-id': 'x_1' })) expect(r.status).toBe(404);
    // Alice's session is untouched, on both replicas.
    for (const r of replicas) {
      const res = await fetch(r.url, { method: 'POST', headers: { authorization: `Bearer ${ALICE}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' }, body: JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/list' }) });
      expect(res.status).toBe(200);
    }
    await client.close();
  });
});

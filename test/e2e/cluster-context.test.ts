/**
 * Shared context (issue 16) across 3 replicas sharing Redis (the scale-out harness: real host
 * processes, real HAProxy, each request's replica chosen by the test): plugin A (context-writer)
 * writes on one replica, plugin B (context-reader) and the `context://` resources read on another,
 * subscribers hear each write once wherever their stream lives, another principal sees nothing of
 * it, compare-and-set loses no update under 50 writers spread over the replicas, and values outlive
 * the replica that wrote them (SIGKILL). Auth is on everywhere: two service-token principals.
 * Hostile cases: bad keys, values and context ids, garbage on the bus's notify topic, and Redis
 * going away (on a private Redis of this file, with two replicas of their own).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modernMeta, modernRequest, openListenStream, postModern, sha256Hex, startCluster, startPrivateRedis, startTestHost, type JsonRpcBody, type ListenStream, type PrivateRedis, type TestCluster, type TestHost } from '../harness/index.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/context/${name}`, import.meta.url));
const ALICE = `ctx-alice-${Math.random().toString(36).slice(2)}-token`;
const BOB = `ctx-bob-${Math.random().toString(36).slice(2)}-token`;
const CONTEXT_ID = 'mcp-host/contextId';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** How long a duplicate or a leaked notification gets to show up after the expected one arrived. */
const SETTLE_MS = 700;

let cluster: TestCluster;
let redis: Redis;
const urlOf = (i: number) => cluster.replicas[i].url;
/** Replicas killed by a test: the rotation skips them (as a load balancer would). */
const down = new Set<number>();
const live = () => [0, 1, 2].filter((i) => !down.has(i));
const open: Array<{ close(): unknown }> = [];

beforeAll(async () => {
  cluster = await startCluster({
    replicas: 3,
    plugins: [fixture('context-writer'), fixture('context-reader')],
    config: {
      cluster: { leaseMs: 3000 },
      // A small session quota, to see it hold when writes race on every replica.
      context: { quota: { session: { maxKeys: 5 } } },
      auth: {
        serviceTokens: [
          // Alice may read and write the `team` namespace (read: scope team:read, write: role editor).
          { name: 'alice', sha256: sha256Hex(ALICE), scopes: ['team:read'], roles: ['editor'] },
          { name: 'bob', sha256: sha256Hex(BOB) },
        ],
      },
    },
  });
  redis = new Redis('redis://127.0.0.1:6379');
}, 120_000);

afterAll(async () => {
  for (const o of open) await o.close();
  // Stops every replica and HAProxy, and deletes the cluster's keys (the context's among them).
  await cluster?.stop();
  redis?.disconnect();
});

/**
 * An SDK 1.x client of `token` whose POSTs rotate over the replicas (each to another than the one
 * before) (DELETE too) unless pinned with `on(i)`, and whose GET stream goes to replica `get` (or rotates too).
 * Records where each POST landed and every `resources/updated` it hears.
 */
async function legacyClient(token: string, options: { get?: number } = {}) {
  let next = 0;
  let nextGet = 0;
  let pinned: number | undefined;
  /** POSTs and DELETEs: where each landed. */
  const posts: Array<{ replica: number; method?: string; name?: string }> = [];
  const updates: string[] = [];
  let opened!: (replica: number) => void;
  const streamOpen = new Promise<number>((resolve) => (opened = resolve));
  const routed = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? 'GET';
    // GETs count apart, so two POSTs in a row never land on the same replica.
    const replica = method === 'GET' ? (options.get ?? live()[nextGet++ % live().length]) : (pinned ?? live()[next++ % live().length]);
    url.host = new URL(urlOf(replica)).host;
    if (method === 'POST' && typeof init?.body === 'string') {
      const body = JSON.parse(init.body) as { method?: string; params?: { name?: string; uri?: string } };
      posts.push({ replica, method: body.method, name: body.params?.name ?? body.params?.uri });
    } else if (method === 'DELETE') posts.push({ replica, method: 'DELETE' });
    const res = await fetch(url, init);
    if (method === 'GET' && res.status === 200) opened(replica);
    return res;
  };
  const client = new Client({ name: 'ctx-cluster-legacy', version: '1.0.0' }, { capabilities: {} });
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updates.push(n.params.uri));
  const transport = new StreamableHTTPClientTransport(new URL(urlOf(0)), { fetch: routed, requestInit: { headers: { authorization: `Bearer ${token}` } } });
  await client.connect(transport);
  open.push(client);
  const lastPost = () => posts[posts.length - 1]!;
  return {
    client,
    transport,
    posts,
    updates,
    /** Resolves with the replica serving the GET stream, once it is open (notifications sent after it are not missed). */
    streamOpen,
    /** Runs `fn` with every POST sent to replica i; answers its result and checks where it landed. */
    async on<T>(i: number, fn: () => Promise<T>): Promise<T> {
      pinned = i;
      try {
        const r = await fn();
        expect(lastPost().replica).toBe(i);
        return r;
      } finally {
        pinned = undefined;
      }
    },
    /** Calls a tool (wherever the rotation sends it): its structuredContent and the replica that served it. */
    async call(name: string, args: Record<string, unknown>): Promise<{ out: Record<string, any>; replica: number }> {
      const r = await client.callTool({ name, arguments: args });
      expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
      const landed = lastPost();
      expect(landed).toMatchObject({ method: 'tools/call', name });
      return { out: r.structuredContent as Record<string, any>, replica: landed.replica };
    },
  };
}
type LegacyClient = Awaited<ReturnType<typeof legacyClient>>;

/** A raw 2026-07-28 request of `token` to replica i, with `_meta` keys added to the full envelope. */
async function modern(i: number, token: string, method: string, params: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): Promise<JsonRpcBody> {
  const res = await postModern(urlOf(i), modernRequest(Math.floor(Math.random() * 1e9), method, { ...params, _meta: modernMeta(meta) }), { headers: { authorization: `Bearer ${token}` }, timeoutMs: 30_000 });
  expect(res.status, res.text).toBe(200);
  expect(res.response, res.text).toBeDefined();
  return res.response!;
}
/** A tool's structuredContent through a raw 2026-07-28 call on replica i. */
async function modernCall(i: number, token: string, name: string, args: Record<string, unknown>, meta: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const r = await modern(i, token, 'tools/call', { name, arguments: args }, meta);
  expect(r.error, JSON.stringify(r.error)).toBeUndefined();
  expect(r.result?.isError, JSON.stringify(r.result)).toBeFalsy();
  return r.result!.structuredContent as Record<string, any>;
}

async function listen(i: number, token: string, id: string, uris: string[], meta?: Record<string, unknown>): Promise<ListenStream> {
  const stream = await openListenStream(urlOf(i), id, { resourceSubscriptions: uris }, { headers: { authorization: `Bearer ${token}` }, ...(meta ? { meta } : {}) });
  open.push(stream);
  expect(stream.status).toBe(200);
  await stream.waitFor((e) => e.method === 'notifications/subscriptions/acknowledged');
  return stream;
}
const heard = (s: ListenStream, uri: string) => s.events.filter((e) => e.method === 'notifications/resources/updated' && e.params?.uri === uri).length;
const count = (uris: string[], uri: string) => uris.filter((u) => u === uri).length;

/** Waits until `done` holds (checked every 25 ms), failing after `timeoutMs` with `what`. */
async function until(done: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** The text of a legacy resources/read, or the error it was refused with. */
async function readLegacy(c: LegacyClient, i: number, uri: string): Promise<{ text?: string; meta?: Record<string, unknown>; error?: { code: number; message: string } }> {
  try {
    const r = await c.on(i, () => c.client.readResource({ uri }));
    const content = r.contents[0] as { text: string; _meta?: Record<string, unknown> };
    return { text: content.text, meta: content._meta };
  } catch (e) {
    return { error: { code: (e as { code: number }).code, message: (e as Error).message } };
  }
}

describe('legacy (2025-11-25) sessions over 3 replicas: plugin A writes on one, plugin B reads on another', () => {
  let alice: LegacyClient;

  beforeAll(async () => {
    alice = await legacyClient(ALICE);
  });

  it('a session value written by A is read by B and as a resource on other replicas; the session scope is the session', async () => {
    const set = await alice.call('ctx_set', { scope: 'session', key: 'project', value: { name: 'apollo' } });
    expect(set.out.version).toBeGreaterThan(0);
    const got = await alice.call('ctx_get', { scope: 'session', key: 'project' });
    // The rotation sent the read to another replica than the write.
    expect(got.replica).not.toBe(set.replica);
    expect(got.out).toEqual({ found: true, value: { name: 'apollo' }, version: set.out.version });
    // And on the third replica, as a resource served by the host (its version in _meta).
    const third = [0, 1, 2].find((i) => i !== set.replica && i !== got.replica)!;
    const read = await readLegacy(alice, third, 'context://session/project');
    expect(read.text && JSON.parse(read.text)).toEqual({ name: 'apollo' });
    expect(read.meta).toMatchObject({ 'mcp-host/version': set.out.version });
    expect(JSON.parse((await readLegacy(alice, set.replica, 'context://session')).text!)).toEqual({ keys: ['project'] });
    // The values live in Redis under the cluster's prefix, not in any replica.
    expect((await redis.keys(`${cluster.keyPrefix}ctx:*`)).length).toBeGreaterThan(0);

    // A second session of the same principal has its own (empty) session scope, on every replica.
    const second = await legacyClient(ALICE);
    for (let i = 0; i < 3; i++) {
      const out = await second.on(i, () => second.call('ctx_get', { scope: 'session', key: 'project' }));
      expect(out.out).toEqual({ found: false });
      expect((await readLegacy(second, i, 'context://session/project')).error).toMatchObject({ code: -32002 });
    }
    await second.client.close();
  });

  it("a principal value written in one session is seen by the principal's second session on other replicas", async () => {
    const set = await alice.on(0, () => alice.call('ctx_set', { scope: 'principal', key: 'lang', value: 'fr' }));
    const second = await legacyClient(ALICE);
    for (const i of [1, 2]) {
      const got = await second.on(i, () => second.call('ctx_get', { scope: 'principal', key: 'lang' }));
      expect(got.out).toEqual({ found: true, value: 'fr', version: set.out.version });
      const read = await readLegacy(second, i, 'context://principal/lang');
      expect(read.text).toBe('"fr"');
      expect(JSON.parse((await readLegacy(second, i, 'context://principal')).text!).keys).toContain('lang');
    }
    // A delete on another replica is seen everywhere.
    await second.on(2, () => second.client.callTool({ name: 'ctx_delete', arguments: { scope: 'principal', key: 'lang' } }));
    expect((await alice.on(1, () => alice.call('ctx_get', { scope: 'principal', key: 'lang' }))).out).toEqual({ found: false });
    await second.client.close();
  });

  it('a TTL is judged by one clock: a value set on one replica with ttlMs is gone on the others once it expires', async () => {
    const set = await alice.on(0, () => alice.call('ctx_set', { scope: 'principal', key: 'short', value: 'soon gone', ttlMs: 1500 }));
    expect(set.out.expiresAt).toBeGreaterThan(Date.now() - 5_000);
    const read = await readLegacy(alice, 1, 'context://principal/short');
    expect(read.text).toBe('"soon gone"');
    expect(read.meta).toMatchObject({ 'mcp-host/expiresAt': new Date(set.out.expiresAt).toISOString() });
    await sleep(Math.max(0, set.out.expiresAt - Date.now()) + 300);
    for (const i of [1, 2]) expect((await alice.on(i, () => alice.call('ctx_get', { scope: 'principal', key: 'short' }))).out, `replica ${i + 1}`).toEqual({ found: false });
  });

  it("DELETE of a session on another replica than the writer's takes its session scope out of Redis, and leaves the principal's", async () => {
    const gone = await legacyClient(ALICE);
    await gone.on(0, () => gone.call('ctx_set', { scope: 'session', key: 'tmp', value: 1 }));
    await gone.on(0, () => gone.call('ctx_set', { scope: 'principal', key: 'stays', value: 2 }));
    const id = gone.transport.sessionId!;
    const scopeKeys = () => redis.keys(`${cluster.keyPrefix}ctx:*${encodeURIComponent(`h:${id}`)}*`);
    expect((await scopeKeys()).length).toBeGreaterThan(0);
    await gone.on(2, () => gone.transport.terminateSession());
    for (let i = 0; (await scopeKeys()).length > 0 && i < 100; i++) await sleep(50);
    expect(await scopeKeys()).toEqual([]);
    expect((await alice.on(1, () => alice.call('ctx_get', { scope: 'principal', key: 'stays' }))).out).toMatchObject({ found: true, value: 2 });
    await gone.client.close();
  });

  it('refuses hostile keys and values cleanly on every replica, and writes nothing', async () => {
    for (let i = 0; i < 3; i++) {
      for (const key of ['../etc', 'a/b', '', 'x'.repeat(200), '*', `${cluster.keyPrefix}ctx:*`]) {
        const r = await alice.on(i, () => alice.client.callTool({ name: 'ctx_set', arguments: { scope: 'principal', key, value: 1 } }));
        expect(r.isError, key).toBe(true);
        expect(JSON.stringify(r.content)).toMatch(/not valid/);
      }
      const big = await alice.on(i, () => alice.client.callTool({ name: 'ctx_set', arguments: { scope: 'principal', key: 'big', value: 'x'.repeat(70_000) } }));
      expect(big.isError).toBe(true);
      expect(JSON.stringify(big.content)).toMatch(/maxValueBytes/);
      // The team namespace's schema wants {name: string}.
      const bad = await alice.on(i, () => alice.client.callTool({ name: 'ctx_set', arguments: { scope: 'shared', namespace: 'team', key: 'lead', value: { name: 7 } } }));
      expect(bad.isError).toBe(true);
      expect(JSON.stringify(bad.content)).toMatch(/schema/);
    }
    expect((await alice.on(0, () => alice.call('ctx_keys', { scope: 'principal' }))).out.keys).not.toContain('big');
  });
});

describe('subscribers of a context URI hear a write on any replica once, wherever their stream lives', () => {
  it('a second legacy client (GET stream on replica 3) and listen streams on every replica each hear one resources/updated, then read the value elsewhere', async () => {
    const uri = 'context://principal/cursor';
    const writer = await legacyClient(ALICE);
    const watcher = await legacyClient(ALICE, { get: 2 });
    expect(await watcher.streamOpen).toBe(2);
    // Redis says replica 3 holds the session's GET stream.
    expect(await redis.get(`${cluster.keyPrefix}hold:${watcher.transport.sessionId}`)).toBe('r3');
    // Subscribed through replica 2: replica 3 learns of it over the bus.
    await watcher.on(1, () => watcher.client.subscribeResource({ uri }));
    const listens = await Promise.all([0, 1, 2].map((i) => listen(i, ALICE, `alice-${i}`, [uri])));
    // Bob, on every replica, subscribed to the same URI (which names his own value, not Alice's).
    const bobListens = await Promise.all([0, 1, 2].map((i) => listen(i, BOB, `bob-${i}`, [uri, 'context://principal'])));
    const bob = await legacyClient(BOB, { get: 0 });
    await bob.streamOpen;
    await bob.on(2, () => bob.client.subscribeResource({ uri }));

    const set = await writer.on(0, () => writer.call('ctx_set', { scope: 'principal', key: 'cursor', value: { line: 42 } }));
    await until(() => count(watcher.updates, uri) >= 1 && listens.every((l) => heard(l, uri) >= 1), 'every subscriber of alice to hear the write');
    await sleep(SETTLE_MS);
    expect(count(watcher.updates, uri)).toBe(1);
    for (const l of listens) expect(heard(l, uri)).toBe(1);
    // The writer did not subscribe: it hears nothing.
    expect(writer.updates).toEqual([]);
    // Bob heard nothing of Alice's write, on any replica, in any era.
    expect(bob.updates).toEqual([]);
    for (const l of bobListens) expect(l.events.filter((e) => e.method === 'notifications/resources/updated')).toEqual([]);

    const read = await readLegacy(watcher, 1, uri);
    expect(JSON.parse(read.text!)).toEqual({ line: 42 });
    expect(read.meta).toMatchObject({ 'mcp-host/version': set.out.version });

    // Control: Bob's subscriptions work — his own write (on replica 2) reaches his streams, once each.
    await bob.on(1, () => bob.call('ctx_set', { scope: 'principal', key: 'cursor', value: 'bob' }));
    await until(() => count(bob.updates, uri) >= 1 && bobListens.every((l) => heard(l, uri) >= 1 && heard(l, 'context://principal') >= 1), "bob's subscribers to hear his own write");
    await sleep(SETTLE_MS);
    expect(count(bob.updates, uri)).toBe(1);
    for (const l of bobListens) expect([heard(l, uri), heard(l, 'context://principal')]).toEqual([1, 1]);
    // …and Alice's subscribers did not hear Bob's.
    expect(count(watcher.updates, uri)).toBe(1);
    for (const l of listens) expect(heard(l, uri)).toBe(1);
    // Alice's value is still hers.
    expect(JSON.parse((await readLegacy(watcher, 2, uri)).text!)).toEqual({ line: 42 });

    for (const l of [...listens, ...bobListens]) l.close();
    await Promise.all([writer, watcher, bob].map((c) => c.client.close()));
  });
  it("a legacy subscriber of context://session/<key> (GET stream on replica 1) hears its own session's write on replica 3 once, and not another session's", async () => {
    const uri = 'context://session/note';
    const mine = await legacyClient(ALICE, { get: 0 });
    expect(await mine.streamOpen).toBe(0);
    await mine.on(2, () => mine.client.subscribeResource({ uri }));
    const other = await legacyClient(ALICE, { get: 1 });
    await other.streamOpen;
    await other.on(0, () => other.client.subscribeResource({ uri }));
    // Another session of the same principal writes its own context://session/note: not mine.
    await other.on(1, () => other.call('ctx_set', { scope: 'session', key: 'note', value: 'theirs' }));
    await mine.on(2, () => mine.call('ctx_set', { scope: 'session', key: 'note', value: 'mine' }));
    await until(() => count(mine.updates, uri) >= 1 && count(other.updates, uri) >= 1, 'each session to hear its own write');
    await sleep(SETTLE_MS);
    expect([count(mine.updates, uri), count(other.updates, uri)]).toEqual([1, 1]);
    expect((await readLegacy(mine, 1, uri)).text).toBe('"mine"');
    expect((await readLegacy(other, 2, uri)).text).toBe('"theirs"');
    await Promise.all([mine.client.close(), other.client.close()]);
  });
});

describe('2026-07-28 clients name their session scope with _meta["mcp-host/contextId"]', () => {
  it('a value written on replica 1 under a context id is read on replica 2 (tool and resource) and heard on replica 3; other ids and principals see nothing', async () => {
    const id = `draft-${Math.random().toString(36).slice(2, 10)}`;
    const ctx = { [CONTEXT_ID]: id };
    const uri = 'context://session/draft';
    const mine = await listen(2, ALICE, 'alice-draft', [uri], ctx);
    const otherId = await listen(1, ALICE, 'alice-other', [uri], { [CONTEXT_ID]: 'another-context' });
    const noId = await listen(0, ALICE, 'alice-none', [uri]);
    const bobSameId = await listen(0, BOB, 'bob-draft', [uri], ctx);

    const set = await modernCall(0, ALICE, 'ctx_set', { scope: 'session', key: 'draft', value: { text: 'hello' } }, ctx);
    expect(set.version).toBeGreaterThan(0);
    expect(await modernCall(1, ALICE, 'ctx_get', { scope: 'session', key: 'draft' }, ctx)).toEqual({ found: true, value: { text: 'hello' }, version: set.version });
    const read = await modern(1, ALICE, 'resources/read', { uri }, ctx);
    expect(read.result?.contents).toEqual([expect.objectContaining({ uri, text: '{"text":"hello"}', _meta: expect.objectContaining({ 'mcp-host/version': set.version }) })]);
    await mine.waitFor((e) => e.method === 'notifications/resources/updated' && e.params?.uri === uri);
    await sleep(SETTLE_MS);
    expect(heard(mine, uri)).toBe(1);
    for (const s of [otherId, noId, bobSameId]) expect(s.events.filter((e) => e.method === 'notifications/resources/updated')).toEqual([]);

    // Another context id of the same principal: its own scope.
    expect(await modernCall(2, ALICE, 'ctx_get', { scope: 'session', key: 'draft' }, { [CONTEXT_ID]: 'another-context' })).toEqual({ found: false });
    // Bob naming Alice's context id names his own scope under that id: empty.
    for (let i = 0; i < 3; i++) {
      expect(await modernCall(i, BOB, 'ctx_get', { scope: 'session', key: 'draft' }, ctx)).toEqual({ found: false });
      const r = await modern(i, BOB, 'resources/read', { uri }, ctx);
      expect(r.error).toMatchObject({ code: -32602, message: expect.stringContaining('Resource not found') });
    }
    // No context id: no session scope (a clean refusal the tool reports).
    expect(await modernCall(1, ALICE, 'ctx_get', { scope: 'session', key: 'draft' })).toMatchObject({ refused: 'no-session' });
    // A hostile context id is refused, by the tool and by listen, on every replica.
    for (let i = 0; i < 3; i++) {
      for (const bad of ['../x', 'a/b', 'x'.repeat(200), '', 42]) {
        expect(await modernCall(i, ALICE, 'ctx_get', { scope: 'session', key: 'draft' }, { [CONTEXT_ID]: bad })).toMatchObject({ refused: 'bad-key' });
      }
      const refused = await openListenStream(urlOf(i), 'bad', { resourceSubscriptions: [uri] }, { headers: { authorization: `Bearer ${ALICE}` }, meta: { [CONTEXT_ID]: '../x' } });
      await refused.ended;
      expect(refused.events.find((e) => 'error' in e)?.error).toMatchObject({ code: -32602, message: expect.stringContaining('contextId') });
    }
    for (const s of [mine, otherId, noId, bobSameId]) s.close();
  });
});

describe('another principal, on any replica', () => {
  it("cannot read, list or address Alice's principal values nor a namespace it may not read", async () => {
    const alice = await legacyClient(ALICE);
    await alice.on(0, () => alice.call('ctx_set', { scope: 'principal', key: 'secret', value: 'alice-only' }));
    await alice.on(1, () => alice.call('ctx_set', { scope: 'shared', namespace: 'team', key: 'lead', value: { name: 'Ada' } }));
    await alice.on(2, () => alice.call('ctx_set', { scope: 'shared', namespace: 'counters', key: 'open', value: 1 }));
    const bob = await legacyClient(BOB);
    for (let i = 0; i < 3; i++) {
      expect((await bob.on(i, () => bob.call('ctx_get', { scope: 'principal', key: 'secret' }))).out).toEqual({ found: false });
      expect((await bob.on(i, () => bob.call('ctx_keys', { scope: 'principal' }))).out.keys).not.toContain('secret');
      expect(await readLegacy(bob, i, 'context://principal/secret')).toEqual({ error: { code: -32002, message: expect.stringContaining('Resource not found') } });
      expect(JSON.parse((await readLegacy(bob, i, 'context://principal')).text!).keys).not.toContain('secret');
      // The team namespace needs team:read: refused to the tool, "not found" as a resource (its existence does not leak).
      expect((await bob.on(i, () => bob.call('ctx_get', { scope: 'shared', namespace: 'team', key: 'lead' }))).out).toMatchObject({ refused: 'forbidden' });
      for (const uri of ['context://shared/team/lead', 'context://shared/team']) expect((await readLegacy(bob, i, uri)).error, uri).toMatchObject({ code: -32002 });
      // The same answer as for a namespace that does not exist.
      expect((await readLegacy(bob, i, 'context://shared/nope/lead')).error).toMatchObject({ code: -32002 });
      // Control: an open namespace is shared with him.
      expect((await bob.on(i, () => bob.call('ctx_get', { scope: 'shared', namespace: 'counters', key: 'open' }))).out).toMatchObject({ found: true, value: 1 });
      // In 2026-07-28 too.
      expect(await modernCall(i, BOB, 'ctx_get', { scope: 'principal', key: 'secret' })).toEqual({ found: false });
      expect((await modern(i, BOB, 'resources/read', { uri: 'context://principal/secret' })).error).toMatchObject({ code: -32602 });
      expect(JSON.parse(((await modern(i, BOB, 'resources/read', { uri: 'context://principal' })).result!.contents as Array<{ text: string }>)[0].text).keys).not.toContain('secret');
    }
    // Bob cannot write the team namespace either, and Alice's value is untouched.
    const write = await bob.on(1, () => bob.client.callTool({ name: 'ctx_set', arguments: { scope: 'shared', namespace: 'team', key: 'lead', value: { name: 'Mallory' } } }));
    expect(write.isError).toBe(true);
    expect((await alice.on(2, () => alice.call('ctx_get', { scope: 'shared', namespace: 'team', key: 'lead' }))).out).toMatchObject({ value: { name: 'Ada' } });
    // Bob subscribes to the team value as to a namespace that does not exist (same answer: nothing
    // tells him it exists) and hears nothing of Alice's write, in either era; Alice's listen does.
    // The open namespace is shared: Bob hears of Alice's write there.
    const uri = 'context://shared/team/lead';
    const open = 'context://shared/counters/open';
    const bobWatch = await legacyClient(BOB, { get: 1 });
    await bobWatch.streamOpen;
    expect(await bobWatch.on(0, () => bobWatch.client.subscribeResource({ uri }))).toEqual(await bobWatch.on(2, () => bobWatch.client.subscribeResource({ uri: 'context://shared/nope/lead' })));
    await bobWatch.on(2, () => bobWatch.client.subscribeResource({ uri: open }));
    const [bobs, alices] = await Promise.all([listen(0, BOB, 'bob-team', [uri, 'context://shared/team', open]), listen(2, ALICE, 'alice-team', [uri])]);
    await alice.on(1, () => alice.call('ctx_set', { scope: 'shared', namespace: 'team', key: 'lead', value: { name: 'Grace' } }));
    await alice.on(2, () => alice.call('ctx_set', { scope: 'shared', namespace: 'counters', key: 'open', value: 2 }));
    await until(() => heard(alices, uri) >= 1 && heard(bobs, open) >= 1 && count(bobWatch.updates, open) >= 1, 'the team write to reach Alice and the counters write to reach Bob');
    await sleep(SETTLE_MS);
    expect(heard(alices, uri)).toBe(1);
    expect(bobs.events.filter((e) => e.method === 'notifications/resources/updated').map((e) => e.params?.uri)).toEqual([open]);
    expect(bobWatch.updates).toEqual([open]);
    bobs.close();
    alices.close();
    await Promise.all([alice.client.close(), bob.client.close(), bobWatch.client.close()]);
  });
});

describe('compare-and-set across replicas', () => {
  it('50 concurrent ctx_bump calls spread over 3 replicas end at exactly 50, on a principal key and on a shared counter', async () => {
    const N = 50;
    const key = `bumps-${Date.now()}`;
    const started = Date.now();
    const bumps = (scope: Record<string, unknown>) => Array.from({ length: N }, (_, i) => modernCall(i % 3, ALICE, 'ctx_bump', { ...scope, key }));
    const [principal, shared] = await Promise.all([Promise.all(bumps({ scope: 'principal' })), Promise.all(bumps({ scope: 'shared', namespace: 'counters' }))]);
    const elapsed = Date.now() - started;
    // Each bump saw a distinct count: none overwrote another.
    expect(principal.map((r) => r.value).sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    expect(shared.map((r) => r.value).sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    for (let i = 0; i < 3; i++) {
      expect(await modernCall(i, ALICE, 'ctx_get', { scope: 'principal', key })).toMatchObject({ found: true, value: N, version: Math.max(...principal.map((r) => r.version)) });
      // The shared counter is the same for another principal.
      expect(await modernCall(i, BOB, 'ctx_get', { scope: 'shared', namespace: 'counters', key })).toMatchObject({ found: true, value: N });
    }
    // Audit (on with auth): each stored bump is one line, on the replica that stored it; lost races are audited as conflicts.
    const audits = (uri: string) => cluster.replicas.flatMap((r) => r.logs.filter((l) => l.audit === true && l.msg === 'context write' && l.uri === uri));
    for (const uri of [`context://principal/${key}`, `context://shared/counters/${key}`]) {
      const lines = audits(uri);
      expect(lines.filter((l) => l.outcome === 'ok'), uri).toHaveLength(N);
      expect(lines.every((l) => l.principal === 'service:alice' && l.plugin === 'context-writer' && ['ok', 'conflict'].includes(l.outcome as string)), uri).toBe(true);
      // Spread over the replicas: each stored some.
      expect(cluster.replicas.map((r) => r.logs.some((l) => l.audit === true && l.uri === uri && l.outcome === 'ok')), uri).toEqual([true, true, true]);
    }
    console.log(`cluster context: 2×${N} concurrent bumps over 3 replicas in ${elapsed} ms`);
  }, 60_000);
});

describe('quotas across replicas', () => {
  it('10 concurrent writes of distinct keys into one session scope (quota 5 keys) over 3 replicas: exactly 5 stored, 5 refused cleanly', async () => {
    const id = { [CONTEXT_ID]: `quota-${Math.random().toString(36).slice(2, 10)}` };
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, k) => modern(k % 3, ALICE, 'tools/call', { name: 'ctx_set', arguments: { scope: 'session', key: `k${k}`, value: k } }, id)),
    );
    const refused = results.filter((r) => r.result?.isError === true);
    expect(results.filter((r) => r.result && !r.result.isError)).toHaveLength(5);
    expect(refused).toHaveLength(5);
    for (const r of refused) expect(JSON.stringify(r.result!.content)).toMatch(/context session is full: at most 5 keys/);
    for (let i = 0; i < 3; i++) expect((await modernCall(i, ALICE, 'ctx_keys', { scope: 'session' }, id)).keys).toHaveLength(5);
  });
});

describe('a hostile peer on the bus (topic notify)', () => {
  it('malformed context announcements are ignored, the replicas keep serving, and only a well-formed one is delivered, to its audience', async () => {
    const uri = 'context://principal/bus';
    const listens = await Promise.all([0, 1, 2].map((i) => listen(i, ALICE, `bus-${i}`, [uri])));
    const bobs = await Promise.all([0, 1, 2].map((i) => listen(i, BOB, `bus-bob-${i}`, [uri])));
    const channel = `${cluster.keyPrefix}bus:notify`;
    const garbage: unknown[] = [
      'null',
      '42',
      '"text"',
      '[]',
      'not json',
      { from: 'evil', m: null },
      { from: 'evil', m: 'x' },
      { from: 'evil', m: { contextUpdated: [uri] } },
      { from: 'evil', m: { contextUpdated: uri, audience: { principal: 'service:alice' } } },
      { from: 'evil', m: { contextUpdated: [uri, uri, uri], audience: { principal: 'service:alice' } } },
      { from: 'evil', m: { contextUpdated: [uri], audience: { principal: 'service:alice', namespace: 'counters' } } },
      { from: 'evil', m: { contextUpdated: [uri], audience: { principal: 7 } } },
      { from: 'evil', m: { contextUpdated: [uri], audience: null } },
      { from: 'evil', m: { contextUpdated: [7], audience: { principal: 'service:alice' } } },
      { from: 'evil', m: { contextUpdated: ['x'.repeat(100_000)], audience: { principal: 'service:alice' } } },
    ];
    for (const g of garbage) await redis.publish(channel, typeof g === 'string' ? g : JSON.stringify(g));
    // The control: well-formed, for Alice only (the bus is Redis's, trusted as the replicas are).
    await redis.publish(channel, JSON.stringify({ from: 'evil', m: { contextUpdated: [uri], audience: { principal: 'service:alice' } } }));
    await until(() => listens.every((l) => heard(l, uri) >= 1), 'the well-formed announcement to reach every replica');
    await sleep(SETTLE_MS);
    for (const l of listens) expect(heard(l, uri)).toBe(1);
    for (const b of bobs) expect(b.events.filter((e) => e.method === 'notifications/resources/updated')).toEqual([]);
    for (const l of [...listens, ...bobs]) expect(l.events.some((e) => 'error' in e)).toBe(false);
    for (let i = 0; i < 3; i++) {
      expect(cluster.replicas[i].process.exitCode).toBeNull();
      expect((await fetch(`${cluster.replicas[i].adminUrl}/livez`, { signal: AbortSignal.timeout(2_000) })).status).toBe(200);
      expect(await modernCall(i, ALICE, 'ctx_get', { scope: 'principal', key: 'bus' })).toEqual({ found: false });
    }
    for (const l of [...listens, ...bobs]) l.close();
  });
});

describe('values outlive the replica that wrote them', () => {
  it('written on replica 1, which is then SIGKILLed, they are read on replicas 2 and 3 by the same session, another session and a 2026-07-28 client', async () => {
    const alice = await legacyClient(ALICE);
    const id = { [CONTEXT_ID]: 'survivor' };
    const s = await alice.on(0, () => alice.call('ctx_set', { scope: 'session', key: 'kept', value: 's' }));
    const p = await alice.on(0, () => alice.call('ctx_set', { scope: 'principal', key: 'kept', value: 'p' }));
    const n = await alice.on(0, () => alice.call('ctx_set', { scope: 'shared', namespace: 'counters', key: 'kept', value: 'n' }));
    const m = await modernCall(0, ALICE, 'ctx_set', { scope: 'session', key: 'kept', value: 'm' }, id);
    // A subscriber whose GET stream is on replica 1 (its GETs rotate over the live replicas).
    const watcher = await legacyClient(ALICE);
    expect(await watcher.streamOpen).toBe(0);
    await watcher.on(1, () => watcher.client.subscribeResource({ uri: 'context://principal/kept' }));
    const hold = `${cluster.keyPrefix}hold:${watcher.transport.sessionId}`;
    expect(await redis.get(hold)).toBe('r1');
    down.add(0);
    await cluster.kill(0);
    const other = await legacyClient(ALICE);
    for (const i of [1, 2]) {
      expect((await alice.on(i, () => alice.call('ctx_get', { scope: 'session', key: 'kept' }))).out).toEqual({ found: true, value: 's', version: s.out.version });
      expect((await other.on(i, () => other.call('ctx_get', { scope: 'principal', key: 'kept' }))).out).toEqual({ found: true, value: 'p', version: p.out.version });
      expect((await other.on(i, () => other.call('ctx_get', { scope: 'shared', namespace: 'counters', key: 'kept' }))).out).toEqual({ found: true, value: 'n', version: n.out.version });
      expect(await modernCall(i, ALICE, 'ctx_get', { scope: 'session', key: 'kept' }, id)).toEqual({ found: true, value: 'm', version: m.version });
    }
    // The watcher's client resumed its stream on a live replica (Last-Event-ID takes it over): a write there reaches it, once.
    for (let i = 0; ['r1', null].includes(await redis.get(hold)) && i < 200; i++) await sleep(50);
    expect(await redis.get(hold)).toMatch(/^r[23]$/);
    await other.on(2, () => other.call('ctx_set', { scope: 'principal', key: 'kept', value: 'p2' }));
    await until(() => count(watcher.updates, 'context://principal/kept') >= 1, 'the watcher to hear the write after its replica died', 10_000);
    await sleep(SETTLE_MS);
    expect(count(watcher.updates, 'context://principal/kept')).toBe(1);
    expect((await readLegacy(watcher, 1, 'context://principal/kept')).text).toBe('"p2"');
    // Replica 1 is gone for good in this file: afterAll stops the others and deletes the keys.
    await Promise.all([alice, other, watcher].map((c) => c.client.close()));
  }, 60_000);
});

describe('Redis down (a private Redis of this suite, killed and started again)', () => {
  let down: PrivateRedis;
  let replicas: TestHost[];
  let dir: string;
  const call = (r: TestHost, name: string, args: Record<string, unknown>) =>
    postModern(r.url, modernRequest(1, 'tools/call', { name, arguments: args }), { timeoutMs: 10_000 }).then((res) => res.response!);

  beforeAll(async () => {
    down = await startPrivateRedis();
    dir = mkdtempSync(join(tmpdir(), 'mcp-host-ctx-down-'));
    replicas = await Promise.all(
      [1, 2].map((i) => {
        const file = join(dir, `r${i}.json`);
        writeFileSync(file, JSON.stringify({ cluster: { redisUrl: down.url, replicaId: `ctx-down-r${i}`, commandTimeoutMs: 500 }, protocol: { requestStateSecret: 'ctx-down-secret-0123456789abcdef' } }));
        return startTestHost({ plugins: [fixture('context-writer'), fixture('context-reader')], args: ['--config', file], timeoutMs: 60_000 });
      }),
    );
  }, 90_000);
  afterAll(async () => {
    await Promise.all(replicas?.map((r) => r.stop()) ?? []);
    await down?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('context operations are refused promptly as unavailable (tool and resource), never answered from a stale copy, and work again once Redis is back', async () => {
    expect((await call(replicas[0], 'ctx_set', { scope: 'principal', key: 'k', value: 'before' })).result?.isError).toBeFalsy();
    await down.kill();
    for (const r of replicas) {
      const started = Date.now();
      const got = await call(r, 'ctx_get', { scope: 'principal', key: 'k' });
      expect(got.result?.structuredContent).toMatchObject({ refused: 'unavailable' });
      const set = await call(r, 'ctx_set', { scope: 'principal', key: 'k', value: 'during' });
      expect(set.result?.isError).toBe(true);
      expect(JSON.stringify(set.result?.content)).toMatch(/unavailable/);
      const read = await postModern(r.url, modernRequest(2, 'resources/read', { uri: 'context://principal/k' }));
      // Not "not found": the value may well exist.
      expect(read.response?.error?.message).toMatch(/unavailable/);
      expect(read.response?.error?.message).not.toMatch(/not found/i);
      expect(Date.now() - started).toBeLessThan(8_000);
    }
    // Back, empty (no persistence): the replicas reconnect by themselves and store again.
    await down.start();
    const deadline = Date.now() + 15_000;
    let last: JsonRpcBody | undefined;
    while (Date.now() < deadline) {
      last = await call(replicas[1], 'ctx_set', { scope: 'principal', key: 'k', value: 'after' });
      if (!last.result?.isError) break;
      await sleep(200);
    }
    expect(last?.result?.isError, JSON.stringify(last)).toBeFalsy();
    expect((await call(replicas[0], 'ctx_get', { scope: 'principal', key: 'k' })).result?.structuredContent).toMatchObject({ found: true, value: 'after' });
  }, 60_000);
});

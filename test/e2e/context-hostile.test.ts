/**
 * Shared context against hostile input, end to end on one host with auth on (service tokens, so
 * audit is on): keys built to escape their scope or to be huge, values over `context.maxValueBytes`
 * or nested past `server.limits.maxDepth`, a flood past the session quota, `context://` URIs that
 * try to walk out of their scope, listen streams and calls with malformed context ids, 200 context
 * ids at once. Each is refused cleanly (a ContextError reason, "not found", -32602), and after each
 * the host still serves another principal normally. A write leaves an audit line naming the
 * principal and the plugin, never the value.
 *
 * Bounded: one host, small limits, every wait has a timeout, everything talks to 127.0.0.1.
 */
import { fileURLToPath } from 'node:url';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectHttpClient, connectWithToken, modernMeta, modernRequest, openListenStream, postModern, sha256Hex, startTestHost, writeConfig, type TestHost } from '../harness/index.js';

const WRITER = fileURLToPath(new URL('../fixtures/context/context-writer', import.meta.url));
const READER = fileURLToPath(new URL('../fixtures/context/context-reader', import.meta.url));
const CONTEXT_ID = 'mcp-host/contextId';
const TOKENS = { mallory: 'ctx-hostile-mallory-token-0123456789', alice: 'ctx-hostile-alice-token-0123456789' } as const;
const MAX_VALUE_BYTES = 1024;
const MAX_DEPTH = 16;
const SESSION_MAX_KEYS = 5;
const PRINCIPAL_MAX_BYTES = 8192;

type Structured = { found?: boolean; value?: unknown; version?: number; refused?: string; message?: string };
const structured = (r: unknown): Structured => {
  const result = r as { structuredContent?: Structured };
  if (!result.structuredContent) throw new Error(`no structuredContent: ${JSON.stringify(r)}`);
  return result.structuredContent;
};
const readError = (client: Client, uri: string) => client.readResource({ uri }).then((r) => ({ unexpected: r }), (e: unknown) => e);

describe('shared context under hostile input (auth on, small limits)', () => {
  let host: TestHost;
  let removeConfig: () => void;
  let mallory: Client;
  let alice: Client;
  const clients: Client[] = [];
  const connect = async (who: keyof typeof TOKENS) => {
    const c = (await connectWithToken(host.url, TOKENS[who], `ctx-hostile-${who}`)).client;
    clients.push(c);
    return c;
  };
  const set = async (client: Client, args: Record<string, unknown>) => structured(await client.callTool({ name: 'ctx_set', arguments: args }));
  const get = async (client: Client, args: Record<string, unknown>) => structured(await client.callTool({ name: 'ctx_get', arguments: args }));
  const auth = (who: keyof typeof TOKENS) => ({ headers: { authorization: `Bearer ${TOKENS[who]}` } });
  const modernCall = async (who: keyof typeof TOKENS, name: string, args: Record<string, unknown>, contextId?: unknown) => {
    const res = await postModern(host.url, modernRequest(`h-${Math.random()}`, 'tools/call', { name, arguments: args, _meta: modernMeta(contextId === undefined ? {} : { [CONTEXT_ID]: contextId }) }), auth(who));
    return res;
  };

  /** Another principal, on a client of its own, still writes and reads normally. */
  let healthyRound = 0;
  async function stillServesAlice(): Promise<void> {
    expect(host.process.exitCode).toBeNull();
    // One key, overwritten each round: the session quota is small.
    const key = 'healthy';
    healthyRound++;
    const written = await set(alice, { scope: 'session', key, value: healthyRound });
    expect(written.version, JSON.stringify(written)).toEqual(expect.any(Number));
    expect(await get(alice, { scope: 'session', key })).toEqual({ found: true, value: healthyRound, version: written.version });
  }

  beforeAll(async () => {
    const config = writeConfig({
      auth: { serviceTokens: [{ name: 'mallory', sha256: sha256Hex(TOKENS.mallory) }, { name: 'alice', sha256: sha256Hex(TOKENS.alice), scopes: ['team:read'], roles: ['editor'] }] },
      server: { limits: { maxDepth: MAX_DEPTH } },
      context: { maxValueBytes: MAX_VALUE_BYTES, quota: { session: { maxKeys: SESSION_MAX_KEYS }, principal: { maxBytes: PRINCIPAL_MAX_BYTES } }, namespaces: { counters: { description: 'open, 3 keys', maxKeys: 3 } } },
      plugins: { watch: false },
      protocol: { maxSubscriptions: 50 },
    });
    removeConfig = config.remove;
    host = await startTestHost({ plugins: [WRITER, READER], args: ['--config', config.file] });
    mallory = await connect('mallory');
    alice = await connect('alice');
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await host?.stop();
    removeConfig?.();
  });

  it('refuses keys built to escape a scope or to be huge (bad-key) in every scope, for writes and reads', async () => {
    const keys = ['../x', 'a/b', '/etc', 'k'.repeat(10 * 1024), 'ключ', '%2F', 'a%2Fb', '', ' x', '.hidden', 'x\u0000y', '..', 'k'.repeat(129)];
    for (const key of keys) {
      for (const scope of ['session', 'principal'] as const) {
        const refused = await set(mallory, { scope, key, value: 1 });
        expect(refused, `${scope} ${JSON.stringify(key.slice(0, 20))}`).toMatchObject({ refused: 'bad-key' });
        // The message shows a long key cut short, not 10 KB of it.
        expect(refused.message!.length).toBeLessThan(400);
        expect(await get(mallory, { scope, key }), key.slice(0, 20)).toMatchObject({ refused: 'bad-key' });
      }
      expect(await set(mallory, { scope: 'shared', namespace: 'counters', key, value: 1 })).toMatchObject({ refused: 'bad-key' });
    }
    // Namespaces named to escape are refused like undeclared ones.
    for (const namespace of ['..', '../team', 'team/..', 'TEAM', '']) expect(await set(alice, { scope: 'shared', namespace, key: 'x', value: { name: 'a' } }), namespace).toMatchObject({ refused: 'forbidden' });
    // The longest valid key works.
    expect(await set(mallory, { scope: 'principal', key: 'k'.repeat(128), value: 1 })).toMatchObject({ version: expect.any(Number) });
    await stillServesAlice();
  });

  it(`refuses values over context.maxValueBytes (${MAX_VALUE_BYTES}) and nested past server.limits.maxDepth (${MAX_DEPTH}) with invalid-value`, async () => {
    const big = await set(mallory, { scope: 'principal', key: 'big', value: 'x'.repeat(MAX_VALUE_BYTES + 1) });
    expect(big).toMatchObject({ refused: 'invalid-value' });
    expect(big.message).toContain('maxValueBytes');
    expect(await set(mallory, { scope: 'principal', key: 'big', value: 'x'.repeat(MAX_VALUE_BYTES - 10) })).toMatchObject({ version: expect.any(Number) });
    // Nested by the plugin (past the depth a client may send): the context service refuses it.
    expect(await set(mallory, { scope: 'principal', key: 'deep', value: 1, nest: MAX_DEPTH + 4 })).toMatchObject({ refused: 'invalid-value' });
    expect(await get(mallory, { scope: 'principal', key: 'deep' })).toEqual({ found: false });
    // Nested far deeper, across the worker boundary: still a clean refusal, not a crash.
    const deeper = await set(mallory, { scope: 'principal', key: 'deeper', value: 1, nest: 5_000 });
    expect(deeper).toMatchObject({ refused: 'invalid-value', message: expect.stringContaining('maxDepth') });
    expect(await get(mallory, { scope: 'principal', key: 'deeper' })).toEqual({ found: false });
    // Sent that deep by the client: the request itself is refused before any plugin runs.
    let deepArg: unknown = 1;
    for (let i = 0; i < MAX_DEPTH + 4; i++) deepArg = { a: deepArg };
    const sent = await mallory.callTool({ name: 'ctx_set', arguments: { scope: 'principal', key: 'sent-deep', value: deepArg } }).then((r) => ({ unexpected: r }), (e: unknown) => e);
    expect(String(sent)).toMatch(/-32600.*maxDepth/);
    expect(await get(mallory, { scope: 'principal', key: 'sent-deep' })).toEqual({ found: false });
    await stillServesAlice();
  });

  it(`a flood past context.quota.session.maxKeys (${SESSION_MAX_KEYS}) is refused with quota; other sessions and principals carry on`, async () => {
    const flooder = await connect('mallory');
    for (let i = 0; i < SESSION_MAX_KEYS; i++) expect(await set(flooder, { scope: 'session', key: `flood-${i}`, value: i })).toMatchObject({ version: expect.any(Number) });
    const over = await Promise.all(Array.from({ length: 20 }, (_, i) => set(flooder, { scope: 'session', key: `over-${i}`, value: i })));
    for (const r of over) expect(r).toMatchObject({ refused: 'quota' });
    // Overwriting a key it holds is not a new key: allowed.
    expect(await set(flooder, { scope: 'session', key: 'flood-0', value: 'again' })).toMatchObject({ version: expect.any(Number) });
    // The same principal's other session has its own quota.
    const second = await connect('mallory');
    expect(await set(second, { scope: 'session', key: 'fresh', value: 1 })).toMatchObject({ version: expect.any(Number) });
    await stillServesAlice();
    // An audit line records each refused write as a quota outcome.
    expect(host.logs.filter((l) => l.msg === 'context write' && l.outcome === 'quota' && l.principal === 'service:mallory').length).toBeGreaterThanOrEqual(20);
  });

  it(`a flood of bytes past context.quota.principal.maxBytes (${PRINCIPAL_MAX_BYTES}) is refused with quota; a delete frees room`, async () => {
    const refusals: Structured[] = [];
    const keys: string[] = [];
    for (let i = 0; i < 20 && refusals.length === 0; i++) {
      const r = await set(mallory, { scope: 'principal', key: `bytes-${i}`, value: 'b'.repeat(MAX_VALUE_BYTES - 10) });
      if (r.refused) refusals.push(r);
      else keys.push(`bytes-${i}`);
    }
    expect(refusals[0]).toMatchObject({ refused: 'quota', message: expect.stringContaining('bytes') });
    expect(keys.length).toBeLessThan(PRINCIPAL_MAX_BYTES / (MAX_VALUE_BYTES - 10));
    // Alice's principal scope is her own: untouched by Mallory's.
    expect(await set(alice, { scope: 'principal', key: 'roomy', value: 'b'.repeat(MAX_VALUE_BYTES - 10) })).toMatchObject({ version: expect.any(Number) });
    for (const key of keys) await mallory.callTool({ name: 'ctx_delete', arguments: { scope: 'principal', key } });
    expect(await set(mallory, { scope: 'principal', key: 'bytes-again', value: 'b'.repeat(MAX_VALUE_BYTES - 10) })).toMatchObject({ version: expect.any(Number) });
    await mallory.callTool({ name: 'ctx_delete', arguments: { scope: 'principal', key: 'bytes-again' } });
    await stillServesAlice();
  });

  it('context:// URIs that try to walk out of their scope are not found', async () => {
    await set(alice, { scope: 'principal', key: 'x', value: 'alice-secret' });
    await set(mallory, { scope: 'principal', key: 'x', value: 'mallory-own' });
    const uris = [
      'context://session/../principal/x',
      'context://session/..%2Fprincipal%2Fx',
      'context://shared/%2e%2e/x',
      'context://shared/%2e%2e/principal/x',
      'context://shared/team%2F..%2F..%2Fp/x',
      'context://principal/..%2F..%2Fp%2Fservice%3Aalice%2Fx',
      'context://principal/%2e%2e',
      'context://principal/x/..',
      'context://principal/x%00',
      'context://principal/',
      'context://principal//x',
      'context://shared//x',
      'context://shared/team/',
      'context://p/service:alice/x',
      // Percent-encoding that does not decode: "not found" like any other key, not an internal error.
      'context://principal/%E0%A4%A',
      'context://principal/%',
      'context://shared/%zz/x',
    ];
    for (const uri of uris) {
      const e = await readError(mallory, uri);
      expect(e, uri).toMatchObject({ code: -32002 });
      expect(JSON.stringify(e), uri).not.toContain('alice-secret');
    }
    // Its own value reads normally (the refusals above are not a broken template).
    expect(JSON.parse(((await mallory.readResource({ uri: 'context://principal/x' })).contents[0] as { text: string }).text)).toBe('mallory-own');
    await stillServesAlice();
  });

  it('a malformed context id is refused: a listen stream with -32602, a call with bad-key', async () => {
    await set(mallory, { scope: 'principal', key: 'p', value: 'principal scope still works' });
    for (const contextId of ['../x', 'a/b', 'k'.repeat(200), 'ключ', '', 42, { id: 'x' }, null]) {
      const listen = await openListenStream(host.url, `bad-${String(contextId).slice(0, 10)}`, { resourceSubscriptions: ['context://session/x'] }, { ...auth('mallory'), meta: { [CONTEXT_ID]: contextId } });
      await listen.ended;
      expect(listen.events.length, JSON.stringify(contextId)).toBe(1);
      expect(listen.events[0]!.error?.code, JSON.stringify(listen.events)).toBe(-32602);
      const call = await modernCall('mallory', 'ctx_get', { scope: 'session', key: 'x' }, contextId);
      // A call may still use its principal scope; its session scope is refused.
      expect((call.response?.result as { structuredContent?: Structured } | undefined)?.structuredContent, call.text.slice(0, 300)).toMatchObject({ refused: 'bad-key', message: expect.stringContaining('mcp-host/contextId') });
      const read = await postModern(host.url, modernRequest(`read-${Math.random()}`, 'resources/read', { uri: 'context://session/x', _meta: modernMeta({ [CONTEXT_ID]: contextId }) }), auth('mallory'));
      expect(read.response?.error?.code, read.text.slice(0, 300)).toBe(-32602);
      const principal = await modernCall('mallory', 'ctx_get', { scope: 'principal', key: 'p' }, contextId);
      expect((principal.response?.result as { structuredContent?: Structured } | undefined)?.structuredContent).toMatchObject({ found: true });
    }
    await stillServesAlice();
  });

  it('a context id cannot name a legacy session or the stdio session; a legacy client cannot pick a context id', async () => {
    const { client: legacy, transport } = await connectWithToken(host.url, TOKENS.mallory, 'ctx-hostile-legacy');
    clients.push(legacy);
    await set(legacy, { scope: 'session', key: 'mine', value: 'legacy session value' });
    const sessionId = transport.sessionId!;
    for (const contextId of [sessionId, `h:${sessionId}`, 'stdio', 'h:stdio']) {
      const r = await modernCall('mallory', 'ctx_get', { scope: 'session', key: 'mine' }, contextId);
      expect((r.response?.result as { structuredContent?: Structured }).structuredContent, contextId).toEqual({ found: false });
    }
    // A legacy request's _meta contextId does not move it out of its own session.
    await modernCall('mallory', 'ctx_set', { scope: 'session', key: 'modern-only', value: 'm' }, 'chosen');
    const r = structured(await legacy.callTool({ name: 'ctx_get', arguments: { scope: 'session', key: 'modern-only' }, _meta: { [CONTEXT_ID]: 'chosen' } }));
    expect(r).toEqual({ found: false });
    expect(structured(await legacy.callTool({ name: 'ctx_get', arguments: { scope: 'session', key: 'mine' }, _meta: { [CONTEXT_ID]: 'chosen' } }))).toMatchObject({ found: true });
    await stillServesAlice();
  });

  it('subscribing to scope-walking URIs hears nothing of the values they try to reach', async () => {
    const spy = await connect('mallory');
    const seen: string[] = [];
    spy.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void seen.push(n.params.uri));
    const walking = ['context://session/../principal/walk', 'context://session/..%2Fprincipal%2Fwalk', 'context://shared/%2e%2e/principal/walk', 'context://principal/./walk', 'context://principal/walk/'];
    for (const uri of walking) await spy.subscribeResource({ uri }).catch(() => undefined);
    await set(mallory, { scope: 'principal', key: 'walk', value: 1 });
    await set(mallory, { scope: 'session', key: 'walk', value: 1 });
    await new Promise((r) => setTimeout(r, 600));
    expect(seen).toEqual([]);
    await stillServesAlice();
  });

  it('a shared namespace quota from the config (counters: 3 keys) is refused with quota', async () => {
    for (let i = 0; i < 3; i++) expect(await set(mallory, { scope: 'shared', namespace: 'counters', key: `c${i}`, value: i })).toMatchObject({ version: expect.any(Number) });
    expect(await set(alice, { scope: 'shared', namespace: 'counters', key: 'c3', value: 3 })).toMatchObject({ refused: 'quota' });
    expect(await set(alice, { scope: 'shared', namespace: 'counters', key: 'c0', value: 'overwrite' })).toMatchObject({ version: expect.any(Number) });
    await stillServesAlice();
  });

  it('a value holding __proto__ is kept as data: it pollutes nothing and does not satisfy a schema by inheritance', async () => {
    const hostile = JSON.parse('{"__proto__":{"polluted":"yes","name":"inherited"},"constructor":{"prototype":{"polluted":"yes"}}}');
    const written = await set(mallory, { scope: 'principal', key: 'proto', value: hostile });
    expect(written.version).toEqual(expect.any(Number));
    const read = JSON.parse(((await mallory.readResource({ uri: 'context://principal/proto' })).contents[0] as { text: string }).text);
    expect(Object.keys(read).sort()).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The team schema requires an own "name": one only on __proto__ is refused.
    expect(await set(alice, { scope: 'shared', namespace: 'team', key: 'proto', value: JSON.parse('{"__proto__":{"name":"inherited"}}') })).toMatchObject({ refused: 'invalid-value' });
    // A value read back by another plugin is still plain data (its keys, no inherited name).
    const viaTool = await get(mallory, { scope: 'principal', key: 'proto' });
    expect(Object.keys(viaTool.value as object).sort()).toEqual(['__proto__', 'constructor']);
    await stillServesAlice();
  });

  it('200 distinct context ids, each with a small value, stay separate; the host keeps serving', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => `many-${i}`);
    for (let i = 0; i < ids.length; i += 20) {
      const batch = await Promise.all(ids.slice(i, i + 20).map((id, j) => modernCall('mallory', 'ctx_set', { scope: 'session', key: 'n', value: i + j }, id)));
      for (const r of batch) expect((r.response?.result as { structuredContent?: Structured }).structuredContent, r.text.slice(0, 200)).toMatchObject({ version: expect.any(Number) });
    }
    for (const i of [0, 7, 99, 199]) {
      const r = await modernCall('mallory', 'ctx_get', { scope: 'session', key: 'n' }, ids[i]);
      expect((r.response?.result as { structuredContent?: Structured }).structuredContent).toMatchObject({ found: true, value: i });
    }
    // Alice, naming the same context id, has her own (empty) session scope.
    const other = await modernCall('alice', 'ctx_get', { scope: 'session', key: 'n' }, 'many-7');
    expect((other.response?.result as { structuredContent?: Structured }).structuredContent).toEqual({ found: false });
    await stillServesAlice();
  });

  it('a subscription flood is bounded: per session, per listen stream, and by URI length; the host keeps serving', async () => {
    const flood = await connect('mallory');
    // The config's protocol.maxSubscriptions is 50 here.
    for (let i = 0; i < 50; i++) await flood.subscribeResource({ uri: `context://session/k${i}` });
    await flood.subscribeResource({ uri: 'context://session/k0' }); // an existing one is not a new one
    await expect(flood.subscribeResource({ uri: 'context://session/one-too-many' })).rejects.toMatchObject({ code: -32029 });
    await flood.unsubscribeResource({ uri: 'context://session/k0' });
    await flood.subscribeResource({ uri: 'context://session/now-fits' });
    await expect(flood.subscribeResource({ uri: `context://session/${'x'.repeat(5000)}` })).rejects.toMatchObject({ code: -32602 });
    const tooMany = await openListenStream(host.url, 'flood', { resourceSubscriptions: Array.from({ length: 51 }, (_, i) => `context://principal/k${i}`) }, auth('mallory'));
    await tooMany.ended;
    expect(tooMany.events.find((e) => 'error' in e)?.error).toMatchObject({ code: -32602, message: expect.stringContaining('at most 50') });
    await stillServesAlice();
  });

  it('a write, and a refused one, leaves an audit line naming the principal, the plugin and the outcome, without the value', async () => {
    const secret = 'top-secret-value-7f3a9c';
    const written = await set(alice, { scope: 'principal', key: 'audited', value: { token: secret } });
    await set(alice, { scope: 'shared', namespace: 'team', key: 'audited', value: { name: secret } });
    let lines: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 50 && lines.length < 2; i++) {
      lines = host.logs.filter((l) => l.msg === 'context write' && typeof l.uri === 'string' && l.uri.endsWith('/audited'));
      if (lines.length < 2) await new Promise((r) => setTimeout(r, 100));
    }
    expect(lines).toEqual([
      expect.objectContaining({ context: 'set', uri: 'context://principal/audited', principal: 'service:alice', plugin: 'context-writer', outcome: 'ok', version: written.version }),
      expect.objectContaining({ context: 'set', uri: 'context://shared/team/audited', principal: 'service:alice', plugin: 'context-writer', outcome: 'ok' }),
    ]);
    // Refused writes are audited too, with the reason, and never with a hostile key or the value.
    const mark = host.logs.length;
    expect(await set(mallory, { scope: 'shared', namespace: 'team', key: 'audited', value: { name: secret } })).toMatchObject({ refused: 'forbidden' });
    expect(await set(alice, { scope: 'shared', namespace: 'team', key: 'audited', value: { title: secret } })).toMatchObject({ refused: 'invalid-value' });
    expect(await set(mallory, { scope: 'principal', key: `../${'k'.repeat(5000)}`, value: secret })).toMatchObject({ refused: 'bad-key' });
    const refusedLines = () => host.logs.slice(mark).filter((l) => l.msg === 'context write' && l.outcome !== 'ok' && l.outcome !== 'quota');
    for (let i = 0; i < 50 && refusedLines().length < 3; i++) await new Promise((r) => setTimeout(r, 100));
    expect(refusedLines()).toEqual([
      expect.objectContaining({ context: 'set', uri: 'context://shared/team/audited', principal: 'service:mallory', plugin: 'context-writer', outcome: 'forbidden' }),
      expect.objectContaining({ context: 'set', uri: 'context://shared/team/audited', principal: 'service:alice', plugin: 'context-writer', outcome: 'invalid-value' }),
      expect.objectContaining({ context: 'set', uri: 'context://principal/(invalid key)', principal: 'service:mallory', plugin: 'context-writer', outcome: 'bad-key' }),
    ]);
    // No log line at all carries the value.
    expect(host.logs.filter((l) => JSON.stringify(l).includes(secret))).toEqual([]);
    await stillServesAlice();
  });
});

describe('session scopes end after context.sessionTtlMs without a write', () => {
  let host: TestHost;
  let removeConfig: () => void;
  beforeAll(async () => {
    const config = writeConfig({ context: { sessionTtlMs: 1000 }, plugins: { watch: false } });
    removeConfig = config.remove;
    host = await startTestHost({ plugins: [WRITER, READER], args: ['--config', config.file] });
  });
  afterAll(async () => {
    await host?.stop();
    removeConfig?.();
  });

  it("a context id's values and a legacy session's values expire; the principal scope does not", async () => {
    const call = async (name: string, args: Record<string, unknown>, contextId?: string) => {
      const res = await postModern(host.url, modernRequest(`ttl-${Math.random()}`, 'tools/call', { name, arguments: args, _meta: modernMeta(contextId ? { [CONTEXT_ID]: contextId } : {}) }));
      return (res.response?.result as { structuredContent?: Structured }).structuredContent;
    };
    const { client } = await connectHttpClient(host.url);
    try {
      expect(await call('ctx_set', { scope: 'session', key: 'k', value: 1 }, 'short')).toMatchObject({ version: expect.any(Number) });
      expect(structured(await client.callTool({ name: 'ctx_set', arguments: { scope: 'session', key: 'k', value: 2 } }))).toMatchObject({ version: expect.any(Number) });
      expect(await call('ctx_set', { scope: 'principal', key: 'k', value: 3 })).toMatchObject({ version: expect.any(Number) });
      await vi.waitFor(async () => expect(await call('ctx_get', { scope: 'session', key: 'k' }, 'short')).toEqual({ found: false }), { timeout: 6_000, interval: 250 });
      await vi.waitFor(async () => expect(structured(await client.callTool({ name: 'ctx_get', arguments: { scope: 'session', key: 'k' } }))).toEqual({ found: false }), { timeout: 6_000, interval: 250 });
      expect(await call('ctx_get', { scope: 'principal', key: 'k' })).toMatchObject({ found: true, value: 3 });
    } finally {
      await client.close();
    }
  });
});

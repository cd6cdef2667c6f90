/**
 * Shared context (issue 16), end to end on one host: a tool of plugin A (context-writer) writes, a
 * tool of plugin B (context-reader) reads, over HTTP in both eras and over stdio; subscribers of the
 * same principal (legacy `resources/subscribe`, a modern listen stream) hear each write once and
 * read it as a `context://` resource; another principal can neither read, list nor hear it; values
 * outlive a reload of the writer and a crash of its worker or process, in every isolation mode; and
 * 50 concurrent compare-and-set bumps lose no update.
 *
 * Bounded: one host per describe, every wait has a timeout, everything talks to 127.0.0.1.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  connectHttpClient,
  connectModernHttpClient,
  connectStdioClient,
  connectWithToken,
  modernMeta,
  modernRequest,
  openListenStream,
  postModern,
  sha256Hex,
  startTestHost,
  writeConfig,
  type ListenStream,
  type TestHost,
} from '../harness/index.js';

const WRITER = fileURLToPath(new URL('../fixtures/context/context-writer', import.meta.url));
const READER = fileURLToPath(new URL('../fixtures/context/context-reader', import.meta.url));
const CONTEXT_ID = 'mcp-host/contextId';
const VERSION = 'mcp-host/version';
/** How long a test waits to be sure a notification does NOT come (or comes only once). */
const QUIET_MS = 600;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Structured = { found?: boolean; value?: unknown; version?: number; expiresAt?: number | null; refused?: string; message?: string; keys?: string[] };
const structured = (r: unknown): Structured => {
  const result = r as { structuredContent?: Structured; isError?: boolean; content?: Array<{ text?: string }> };
  if (!result.structuredContent) throw new Error(`no structuredContent: ${JSON.stringify(result)}`);
  return result.structuredContent;
};

interface Target {
  scope: 'session' | 'principal' | 'shared';
  key: string;
  namespace?: string;
}
const set = async (client: Client, t: Target, value: unknown) => structured(await client.callTool({ name: 'ctx_set', arguments: { ...t, value } }));
const get = async (client: Client, t: Target) => structured(await client.callTool({ name: 'ctx_get', arguments: { ...t } }));
const readText = async (client: Client, uri: string) => {
  const { contents } = await client.readResource({ uri });
  return { text: (contents[0] as { text: string }).text, meta: contents[0]!._meta as Record<string, unknown> | undefined };
};
const readError = (client: Client, uri: string) => client.readResource({ uri }).then((r) => ({ unexpected: r }), (e: unknown) => e);

/** Records every `notifications/resources/updated` URI a legacy client hears. */
function updatesOf(client: Client): string[] {
  const seen: string[] = [];
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void seen.push(n.params.uri));
  return seen;
}
const updatesIn = (stream: ListenStream) => stream.events.filter((e) => e.method === 'notifications/resources/updated').map((e) => (e.params as { uri: string }).uri);

/** A raw 2026-07-28 tools/call, with `_meta["mcp-host/contextId"]` when `contextId` is given. */
let rawId = 0;
async function modernCall(url: string, name: string, args: Record<string, unknown>, contextId?: string): Promise<Structured> {
  const res = await postModern(url, modernRequest(`raw-${++rawId}`, 'tools/call', { name, arguments: args, _meta: modernMeta(contextId ? { [CONTEXT_ID]: contextId } : {}) }));
  expect(res.status, res.text).toBe(200);
  return structured(res.response?.result);
}

describe('shared context on one host (no auth: every client is the anonymous principal)', () => {
  let host: TestHost;
  let scratch: string;
  let writerCopy: string;
  let removeConfig: () => void;
  const closers: Array<() => Promise<unknown>> = [];
  /** An SDK 1.x client, resolved once its GET stream is open (so it misses no notification sent after). */
  const legacy = async () => {
    let opened!: () => void;
    const streamOpen = new Promise<void>((resolve) => (opened = resolve));
    const spy: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if ((init?.method ?? 'GET') === 'GET' && res.status === 200) opened();
      return res;
    };
    const client = new Client({ name: 'ctx-e2e', version: '1.0.0' }, { capabilities: {} });
    const transport = new StreamableHTTPClientTransport(new URL(host.url), { fetch: spy });
    await client.connect(transport);
    closers.push(() => client.close());
    await Promise.race([streamOpen, sleep(5_000).then(() => Promise.reject(new Error('GET stream did not open')))]);
    return { client, transport };
  };

  beforeAll(async () => {
    // A copy of plugin A that the reload test rewrites under the running host.
    scratch = mkdtempSync(join(tmpdir(), 'mcp-host-context-e2e-'));
    writerCopy = join(scratch, 'context-writer');
    cpSync(WRITER, writerCopy, { recursive: true });
    const config = writeConfig({ plugins: { watch: true } });
    removeConfig = config.remove;
    host = await startTestHost({ plugins: [writerCopy, READER], args: ['--config', config.file] });
  });
  afterAll(async () => {
    for (const close of closers) await close().catch(() => undefined);
    await host?.stop();
    removeConfig?.();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('legacy HTTP: A writes the session scope, B reads it in that session; another session sees the principal scope only', async () => {
    const { client: first } = await legacy();
    const { client: second } = await legacy();
    const written = await set(first, { scope: 'session', key: 'project' }, { name: 'alpha' });
    expect(written.version).toBeGreaterThan(0);
    expect(await get(first, { scope: 'session', key: 'project' })).toEqual({ found: true, value: { name: 'alpha' }, version: written.version });
    expect(await get(second, { scope: 'session', key: 'project' })).toEqual({ found: false });
    expect(await readError(second, 'context://session/project')).toMatchObject({ code: -32002 });

    const p = await set(first, { scope: 'principal', key: 'folder' }, '/home/alpha');
    expect(await get(second, { scope: 'principal', key: 'folder' })).toEqual({ found: true, value: '/home/alpha', version: p.version });
    // The second session writes its own session value; the first one's is untouched.
    await set(second, { scope: 'session', key: 'project' }, { name: 'beta' });
    expect((await get(first, { scope: 'session', key: 'project' })).value).toEqual({ name: 'alpha' });
    expect(JSON.parse((await readText(second, 'context://session')).text)).toEqual({ keys: ['project'] });
    expect(JSON.parse((await readText(first, 'context://principal')).text).keys).toContain('folder');
  });

  it("a second legacy client and a modern listen stream of the principal hear a write once and read it with its version", async () => {
    const { client: writer } = await legacy();
    const { client: watcher } = await legacy();
    const bystander = await legacy();
    const seen = updatesOf(watcher);
    const bystanderSeen = updatesOf(bystander.client);
    // Subscribed twice (a client retrying): still one notification per write.
    await watcher.subscribeResource({ uri: 'context://principal/color' });
    await watcher.subscribeResource({ uri: 'context://principal/color' });
    await bystander.client.subscribeResource({ uri: 'context://principal/other' });
    const listener = await openListenStream(host.url, 'ctx-color', { resourceSubscriptions: ['context://principal/color', 'context://principal/color'] });
    try {
      await listener.waitFor((e) => e.method === 'notifications/subscriptions/acknowledged');

      const written = await set(writer, { scope: 'principal', key: 'color' }, 'blue');
      await vi.waitFor(() => expect(seen).toEqual(['context://principal/color']), { timeout: 5_000 });
      const update = await listener.waitFor((e) => e.method === 'notifications/resources/updated');
      expect(update.params).toMatchObject({ uri: 'context://principal/color', _meta: { 'io.modelcontextprotocol/subscriptionId': 'ctx-color' } });
      await sleep(QUIET_MS);
      expect(seen).toEqual(['context://principal/color']);
      expect(updatesIn(listener)).toEqual(['context://principal/color']);
      expect(bystanderSeen).toEqual([]);

      const read = await readText(watcher, 'context://principal/color');
      expect(JSON.parse(read.text)).toBe('blue');
      expect(read.meta?.[VERSION]).toBe(written.version);

      // A second write is a second notification, and a newer version.
      const again = await set(writer, { scope: 'principal', key: 'color' }, 'green');
      await vi.waitFor(() => expect(seen).toHaveLength(2), { timeout: 5_000 });
      expect(again.version).toBeGreaterThan(written.version!);
      expect((await readText(watcher, 'context://principal/color')).meta?.[VERSION]).toBe(again.version);
    } finally {
      listener.close();
    }
  });

  it('modern era: the session scope is the _meta contextId; none → no-session; two ids are separate; a listen stream hears only its id', async () => {
    const url = host.url;
    expect(await modernCall(url, 'ctx_set', { scope: 'session', key: 'draft', value: 'one' }, 'ctx-a')).toMatchObject({ version: expect.any(Number) });
    expect(await modernCall(url, 'ctx_get', { scope: 'session', key: 'draft' }, 'ctx-a')).toMatchObject({ found: true, value: 'one' });
    expect(await modernCall(url, 'ctx_get', { scope: 'session', key: 'draft' }, 'ctx-b')).toEqual({ found: false });
    expect(await modernCall(url, 'ctx_get', { scope: 'session', key: 'draft' })).toMatchObject({ refused: 'no-session' });
    // The principal scope needs no context id, and is the one legacy clients share.
    const { client: old } = await legacy();
    await set(old, { scope: 'principal', key: 'era' }, 'legacy wrote it');
    expect(await modernCall(url, 'ctx_get', { scope: 'principal', key: 'era' })).toMatchObject({ found: true, value: 'legacy wrote it' });

    // The SDK 2.x client, which sends no context id of its own: no session scope, principal scope fine.
    const { client: modern } = await connectModernHttpClient(url);
    closers.push(() => modern.close());
    expect(structured(await modern.callTool({ name: 'ctx_get', arguments: { scope: 'session', key: 'draft' } }))).toMatchObject({ refused: 'no-session' });
    expect(structured(await modern.callTool({ name: 'ctx_get', arguments: { scope: 'principal', key: 'era' } }))).toMatchObject({ found: true, value: 'legacy wrote it' });

    const listenA = await openListenStream(url, 'listen-a', { resourceSubscriptions: ['context://session/draft', 'context://session'] }, { meta: { [CONTEXT_ID]: 'ctx-a' } });
    const listenB = await openListenStream(url, 'listen-b', { resourceSubscriptions: ['context://session/draft', 'context://session'] }, { meta: { [CONTEXT_ID]: 'ctx-b' } });
    // A listen stream that names no context id has no session scope: it hears no session write.
    const listenNone = await openListenStream(url, 'listen-none', { resourceSubscriptions: ['context://session/draft', 'context://session'] });
    try {
      await listenA.waitFor((e) => e.method === 'notifications/subscriptions/acknowledged');
      await listenB.waitFor((e) => e.method === 'notifications/subscriptions/acknowledged');
      await listenNone.waitFor((e) => e.method === 'notifications/subscriptions/acknowledged');
      const two = await modernCall(url, 'ctx_set', { scope: 'session', key: 'draft', value: 'two' }, 'ctx-a');
      await listenA.waitFor((e) => e.method === 'notifications/resources/updated' && (e.params as { uri: string }).uri === 'context://session');
      await sleep(QUIET_MS);
      expect(updatesIn(listenA).sort()).toEqual(['context://session', 'context://session/draft']);
      expect(updatesIn(listenB)).toEqual([]);
      expect(updatesIn(listenNone)).toEqual([]);

      const read = await postModern(url, modernRequest('read-a', 'resources/read', { uri: 'context://session/draft', _meta: modernMeta({ [CONTEXT_ID]: 'ctx-a' }) }));
      const contents = (read.response?.result as { contents: Array<{ text: string; _meta: Record<string, unknown> }> }).contents;
      expect(JSON.parse(contents[0]!.text)).toBe('two');
      expect(contents[0]!._meta[VERSION]).toBe(two.version);
      const readB = await postModern(url, modernRequest('read-b', 'resources/read', { uri: 'context://session/draft', _meta: modernMeta({ [CONTEXT_ID]: 'ctx-b' }) }));
      expect(readB.response?.error?.code).toBe(-32602);
    } finally {
      listenA.close();
      listenB.close();
      listenNone.close();
    }
  });

  it('legacy: a session-scope write is heard by a subscriber in that session only, and a delete is heard too', async () => {
    const a = await legacy();
    const b = await legacy();
    const seenA = updatesOf(a.client);
    const seenB = updatesOf(b.client);
    for (const c of [a, b]) await c.client.subscribeResource({ uri: 'context://session/step' });
    await set(a.client, { scope: 'session', key: 'step' }, 1);
    await vi.waitFor(() => expect(seenA).toEqual(['context://session/step']), { timeout: 5_000 });
    await a.client.callTool({ name: 'ctx_delete', arguments: { scope: 'session', key: 'step' } });
    await vi.waitFor(() => expect(seenA).toEqual(['context://session/step', 'context://session/step']), { timeout: 5_000 });
    expect(await readError(a.client, 'context://session/step')).toMatchObject({ code: -32002 });
    await sleep(QUIET_MS);
    expect(seenB).toEqual([]);
  });

  it('a TTL ends a value; a TTL out of range is refused', async () => {
    const { client } = await legacy();
    const written = await set(client, { scope: 'principal', key: 'short-lived' }, 'soon gone');
    expect(written).toMatchObject({ expiresAt: null });
    const ttl = await structured(await client.callTool({ name: 'ctx_set', arguments: { scope: 'principal', key: 'short-lived', value: 'soon gone', ttlMs: 2500 } }));
    expect(ttl.expiresAt).toEqual(expect.any(Number));
    expect((await readText(client, 'context://principal/short-lived')).meta?.['mcp-host/expiresAt']).toBe(new Date(ttl.expiresAt as number).toISOString());
    await vi.waitFor(async () => expect(await get(client, { scope: 'principal', key: 'short-lived' })).toEqual({ found: false }), { timeout: 10_000, interval: 250 });
    for (const ttlMs of [0, -5, 2_592_000_001]) {
      expect(structured(await client.callTool({ name: 'ctx_set', arguments: { scope: 'principal', key: 'ttl-bad', value: 1, ttlMs } })), String(ttlMs)).toMatchObject({ refused: 'invalid-value' });
    }
  });

  it('values survive a reload of the plugin that wrote them', async () => {
    const { client } = await legacy();
    const s = await set(client, { scope: 'session', key: 'before-reload' }, 'kept');
    const p = await set(client, { scope: 'principal', key: 'before-reload' }, { kept: true });
    const before = updatesOf(client);
    await client.subscribeResource({ uri: 'context://principal/before-reload' });
    const index = join(writerCopy, 'index.js');
    writeFileSync(index, readFileSync(index, 'utf8').replace("'Sets a shared-context value.'", "'Sets a shared-context value (reloaded).'"));
    await vi.waitFor(async () => expect((await client.listTools()).tools.find((t) => t.name === 'ctx_set')?.description).toBe('Sets a shared-context value (reloaded).'), { timeout: 20_000, interval: 200 });
    expect(await get(client, { scope: 'session', key: 'before-reload' })).toEqual({ found: true, value: 'kept', version: s.version });
    expect(await get(client, { scope: 'principal', key: 'before-reload' })).toEqual({ found: true, value: { kept: true }, version: p.version });
    // A subscription made before the reload still hears the new generation's writes.
    await set(client, { scope: 'principal', key: 'before-reload' }, { kept: 'and rewritten' });
    await vi.waitFor(() => expect(before).toContain('context://principal/before-reload'), { timeout: 5_000 });
    // The new generation of A continues from the stored value (update reads what the old one wrote), and its write is heard.
    await set(client, { scope: 'principal', key: 'reload-counter' }, 41);
    const seen = updatesOf(client);
    await client.subscribeResource({ uri: 'context://principal/reload-counter' });
    expect(structured(await client.callTool({ name: 'ctx_bump', arguments: { scope: 'principal', key: 'reload-counter' } })).value).toBe(42);
    await vi.waitFor(() => expect(seen).toEqual(['context://principal/reload-counter']), { timeout: 5_000 });
  });

  it('a plugin writing outside a call (the CONTEXT token, its own namespace) notifies subscribers and B reads it', async () => {
    const { client } = await legacy();
    const seen = updatesOf(client);
    await client.subscribeResource({ uri: 'context://shared/counters/bg' });
    // A class tool without an output schema: its object result comes back as JSON text.
    const r = JSON.parse(((await client.callTool({ name: 'background_write', arguments: { key: 'bg', value: { from: 'background' } } })) as { content: Array<{ text: string }> }).content[0]!.text) as { version: number };
    expect(r.version).toEqual(expect.any(Number));
    await vi.waitFor(() => expect(seen).toEqual(['context://shared/counters/bg']), { timeout: 5_000 });
    expect(await get(client, { scope: 'shared', namespace: 'counters', key: 'bg' })).toEqual({ found: true, value: { from: 'background' }, version: r.version });
  });

  it('compare-and-set: 50 concurrent bumps from 5 clients (10 each) end at exactly 50', async () => {
    const clients = await Promise.all(Array.from({ length: 5 }, () => legacy()));
    const results = await Promise.all(
      clients.flatMap(({ client }) => Array.from({ length: 10 }, () => client.callTool({ name: 'ctx_bump', arguments: { scope: 'principal', key: 'cas-counter' } }, undefined, { timeout: 30_000 }))),
    );
    const values = results.map((r) => structured(r).value as number).sort((a, b) => a - b);
    // Each bump saw a distinct predecessor: 1..50, none lost, none doubled.
    expect(values).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await get(clients[0]!.client, { scope: 'principal', key: 'cas-counter' })).toMatchObject({ found: true, value: 50 });
  });
});

describe('shared context over stdio (SDK 1.x client spawning mcp-host --stdio)', () => {
  let client: Client;
  beforeAll(async () => {
    ({ client } = await connectStdioClient([WRITER, READER], undefined, ['--no-watch']));
  });
  afterAll(async () => {
    await client?.close();
  });

  it('A writes, B reads, in the session and principal scopes; the values read as context:// resources', async () => {
    const s = await set(client, { scope: 'session', key: 'cwd' }, '/srv/stdio');
    expect(await get(client, { scope: 'session', key: 'cwd' })).toEqual({ found: true, value: '/srv/stdio', version: s.version });
    const p = await set(client, { scope: 'principal', key: 'who' }, { name: 'stdio user' });
    expect(await get(client, { scope: 'principal', key: 'who' })).toEqual({ found: true, value: { name: 'stdio user' }, version: p.version });
    const read = await readText(client, 'context://session/cwd');
    expect(JSON.parse(read.text)).toBe('/srv/stdio');
    expect(read.meta?.[VERSION]).toBe(s.version);
    expect(JSON.parse((await readText(client, 'context://principal/who')).text)).toEqual({ name: 'stdio user' });
    expect(JSON.parse((await readText(client, 'context://session')).text)).toEqual({ keys: ['cwd'] });
    expect(await readError(client, 'context://session/absent')).toMatchObject({ code: -32002 });
  });

  it('lists the context resources and templates, and a subscriber hears its own writes', async () => {
    expect((await client.listResources()).resources.map((r) => r.uri)).toEqual(expect.arrayContaining(['context://session', 'context://principal']));
    expect((await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate)).toEqual(
      expect.arrayContaining(['context://session/{key}', 'context://principal/{key}', 'context://shared/{namespace}/{key}', 'context://shared/{namespace}']),
    );
    const seen = updatesOf(client);
    await client.subscribeResource({ uri: 'context://session/cwd' });
    await client.subscribeResource({ uri: 'context://principal' });
    await set(client, { scope: 'session', key: 'cwd' }, '/srv/next');
    await set(client, { scope: 'principal', key: 'other' }, 1);
    await vi.waitFor(() => expect(seen.sort()).toEqual(['context://principal', 'context://session/cwd']), { timeout: 5_000 });
    await sleep(QUIET_MS);
    expect(seen).toHaveLength(2);
  });
});

describe('shared context across principals (auth on: service tokens)', () => {
  const TOKENS = { alice: 'ctx-e2e-alice-token-0123456789', bob: 'ctx-e2e-bob-token-0123456789', carol: 'ctx-e2e-carol-token-0123456789' } as const;
  let host: TestHost;
  let removeConfig: () => void;
  const clients: Client[] = [];
  const as = async (who: keyof typeof TOKENS) => {
    const c = await connectWithToken(host.url, TOKENS[who], `ctx-${who}`);
    clients.push(c.client);
    return c.client;
  };

  beforeAll(async () => {
    const config = writeConfig({
      auth: {
        serviceTokens: [
          { name: 'alice', sha256: sha256Hex(TOKENS.alice), scopes: ['team:read'], roles: ['editor'] },
          { name: 'bob', sha256: sha256Hex(TOKENS.bob) },
          { name: 'carol', sha256: sha256Hex(TOKENS.carol), scopes: ['team:read'] },
        ],
      },
      masking: { fields: ['password'], patterns: ['card'] },
      plugins: { watch: false },
    });
    removeConfig = config.remove;
    host = await startTestHost({ plugins: [WRITER, READER], args: ['--config', config.file] });
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await host?.stop();
    removeConfig?.();
  });

  it("another principal can neither read nor list a principal's values, and a namespace it may not read is not found", async () => {
    const alice = await as('alice');
    const bob = await as('bob');
    const carol = await as('carol');
    await set(alice, { scope: 'principal', key: 'secret' }, 'alice-only');
    await set(bob, { scope: 'principal', key: 'mine' }, 'bob-only');
    expect(await readError(bob, 'context://principal/secret')).toSatisfy((e) => e instanceof McpError && e.code === -32002);
    expect(await get(bob, { scope: 'principal', key: 'secret' })).toEqual({ found: false });
    expect(JSON.parse((await readText(bob, 'context://principal')).text)).toEqual({ keys: ['mine'] });
    expect(JSON.parse((await readText(alice, 'context://principal')).text)).toEqual({ keys: ['secret'] });
    // Bob writing the same key makes his own value; Alice's is unchanged.
    await set(bob, { scope: 'principal', key: 'secret' }, 'bob wrote this');
    expect((await get(alice, { scope: 'principal', key: 'secret' })).value).toBe('alice-only');

    expect(await set(alice, { scope: 'shared', namespace: 'team', key: 'current' }, { name: 'red' })).toMatchObject({ version: expect.any(Number) });
    // Carol holds team:read and reads it; Bob does not, and the namespace reads as absent.
    expect(JSON.parse((await readText(carol, 'context://shared/team/current')).text)).toEqual({ name: 'red' });
    expect(JSON.parse((await readText(carol, 'context://shared/team')).text)).toEqual({ keys: ['current'] });
    expect(await readError(bob, 'context://shared/team')).toMatchObject({ code: -32002 });
    expect(await readError(bob, 'context://shared/team/current')).toMatchObject({ code: -32002 });
    expect(await get(bob, { scope: 'shared', namespace: 'team', key: 'current' })).toMatchObject({ refused: 'forbidden' });
    // An undeclared namespace answers exactly as a forbidden one: nothing leaks about which exist.
    const absent = (await readError(bob, 'context://shared/nope/current')) as McpError;
    const forbidden = (await readError(bob, 'context://shared/team/current')) as McpError;
    expect(absent.code).toBe(forbidden.code);
    expect(absent.message.replace('nope', 'X')).toBe(forbidden.message.replace('team', 'X'));
  });

  it("another principal subscribed to the same URI hears nothing of the first one's writes", async () => {
    const alice = await as('alice');
    const alice2 = await as('alice');
    const bob = await as('bob');
    const aliceSeen = updatesOf(alice2);
    const bobSeen = updatesOf(bob);
    await alice2.subscribeResource({ uri: 'context://principal/plan' });
    await bob.subscribeResource({ uri: 'context://principal/plan' });
    await bob.subscribeResource({ uri: 'context://principal' });
    await set(alice, { scope: 'principal', key: 'plan' }, 'ship it');
    await vi.waitFor(() => expect(aliceSeen).toEqual(['context://principal/plan']), { timeout: 5_000 });
    await sleep(QUIET_MS);
    expect(bobSeen).toEqual([]);
    // Bob's own write reaches Bob (the subscription works), and not Alice.
    await set(bob, { scope: 'principal', key: 'plan' }, 'bob plans');
    await vi.waitFor(() => expect(bobSeen.sort()).toEqual(['context://principal', 'context://principal/plan']), { timeout: 5_000 });
    await sleep(QUIET_MS);
    expect(aliceSeen).toEqual(['context://principal/plan']);
  });

  it("a modern listen stream of another principal hears nothing of the first one's principal writes", async () => {
    const alice = await as('alice');
    const bearer = (who: keyof typeof TOKENS) => ({ headers: { authorization: `Bearer ${TOKENS[who]}` } });
    const uris = ['context://principal/modern-plan', 'context://principal'];
    const aliceListen = await openListenStream(host.url, 'alice-listen', { resourceSubscriptions: uris }, bearer('alice'));
    const bobListen = await openListenStream(host.url, 'bob-listen', { resourceSubscriptions: uris }, bearer('bob'));
    try {
      await aliceListen.waitFor((e) => e.method === 'notifications/subscriptions/acknowledged');
      await bobListen.waitFor((e) => e.method === 'notifications/subscriptions/acknowledged');
      await set(alice, { scope: 'principal', key: 'modern-plan' }, 'alice plans');
      await aliceListen.waitFor((e) => e.method === 'notifications/resources/updated' && (e.params as { uri: string }).uri === 'context://principal/modern-plan');
      await sleep(QUIET_MS);
      expect(updatesIn(aliceListen).sort()).toEqual(['context://principal', 'context://principal/modern-plan']);
      expect(updatesIn(bobListen)).toEqual([]);
    } finally {
      aliceListen.close();
      bobListen.close();
    }
  });

  it('a shared namespace notifies the principals who may read it, and only them', async () => {
    const alice = await as('alice');
    const bob = await as('bob');
    const carol = await as('carol');
    const carolSeen = updatesOf(carol);
    const bobSeen = updatesOf(bob);
    await carol.subscribeResource({ uri: 'context://shared/team/notified' });
    await bob.subscribeResource({ uri: 'context://shared/team/notified' });
    const written = await set(alice, { scope: 'shared', namespace: 'team', key: 'notified' }, { name: 'heard' });
    await vi.waitFor(() => expect(carolSeen).toEqual(['context://shared/team/notified']), { timeout: 5_000 });
    expect((await readText(carol, 'context://shared/team/notified')).meta?.[VERSION]).toBe(written.version);
    await sleep(QUIET_MS);
    expect(carolSeen).toEqual(['context://shared/team/notified']);
    expect(bobSeen).toEqual([]);
  });

  it('masking applies to context values read as resources and by tools', async () => {
    const alice = await as('alice');
    const card = '4111 1111 1111 1111';
    await set(alice, { scope: 'principal', key: 'creds' }, { user: 'alice', password: 'hunter2-secret', note: `card ${card}` });
    const read = await readText(alice, 'context://principal/creds');
    expect(read.text).not.toContain('hunter2-secret');
    expect(read.text).not.toContain(card);
    expect(JSON.parse(read.text)).toMatchObject({ user: 'alice' });
    const viaTool = await alice.callTool({ name: 'ctx_get', arguments: { scope: 'principal', key: 'creds' } });
    expect(JSON.stringify(viaTool)).not.toContain('hunter2-secret');
    expect(JSON.stringify(viaTool)).not.toContain(card);
  });

  it("namespace 'team': writing without role editor is forbidden; an editor's value must match the schema", async () => {
    const alice = await as('alice');
    const bob = await as('bob');
    const carol = await as('carol');
    expect(await set(carol, { scope: 'shared', namespace: 'team', key: 'current' }, { name: 'carol' })).toMatchObject({ refused: 'forbidden' });
    expect(await set(bob, { scope: 'shared', namespace: 'team', key: 'current' }, { name: 'bob' })).toMatchObject({ refused: 'forbidden' });
    expect(await set(alice, { scope: 'shared', namespace: 'team', key: 'current' }, { name: 5 })).toMatchObject({ refused: 'invalid-value' });
    expect(await set(alice, { scope: 'shared', namespace: 'team', key: 'current' }, { title: 'no name' })).toMatchObject({ refused: 'invalid-value' });
    const ok = await set(alice, { scope: 'shared', namespace: 'team', key: 'current' }, { name: 'blue' });
    expect(ok.version).toEqual(expect.any(Number));
    // The refused writes changed nothing.
    expect(await get(carol, { scope: 'shared', namespace: 'team', key: 'current' })).toEqual({ found: true, value: { name: 'blue' }, version: ok.version });
  });
});

describe.each([{ isolation: 'worker' }, { isolation: 'process' }, { isolation: 'in-process' }] as const)('plugins with isolation: $isolation', ({ isolation }) => {
  let host: TestHost;
  let client: Client;
  let removeConfig: () => void;
  beforeAll(async () => {
    const config = writeConfig({ plugins: { isolation, watch: false } });
    removeConfig = config.remove;
    host = await startTestHost({ plugins: [WRITER, READER], args: ['--config', config.file], timeoutMs: 30_000 });
    ({ client } = await connectHttpClient(host.url));
  });
  afterAll(async () => {
    await client?.close();
    await host?.stop();
    removeConfig?.();
  });

  it('A writes, B reads (session and principal scopes, a namespace)', async () => {
    const s = await set(client, { scope: 'session', key: 'iso' }, isolation);
    expect(await get(client, { scope: 'session', key: 'iso' })).toEqual({ found: true, value: isolation, version: s.version });
    const p = await set(client, { scope: 'principal', key: 'iso' }, [isolation]);
    expect(await get(client, { scope: 'principal', key: 'iso' })).toEqual({ found: true, value: [isolation], version: p.version });
    await set(client, { scope: 'shared', namespace: 'counters', key: 'n' }, 1);
    expect(structured(await client.callTool({ name: 'ctx_bump', arguments: { scope: 'shared', namespace: 'counters', key: 'n' } })).value).toBe(2);
    expect(await get(client, { scope: 'shared', namespace: 'counters', key: 'n' })).toMatchObject({ found: true, value: 2 });
  });

  it('20 concurrent compare-and-set bumps across the runtime boundary lose none', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => client.callTool({ name: 'ctx_bump', arguments: { scope: 'principal', key: 'iso-counter' } }, undefined, { timeout: 30_000 })));
    expect(results.map((r) => structured(r).value as number).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  // In-process, a plugin's process.exit would end the host itself: there is no worker to crash.
  it.skipIf(isolation === 'in-process')(`a value written just before the ${isolation} crashes survives it; the restarted plugin reads and updates it`, async () => {
    const s = await set(client, { scope: 'session', key: 'before-crash' }, 'session value');
    await client.callTool({ name: 'ctx_crash', arguments: { scope: 'principal', key: 'crashed', value: 41 } }).catch(() => undefined);
    await vi.waitFor(() => expect(host.logs.some((l) => l.msg === 'restarting crashed plugin' && l.plugin === 'context-writer')).toBe(true), { timeout: 10_000 });
    // The restarted writer's update reads the value its crashed predecessor wrote.
    const bumped = await vi.waitFor(
      async () => {
        const r = (await client.callTool({ name: 'ctx_bump', arguments: { scope: 'principal', key: 'crashed' } })) as { isError?: boolean };
        expect(r.isError, JSON.stringify(r)).toBeFalsy();
        return structured(r);
      },
      { timeout: 20_000, interval: 300 },
    );
    expect(bumped.value).toBe(42);
    expect(await get(client, { scope: 'principal', key: 'crashed' })).toMatchObject({ found: true, value: 42 });
    expect(await get(client, { scope: 'session', key: 'before-crash' })).toEqual({ found: true, value: 'session value', version: s.version });
  });
});

/**
 * Change notifications, admin actions and catalog convergence across replicas: three real host
 * processes sharing the machine's Redis (a key prefix of their own, deleted after), each started
 * directly with its admin listener, clients connected to each replica directly. Replicas A and B
 * watch the plugin folders (each hears an edit from its watcher and from the other's, and must
 * tell its clients once); C does not, so what it serves after an edit comes over the bus.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectHttpClient, openListenStream, pluginPath, postModern, modernRequest, sha256Hex, startPrivateRedis, startTestHost, writeConfig, type ListenStream, type PrivateRedis, type TestHost } from '../harness/index.js';

const TOKEN = 'cluster-admin-token-5e1f0c7a9b';
const PREFIX = `mcp-host-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}:`;
const REDIS_URL = 'redis://127.0.0.1:6379';

/** redis-cli with the given commands on stdin, one per line (what a hostile peer on the same Redis could send). */
function redisCli(lines: string[], url = REDIS_URL): string {
  const run = spawnSync('redis-cli', ['-u', url], { input: lines.join('\n') + '\n', encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return run.stdout;
}
const channel = (topic: string) => `${PREFIX}bus:${topic}`;
/** A RESP-safe argument for redis-cli's stdin (double-quoted, escapes for quotes and backslashes). */
const arg = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** A plain-JS plugin folder; written beside and renamed in, so a watcher never reads half a file. */
function writePlugin(dir: string, id: string, tools: string[], version = '1.0.0'): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `@cluster-e2e/${id}`, version, private: true, type: 'module', main: 'index.js', engines: { 'mcp-host': '^1.0.0' }, mcpHost: { id } }));
  const entries = tools.map((t) => `    { name: ${JSON.stringify(t)}, description: 'the ${t} tool', handler: async () => ${JSON.stringify(t)} },`);
  writeFileSync(join(dir, 'index.js.next'), [`import { definePlugin } from '@mcp-host/sdk';`, `export default definePlugin({`, `  tools: [`, ...entries, `  ],`, `});`].join('\n'));
  renameSync(join(dir, 'index.js.next'), join(dir, 'index.js'));
}

function admin(host: TestHost, path: string, method = 'POST', body?: unknown) {
  return fetch(`${host.adminUrl}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
}

/** An SDK 1.x client that counts tools/list_changed, resolved once its GET stream (where they arrive) is open. */
async function connectLegacy(url: string) {
  let opened!: () => void;
  const streamOpen = new Promise<void>((resolve) => (opened = resolve));
  const spy = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const res = await fetch(input, init);
    if ((init?.method ?? 'GET') === 'GET' && res.status === 200) opened();
    return res;
  };
  const client = new Client({ name: 'cluster-e2e-legacy', version: '1.0.0' }, { capabilities: {} });
  let changes = 0;
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => void changes++);
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { fetch: spy }));
  await streamOpen;
  return { client, changes: () => changes };
}

const toolsListChanged = (s: ListenStream) => s.events.filter((e) => e.method === 'notifications/tools/list_changed').length;
/** The admin event feed of a replica (recent events first), read until `done` holds. */
async function readFeed(host: TestHost, done: (events: Array<Record<string, unknown>>) => boolean): Promise<Array<Record<string, unknown>>> {
  const res = await fetch(`${host.adminUrl}/admin/api/events`, { headers: { authorization: `Bearer ${TOKEN}`, accept: 'text/event-stream' }, signal: AbortSignal.timeout(5_000) });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: Array<Record<string, unknown>> = [];
  let buffer = '';
  try {
    while (!done(events)) {
      const { value, done: end } = await reader.read();
      if (end) break;
      buffer += value;
      for (let i: number; (i = buffer.indexOf('\n\n')) !== -1; buffer = buffer.slice(i + 2)) {
        const data = buffer.slice(0, i).split('\n').find((l) => l.startsWith('data: '));
        if (data) events.push(JSON.parse(data.slice(6)) as Record<string, unknown>);
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return events;
}

async function toolNames(url: string): Promise<string[]> {
  const res = await postModern(url, modernRequest(1, 'tools/list'));
  return ((res.response?.result?.tools as Array<{ name: string }> | undefined) ?? []).map((t) => t.name).sort();
}

let root: string;
let plugins: string;
let counter: string;
const replicas: TestHost[] = [];
let A: TestHost, B: TestHost, C: TestHost;

function configFor(replicaId: string, redisUrl: string) {
  return writeConfig({
    cluster: { redisUrl, replicaId, keyPrefix: PREFIX },
    protocol: { requestStateSecret: 'cluster-notify-e2e-secret-0123456789' },
    admin: { port: 0, tokenSha256: [sha256Hex(TOKEN)] },
    server: { quotas: { listenStreamsPerPrincipal: 1000 } },
    plugins: { isolation: 'in-process' },
  });
}
const configs: Array<ReturnType<typeof writeConfig>> = [];
async function startReplica(replicaId: string, watch: boolean, redisUrl = REDIS_URL): Promise<TestHost> {
  const c = configFor(replicaId, redisUrl);
  configs.push(c);
  const host = await startTestHost({ plugins: [plugins, pluginPath('example-notes')], args: ['--config', c.file, '--admin-port', '0', '--log-level', 'info', ...(watch ? [] : ['--no-watch'])], timeoutMs: 60_000 });
  replicas.push(host);
  return host;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'mcp-host-cluster-notify-'));
  plugins = join(root, 'plugins');
  counter = join(plugins, 'counter');
  writePlugin(counter, 'counter', ['step_0']);
  writePlugin(join(plugins, 'gamma'), 'gamma', ['gamma_tool']);
  writePlugin(join(plugins, 'alpha-1'), 'alpha', ['alpha_one'], '1.0.0');
  writePlugin(join(plugins, 'alpha-2'), 'alpha', ['alpha_one', 'alpha_two'], '2.0.0');
  [A, B, C] = await Promise.all([startReplica('replica-a', true), startReplica('replica-b', true), startReplica('replica-c', false)]);
}, 120_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  for (const c of configs) c.remove();
  if (root) rmSync(root, { recursive: true, force: true });
  redisCli([`EVAL "for _,k in ipairs(redis.call('keys', ARGV[1])) do redis.call('del', k) end" 0 ${arg(`${PREFIX}*`)}`]);
});

describe('cluster: notifications announced anywhere reach every client', () => {
  it('a listen stream on A hears resources/updated from a plugin call on B, and list_changed after an admin disable sent to C', async () => {
    const updates = await openListenStream(A.url, 'a-updates', { resourceSubscriptions: ['notes://all'], toolsListChanged: true });
    try {
      await updates.waitFor((e) => e.method === 'notifications/subscriptions/acknowledged');
      const onB = await connectHttpClient(B.url);
      await onB.client.callTool({ name: 'add_note', arguments: { title: 'from B', body: 'crosses replicas' } });
      await onB.client.close();
      const update = await updates.waitFor((e) => e.method === 'notifications/resources/updated', 5_000);
      expect(update.params).toMatchObject({ uri: 'notes://all', _meta: { 'io.modelcontextprotocol/subscriptionId': 'a-updates' } });

      expect(await toolNames(A.url)).toContain('gamma_tool');
      const disabled = await admin(C, '/admin/api/plugins/gamma/disable');
      expect(disabled.status).toBe(200);
      expect(((await disabled.json()) as { note: string }).note).toMatch(/shared by the replicas/);
      await updates.waitFor((e) => e.method === 'notifications/tools/list_changed', 5_000);
      for (const r of [A, B, C]) expect(await toolNames(r.url), r.url).not.toContain('gamma_tool');
      // Audited once, where it was received; each replica's feed shows it.
      await vi.waitFor(() => expect(replicas.flatMap((r) => r.logs.filter((l) => l.audit === true && l.action === 'disable')).length).toBe(1));
      expect(C.logs.some((l) => l.audit === true && l.action === 'disable')).toBe(true);

      const enabled = await admin(A, '/admin/api/plugins/gamma/enable');
      expect(enabled.status).toBe(200);
      await vi.waitFor(async () => {
        for (const r of [A, B, C]) expect(await toolNames(r.url), r.url).toContain('gamma_tool');
      }, { timeout: 5_000, interval: 50 });
      expect(toolsListChanged(updates)).toBe(2);
    } finally {
      updates.close();
    }
  });
});

describe('cluster: admin actions converge', () => {
  const everywhere = (check: (tools: string[]) => void) =>
    vi.waitFor(async () => {
      for (const r of [A, B, C]) check(await toolNames(r.url));
    }, { timeout: 5_000, interval: 50 });

  it('pin on B, unpin on C, rollback on A: every replica serves the same version, and every feed shows each action', async () => {
    await everywhere((tools) => expect(tools).toContain('alpha_two'));
    expect((await admin(B, '/admin/api/plugins/alpha/pin', 'POST', { version: '1.0.0' })).status).toBe(200);
    await everywhere((tools) => expect(tools).not.toContain('alpha_two'));
    const pinned = await readFeed(C, (events) => events.some((e) => e.type === 'admin' && e.action === 'pin'));
    expect(pinned.find((e) => e.type === 'admin' && e.action === 'pin')).toMatchObject({ plugin: 'alpha', replica: 'replica-b', principal: expect.any(String), outcome: 'ok' });

    expect((await admin(C, '/admin/api/plugins/alpha/pin', 'DELETE')).status).toBe(200);
    await everywhere((tools) => expect(tools).toContain('alpha_two'));
    // A served 1.0.0 before 2.0.0 came back: that is what its rollback pins, on every replica.
    const rollback = await admin(A, '/admin/api/plugins/alpha/rollback');
    expect(rollback.status).toBe(200);
    await everywhere((tools) => expect(tools).not.toContain('alpha_two'));
    expect((await admin(A, '/admin/api/plugins/alpha/pin', 'DELETE')).status).toBe(200);
    await everywhere((tools) => expect(tools).toContain('alpha_two'));
    expect(redisCli([`HGET ${arg(`${PREFIX}overlay`)} alpha`]).trim()).toBe('');
    const audits = replicas.flatMap((r) => r.logs.filter((l) => l.audit === true && l.plugin === 'alpha').map((l) => l.action));
    expect(audits.sort()).toEqual(['pin', 'rollback', 'unpin', 'unpin']);
  });
});

describe('cluster: catalog convergence', () => {
  it('50 reloads of a watched folder: each of 300 clients over 3 replicas hears exactly 50 tools list_changed', async () => {
    const RELOADS = 50;
    const urls = [A.url, B.url, C.url];
    // 80 modern listen streams and 20 legacy SDK 1.x sessions (GET stream on their own replica) per replica.
    const listens: ListenStream[] = [];
    const legacy: Array<Awaited<ReturnType<typeof connectLegacy>>> = [];
    for (const url of urls) {
      for (let i = 0; i < 80; i += 8) listens.push(...(await Promise.all(Array.from({ length: 8 }, (_, j) => openListenStream(url, `l-${i + j}`, { toolsListChanged: true })))));
      for (let i = 0; i < 20; i += 5) legacy.push(...(await Promise.all(Array.from({ length: 5 }, () => connectLegacy(url)))));
    }
    try {
      await Promise.all(listens.map((l) => l.waitFor((e) => e.method === 'notifications/subscriptions/acknowledged')));
      const counts = () => [...listens.map(toolsListChanged), ...legacy.map((l) => l.changes())];
      expect(counts()).toHaveLength(300);
      const started = Date.now();
      let slowest = 0;
      for (let n = 1; n <= RELOADS; n++) {
        const t0 = Date.now();
        // A tool added each time (removing one would be a breaking change, refused without a major version).
        writePlugin(counter, 'counter', Array.from({ length: n + 1 }, (_, i) => `step_${i}`));
        // The next edit waits until every client heard this one: each edit is a distinct swap on every replica.
        await vi.waitFor(() => expect(Math.min(...counts())).toBeGreaterThanOrEqual(n), { timeout: 10_000, interval: 10 });
        slowest = Math.max(slowest, Date.now() - t0);
      }
      // Late duplicates would arrive now.
      await new Promise((r) => setTimeout(r, 1_000));
      const final = counts();
      const wrong = final.map((c, i) => ({ client: i, count: c })).filter((x) => x.count !== RELOADS);
      expect(wrong).toEqual([]);
      for (const url of urls) expect(await toolNames(url)).toContain(`step_${RELOADS}`);
      console.log(`cluster convergence: ${RELOADS} reloads × 300 clients in ${Date.now() - started} ms, slowest edit → last client ${slowest} ms`);
    } finally {
      for (const l of listens) l.close();
      await Promise.all(legacy.map((l) => l.client.close().catch(() => undefined)));
    }
  }, 90_000);
});

describe('cluster: hostile', () => {
  it('a flood of admin actions on every replica does not wedge them, and they end the same as the overlay in Redis', async () => {
    const actions = Array.from({ length: 60 }, (_, i) => admin([A, B, C][i % 3]!, `/admin/api/plugins/gamma/${i % 2 ? 'enable' : 'disable'}`).then((r) => r.status));
    const statuses = await Promise.all(actions);
    expect(statuses.every((s) => s === 200)).toBe(true);
    for (const r of [A, B, C]) expect((await fetch(`${r.adminUrl}/livez`)).status).toBe(200);
    const inRedis = () => redisCli([`HGET ${arg(`${PREFIX}overlay`)} gamma`]).trim();
    // Converged within the bus and, at worst, the revision check (5 s) after it.
    await vi.waitFor(async () => {
      const disabled = inRedis().includes('"enabled":false');
      for (const r of [A, B, C]) expect((await toolNames(r.url)).includes('gamma_tool'), r.url).toBe(!disabled);
    }, { timeout: 12_000, interval: 200 });
  }, 30_000);

  it('garbage and floods on the bus are ignored or coalesced: no folder outside the plugin paths is read, the replicas keep serving', async () => {
    const before = Object.fromEntries([A, B, C].map((r) => [r.url, r.logs.length]));
    const lines: string[] = [];
    const pub = (topic: string, message: unknown) => lines.push(`PUBLISH ${arg(channel(topic))} ${arg(typeof message === 'string' ? message : JSON.stringify(message))}`);
    pub('admin', 'not json');
    pub('admin', { from: 'evil', m: { action: 'format-disk', id: 'gamma' } });
    pub('admin', { from: 'evil', m: { action: 'reload', id: '../../etc' } });
    pub('reload', { from: 'evil', m: { root: 0, name: '..' } });
    pub('reload', { from: 'evil', m: { root: 0, name: '../../../etc' } });
    pub('reload', { from: 'evil', m: { root: 99, name: 'gamma' } });
    pub('reload', { from: 'evil', m: { root: 0, name: 'no-such-folder' } });
    pub('notify', { from: 'evil', m: { listChanged: 'everything' } });
    pub('notify', { from: 'evil', m: { resourceUpdated: 'x'.repeat(100_000) } });
    for (let i = 0; i < 3000; i++) pub('admin', { from: 'evil', m: { action: 'reload', id: 'gamma', by: 'evil' } });
    for (let i = 0; i < 3000; i++) pub('reload', { from: 'evil', m: { root: 0, name: 'gamma' } });
    const flooded = Date.now();
    redisCli(lines);
    for (const r of [A, B, C]) {
      expect((await fetch(`${r.adminUrl}/livez`, { signal: AbortSignal.timeout(2_000) })).status).toBe(200);
      expect(await toolNames(r.url)).toContain('step_50');
    }
    await new Promise((r) => setTimeout(r, 1_500));
    for (const r of [A, B, C]) {
      const fresh = r.logs.slice(before[r.url]);
      // 6,000 reload requests of one folder: at most one reload per 250 ms for each way of asking (a folder, a plugin), plus the trailing ones.
      const reloads = fresh.filter((l) => l.msg === 'plugin replaced' && l.plugin === 'gamma').length;
      expect(reloads, r.url).toBeLessThanOrEqual(2 * (Math.ceil((Date.now() - flooded) / 250) + 1));
      expect(fresh.some((l) => typeof l.path === 'string' && !String(l.path).startsWith(plugins) && !String(l.path).includes('example-notes')), r.url).toBe(false);
    }
  }, 30_000);

  it('a replica that joins late serves with the overlay the others have from its first answer', async () => {
    expect((await admin(B, '/admin/api/plugins/gamma/disable')).status).toBe(200);
    const D = await startReplica('replica-d', false);
    expect(await toolNames(D.url)).not.toContain('gamma_tool');
    expect(D.logs.some((l) => String(l.msg).startsWith('serving with the overlay the replicas share'))).toBe(true);
    expect((await admin(D, '/admin/api/plugins/gamma/enable')).status).toBe(200);
    await vi.waitFor(async () => {
      for (const r of [A, B, C, D]) expect(await toolNames(r.url), r.url).toContain('gamma_tool');
    }, { timeout: 5_000, interval: 50 });
  }, 30_000);
});

describe('cluster: Redis down and back', () => {
  // A Redis of this test's own (the machine's is shared with other suites): killed and started again empty.
  let redis: PrivateRedis;
  let url: string;
  let R1: TestHost, R2: TestHost;
  const ready = async (r: TestHost) => (await fetch(`${r.adminUrl}/readyz`)).status;
  const overlayKey = arg(`${PREFIX}overlay`);

  beforeAll(async () => {
    redis = await startPrivateRedis();
    url = redis.url;
    [R1, R2] = await Promise.all([startReplica('down-1', false, url), startReplica('down-2', false, url)]);
  }, 120_000);
  afterAll(async () => {
    await redis?.kill();
  });

  it('refuses overlay actions while Redis is down, writes the overlay back when Redis returns empty, and applies a change it missed', async () => {
    expect((await admin(R1, '/admin/api/plugins/gamma/disable')).status).toBe(200);
    await vi.waitFor(async () => expect(await toolNames(R2.url)).not.toContain('gamma_tool'), { timeout: 5_000, interval: 50 });

    await redis.kill();
    await vi.waitFor(async () => {
      for (const r of [R1, R2]) expect(await ready(r)).toBe(503);
    }, { timeout: 5_000, interval: 50 });
    const refused = await admin(R1, '/admin/api/plugins/gamma/enable');
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: string }).error).toMatch(/Redis is down/);
    const reload = await admin(R1, '/admin/api/plugins/counter/reload');
    expect(reload.status).toBe(200);
    expect(((await reload.json()) as { message: string }).message).toMatch(/applied on this replica only/);
    // Still serving what needs no shared state.
    expect(await toolNames(R1.url)).toContain('step_0');

    await redis.start();
    await vi.waitFor(async () => {
      for (const r of [R1, R2]) expect(await ready(r)).toBe(200);
    }, { timeout: 5_000, interval: 50 });
    // Redis came back empty: the replicas put back the overlay they serve with.
    await vi.waitFor(() => expect(redisCli([`HGET ${overlayKey} gamma`], url)).toContain('"enabled":false'), { timeout: 5_000, interval: 50 });
    for (const r of [R1, R2]) {
      expect(await toolNames(r.url)).not.toContain('gamma_tool');
      expect(r.logs.filter((l) => String(l.msg).startsWith('Redis is down')).length, r.url).toBe(1);
      expect(r.logs.filter((l) => String(l.msg).startsWith('Redis is back')).length, r.url).toBe(1);
    }

    // A change no bus message told of (as if it were lost): found by the revision check.
    redisCli([`HDEL ${overlayKey} gamma`, `HINCRBY ${overlayKey} _rev 1`], url);
    await vi.waitFor(async () => {
      for (const r of [R1, R2]) expect(await toolNames(r.url), r.url).toContain('gamma_tool');
    }, { timeout: 8_000, interval: 100 });
  }, 40_000);
});

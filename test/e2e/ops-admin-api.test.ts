/**
 * The admin API end to end: a real `mcp-host` process with an admin listener (`--admin-port 0`,
 * an admin token in a config file), plain-JavaScript plugins written to a temp folder (two versions
 * of `alpha` side by side, and `beta`), real MCP clients of both eras watching what the actions do,
 * and hostile callers (no or wrong token, token in the URL, too many event streams, big bodies,
 * traversal in the plugin id).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openListenStream, sha256Hex, startTestHost, writeConfig, type TestHost } from '../harness/index.js';

const TOKEN = 'admin-e2e-token-4f7d2a9c1b';
const WAIT = { timeout: 10_000, interval: 25 } as const;

function createPlugin(parent: string, folder: string, id: string, version: string, tools: Array<{ name: string; returns: string; scopes?: string[] }>): string {
  const dir = join(parent, folder);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `@admin-e2e/${folder}`, version, private: true, type: 'module', main: 'index.js', engines: { 'mcp-host': '^1.0.0' }, mcpHost: { id } }));
  const entries = tools.map((t) => `    { name: ${JSON.stringify(t.name)}, description: 'the ${t.name} tool', ${t.scopes ? `scopes: ${JSON.stringify(t.scopes)}, ` : ''}handler: async () => ${JSON.stringify(t.returns)} },`);
  writeFileSync(join(dir, 'index.js'), [`import { definePlugin } from '@mcp-host/sdk';`, `export default definePlugin({`, `  tools: [`, ...entries, `  ],`, `});`].join('\n'));
  return dir;
}

/** A fetch on the admin listener with the admin token (or the headers given). */
function admin(host: TestHost, path: string, init: { method?: string; body?: string; headers?: Record<string, string>; token?: string | null } = {}) {
  const headers: Record<string, string> = { ...(init.token === null ? {} : { authorization: `Bearer ${init.token ?? TOKEN}` }), ...init.headers };
  if (init.body !== undefined) headers['content-type'] ??= 'application/json';
  return fetch(`${host.adminUrl}${path}`, { method: init.method ?? 'GET', headers, body: init.body });
}

async function json<T = any>(res: Response | Promise<Response>): Promise<{ status: number; body: T; headers: Headers }> {
  const r = await res;
  return { status: r.status, body: (await r.json()) as T, headers: r.headers };
}

/** An SDK 1.x client over Streamable HTTP, resolved once its GET stream (where list_changed arrives) is open. */
async function connectLegacy(url: string) {
  let opened!: () => void;
  const streamOpen = new Promise<void>((resolve) => (opened = resolve));
  const spy = async (input: string | URL, init?: RequestInit): Promise<Response> => {
    const res = await fetch(input, init);
    if ((init?.method ?? 'GET') === 'GET' && res.status === 200 && (res.headers.get('content-type') ?? '').includes('text/event-stream')) opened();
    return res;
  };
  const client = new Client({ name: 'admin-e2e-legacy', version: '1.0.0' }, { capabilities: {} });
  let toolsChanged = 0;
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => void toolsChanged++);
  const transport = new StreamableHTTPClientTransport(new URL(url), { fetch: spy });
  await client.connect(transport);
  await streamOpen;
  return { client, transport, changes: () => toolsChanged };
}

const toolNames = async (client: Client) => (await client.listTools()).tools.map((t) => t.name).sort();
const callText = async (client: Client, name: string) => ((await client.callTool({ name, arguments: {} })) as { content: Array<{ text: string }> }).content[0]!.text;
const auditLines = (host: TestHost, action: string) => host.logs.filter((l) => l.audit === true && l.action === action);

let root: string;
let plugins: string;
let host: TestHost;
let config: ReturnType<typeof writeConfig>;
let legacy: Awaited<ReturnType<typeof connectLegacy>>;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'mcp-host-admin-api-'));
  plugins = join(root, 'plugins');
  createPlugin(plugins, 'alpha-1', 'alpha', '1.0.0', [{ name: 'alpha_one', returns: 'one v1' }]);
  createPlugin(plugins, 'alpha-2', 'alpha', '2.0.0', [{ name: 'alpha_one', returns: 'one v2' }, { name: 'alpha_two', returns: 'two v2' }]);
  createPlugin(plugins, 'beta', 'beta', '1.0.0', [{ name: 'beta_read', returns: 'beta', scopes: ['beta.read'] }]);
  config = writeConfig({ admin: { port: 0, tokenSha256: [sha256Hex(TOKEN)] } });
  host = await startTestHost({ plugins: [plugins], args: ['--config', config.file, '--admin-port', '0'] });
  legacy = await connectLegacy(host.url);
}, 30_000);

afterAll(async () => {
  await legacy?.client.close().catch(() => undefined);
  await host?.stop();
  config?.remove();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('admin API: who may call it', () => {
  it('refuses a request without a token 401 with a Bearer challenge, and a wrong token 401 invalid_token', async () => {
    const none = await json(admin(host, '/admin/api/plugins', { token: null }));
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer realm="mcp-host admin"/);
    expect(none.body.error).toMatch(/Authorization: Bearer/);
    const wrong = await json(admin(host, '/admin/api/plugins', { token: 'not-the-token' }));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const basic = await admin(host, '/admin/api/plugins', { token: null, headers: { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` } });
    expect(basic.status).toBe(401);
  });

  it('does not accept the token in the query string', async () => {
    for (const q of [`access_token=${TOKEN}`, `token=${TOKEN}`, `authorization=Bearer%20${TOKEN}`]) {
      const res = await admin(host, `/admin/api/plugins?${q}`, { token: null });
      expect(res.status, q).toBe(401);
    }
    const sse = await admin(host, `/admin/api/events?access_token=${TOKEN}`, { token: null });
    expect(sse.status).toBe(401);
  });

  it('protects every route and action, but not /livez, /readyz, /metrics or the UI files', async () => {
    for (const [method, path] of [['GET', '/admin/api/catalog'], ['GET', '/admin/api/reloads'], ['GET', '/admin/api/sessions'], ['GET', '/admin/api/stats'], ['GET', '/admin/api/events'], ['POST', '/admin/api/plugins/alpha/reload'], ['POST', '/admin/api/plugins/alpha/disable'], ['DELETE', '/admin/api/plugins/alpha/pin']] as const) {
      expect((await admin(host, path, { method, token: null })).status, `${method} ${path}`).toBe(401);
    }
    expect((await admin(host, '/livez', { token: null })).status).toBe(200);
    expect((await admin(host, '/readyz', { token: null })).status).toBe(200);
    expect((await admin(host, '/metrics', { token: null })).status).toBe(200);
    const page = await admin(host, '/admin/', { token: null });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('<div id="app">');
    // Nothing of the plugins the data routes would tell is in the page.
    expect((await admin(host, '/admin', { token: null })).url).toMatch(/\/admin\/$/);
    // No admin call reached the audit trail unauthenticated.
    expect(auditLines(host, 'disable')).toEqual([]);
  });

  it('answers 403 naming the keys to set when no admin is configured', async () => {
    const bare = await startTestHost({ plugins: [plugins], args: ['--admin-port', '0'] });
    try {
      const res = await json(fetch(`${bare.adminUrl}/admin/api/plugins`, { headers: { authorization: `Bearer ${TOKEN}` } }));
      expect(res.status).toBe(403);
      expect(res.body.error).toContain('admin.tokenSha256');
      expect(res.body.error).toContain('admin.scope');
      expect((await fetch(`${bare.adminUrl}/livez`)).status).toBe(200);
    } finally {
      await bare.stop();
    }
  });
});

describe('admin API: what it reads', () => {
  it('lists every version found, the serving one, and isolation', async () => {
    const { status, body } = await json(admin(host, '/admin/api/plugins'));
    expect(status).toBe(200);
    const alpha = body.plugins.find((p: any) => p.id === 'alpha');
    expect(alpha).toMatchObject({ state: 'serving', serving: { version: '2.0.0', path: join(plugins, 'alpha-2') }, isolation: 'worker', override: {} });
    expect(alpha.versions.map((v: any) => [v.version, v.serving]).sort()).toEqual([['1.0.0', false], ['2.0.0', true]]);
    // The older copy is reported as not serving because the newer one does.
    expect(alpha.problems.map((p: any) => p.code)).toContain('MCPH_PLUGIN_DUPLICATE_ID');
    expect(body.plugins.find((p: any) => p.id === 'beta')).toMatchObject({ state: 'serving', serving: { version: '1.0.0' } });
    expect(body.note).toMatch(/restart/);
  });

  it('lists the catalog with plugin@version and required scopes', async () => {
    const { body } = await json(admin(host, '/admin/api/catalog'));
    const byName = new Map(body.items.map((i: any) => [i.name, i]));
    expect(byName.get('alpha_two')).toMatchObject({ kind: 'tool', plugin: 'alpha', version: '2.0.0', scopes: [] });
    expect(byName.get('beta_read')).toMatchObject({ kind: 'tool', plugin: 'beta', version: '1.0.0', scopes: ['beta.read'] });
    // Without auth nothing is enforced, and the answer says so.
    expect(body.enforced).toBe(false);
  });

  it('shows sessions, GET and listen streams per principal, without session ids', async () => {
    const listen = await openListenStream(host.url, 'admin-e2e-listen', { toolsListChanged: true });
    try {
      await vi.waitFor(async () => {
        const { body } = await json(admin(host, '/admin/api/sessions'));
        expect(body.totals.sessions).toBeGreaterThanOrEqual(1);
        expect(body.totals.getStreams).toBeGreaterThanOrEqual(1);
        expect(body.totals.listenStreams).toBe(1);
        expect(body.principals).toContainEqual(expect.objectContaining({ principal: 'anonymous', listenStreams: 1 }));
        expect(body.sessions).toContainEqual(expect.objectContaining({ client: 'admin-e2e-legacy@1.0.0', getStream: true, initialized: true }));
      }, WAIT);
      const text = await (await admin(host, '/admin/api/sessions')).text();
      expect(text).not.toContain(legacy.transport.sessionId!);
    } finally {
      listen.close();
    }
  });

  it('answers stats with nothing while the call histogram is not recorded', async () => {
    const { status, body } = await json(admin(host, '/admin/api/stats'));
    expect(status).toBe(200);
    expect(body.metric).toBe('mcp_server_operation_duration_seconds');
    if (!body.present) expect(body.plugins).toEqual([]);
  });
});

describe('admin API: actions and what MCP clients see', () => {
  it('disable removes the plugin: a real client gets tools/list_changed and no longer sees its tools; enable brings it back', async () => {
    expect(await toolNames(legacy.client)).toEqual(['alpha_one', 'alpha_two', 'beta_read']);
    const before = legacy.changes();
    const off = await json(admin(host, '/admin/api/plugins/alpha/disable', { method: 'POST' }));
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ ok: true, action: 'disable', plugin: 'alpha', reload: { outcome: 'unloaded' } });
    await vi.waitFor(() => expect(legacy.changes()).toBeGreaterThan(before), WAIT);
    expect(await toolNames(legacy.client)).toEqual(['beta_read']);
    const listed = await json(admin(host, '/admin/api/plugins'));
    expect(listed.body.plugins.find((p: any) => p.id === 'alpha')).toMatchObject({ state: 'disabled', override: { enabled: false } });

    const on = await json(admin(host, '/admin/api/plugins/alpha/enable', { method: 'POST' }));
    expect(on.body).toMatchObject({ ok: true, reload: { outcome: 'loaded', version: '2.0.0' } });
    expect(await toolNames(legacy.client)).toEqual(['alpha_one', 'alpha_two', 'beta_read']);

    // The host's stderr arrives when it arrives: wait for the lines.
    await vi.waitFor(() => {
      expect(auditLines(host, 'disable').at(-1)).toMatchObject({ audit: true, admin: true, action: 'disable', plugin: 'alpha', outcome: 'ok', principal: `service:admin-token-${sha256Hex(TOKEN).slice(0, 12)}` });
      expect(auditLines(host, 'enable').at(-1)).toMatchObject({ plugin: 'alpha', outcome: 'ok' });
    }, WAIT);
  });

  it('pin serves an older version until unpinned; unpin goes back to the newest', async () => {
    const pin = await json(admin(host, '/admin/api/plugins/alpha/pin', { method: 'POST', body: JSON.stringify({ version: '1.0.0' }) }));
    expect(pin.status).toBe(200);
    expect(pin.body).toMatchObject({ ok: true, reload: { outcome: 'replaced', version: '1.0.0' } });
    expect(await toolNames(legacy.client)).toEqual(['alpha_one', 'beta_read']);
    expect(await callText(legacy.client, 'alpha_one')).toBe('one v1');
    const listed = await json(admin(host, '/admin/api/plugins'));
    expect(listed.body.plugins.find((p: any) => p.id === 'alpha')).toMatchObject({ serving: { version: '1.0.0' }, override: { pinned: '1.0.0' }, previousVersion: '2.0.0' });

    const unpin = await json(admin(host, '/admin/api/plugins/alpha/pin', { method: 'DELETE' }));
    expect(unpin.body).toMatchObject({ ok: true, action: 'unpin', reload: { version: '2.0.0' } });
    expect(await callText(legacy.client, 'alpha_one')).toBe('one v2');

    const missing = await json(admin(host, '/admin/api/plugins/alpha/pin', { method: 'POST', body: JSON.stringify({ version: '9.9.9' }) }));
    expect(missing.status).toBe(409);
    expect(missing.body.message).toMatch(/no folder .* holds alpha@9\.9\.9 \(found: .*1\.0\.0.*\)/);
    await vi.waitFor(() => expect(auditLines(host, 'pin').map((l) => l.outcome)).toEqual(['ok', 'refused']), WAIT);
  });

  it('rollback returns to the previous generation\'s version, and says clearly when it cannot', async () => {
    const back = await json(admin(host, '/admin/api/plugins/alpha/rollback', { method: 'POST' }));
    expect(back.status).toBe(200);
    expect(back.body.message).toMatch(/rolled back to 1\.0\.0/);
    expect(await callText(legacy.client, 'alpha_one')).toBe('one v1');

    const never = await json(admin(host, '/admin/api/plugins/beta/rollback', { method: 'POST' }));
    expect(never.status).toBe(409);
    expect(never.body).toMatchObject({ ok: false, message: expect.stringMatching(/no previous generation/) });

    // Back to 2.0.0, then remove the 1.0.0 folder: there is nothing left to roll back to.
    await json(admin(host, '/admin/api/plugins/alpha/pin', { method: 'DELETE' }));
    expect(await callText(legacy.client, 'alpha_one')).toBe('one v2');
    rmSync(join(plugins, 'alpha-1'), { recursive: true, force: true });
    const gone = await json(admin(host, '/admin/api/plugins/alpha/rollback', { method: 'POST' }));
    expect(gone.status).toBe(409);
    expect(gone.body.message).toMatch(/cannot roll back alpha to 1\.0\.0: no folder/);
    expect(await callText(legacy.client, 'alpha_one')).toBe('one v2');
  });

  it('reload reloads now; the reload history has durations and diffs; the feed shows the admin events', async () => {
    const res = await json(admin(host, '/admin/api/plugins/beta/reload', { method: 'POST' }));
    expect(res.body).toMatchObject({ ok: true, reload: { outcome: 'replaced', version: '1.0.0' } });
    const { body } = await json(admin(host, '/admin/api/reloads'));
    expect(body.reloads[0]).toMatchObject({ pluginId: 'beta', outcome: 'replaced', durationMs: expect.any(Number) });
    const pinned = body.reloads.find((r: any) => r.pluginId === 'alpha' && r.version === '1.0.0' && r.outcome === 'replaced');
    expect(pinned.changed).toContain('tools');
    // Going back from 2.0.0 to 1.0.0 took alpha_two away and kept alpha_one as it was declared.
    expect(pinned.items.tools).toMatchObject({ added: [], removed: ['alpha_two'] });
    expect(pinned.items.prompts).toEqual({ added: [], removed: [], changed: [] });

    const events = await readFeed(host, (e) => e.some((x) => x.type === 'admin' && x.action === 'reload' && x.plugin === 'beta'));
    expect(events.filter((e) => e.type === 'admin').map((e) => e.action)).toEqual(expect.arrayContaining(['disable', 'enable', 'pin', 'unpin', 'rollback', 'reload']));
    expect(events.some((e) => e.type === 'reload' && e.plugin === 'alpha' && e.outcome === 'unloaded')).toBe(true);
  });
});

/** Reads the admin event stream until `done(events)` holds, then closes it. */
async function readFeed(h: TestHost, done: (events: any[]) => boolean): Promise<any[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 10_000);
  const res = await admin(h, '/admin/api/events', { headers: { accept: 'text/event-stream' } });
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: any[] = [];
  let buffer = '';
  try {
    while (!done(events)) {
      const { value, done: end } = await reader.read();
      if (end) break;
      buffer += value;
      let i: number;
      while ((i = buffer.indexOf('\n\n')) !== -1) {
        const data = buffer.slice(0, i).split('\n').find((l) => l.startsWith('data: '));
        buffer = buffer.slice(i + 2);
        if (data) events.push(JSON.parse(data.slice(6)));
      }
    }
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => undefined);
  }
  return events;
}

describe('admin API: hostile callers', () => {
  it('refuses event streams beyond the bound cleanly (50 at once), and serves again once they close', async () => {
    const aborts = Array.from({ length: 50 }, () => new AbortController());
    const results = await Promise.all(aborts.map((a) => fetch(`${host.adminUrl}/admin/api/events`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: a.signal })));
    try {
      const ok = results.filter((r) => r.status === 200);
      const refused = results.filter((r) => r.status === 429);
      expect(ok.length).toBe(16);
      expect(refused.length).toBe(34);
      const body = (await refused[0]!.json()) as { error: string };
      expect(body.error).toMatch(/too many admin event streams/);
      expect(refused[0]!.headers.get('retry-after')).toBe('5');
    } finally {
      for (const a of aborts) a.abort();
    }
    // The host stays healthy and, once the streams are gone, serves a new one.
    await vi.waitFor(async () => {
      const res = await admin(host, '/admin/api/events');
      expect(res.status).toBe(200);
      await res.body!.cancel();
    }, WAIT);
    expect((await admin(host, '/livez')).status).toBe(200);
  });

  it('refuses oversized bodies 413 without acting', async () => {
    const big = JSON.stringify({ version: '1.0.0', pad: 'x'.repeat(4096) });
    const res = await admin(host, '/admin/api/plugins/alpha/pin', { method: 'POST', body: big });
    expect(res.status).toBe(413);
    const huge = await admin(host, '/admin/api/plugins/alpha/reload', { method: 'POST', body: JSON.stringify({ pad: 'x'.repeat(64 * 1024) }) });
    expect(huge.status).toBe(413);
    for (const body of [{ version: '2.0.0', extra: 1 }, { version: 2 }, { version: '../2.0.0' }, ['2.0.0'], 'null']) {
      const bad = await admin(host, '/admin/api/plugins/alpha/pin', { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
      expect(bad.status, JSON.stringify(body)).toBe(400);
    }
    expect((await admin(host, '/admin/api/plugins/alpha/pin', { method: 'POST', body: '{"version":' })).status).toBe(400);
    const listed = await json(admin(host, '/admin/api/plugins'));
    expect(listed.body.plugins.find((p: any) => p.id === 'alpha').override).toEqual({});
  });

  it('answers 404 JSON for unknown plugins and for path traversal in the id', async () => {
    for (const id of ['nope', '..%2F..%2Fetc%2Fpasswd', '%2E%2E', '..', 'alpha%00', 'alpha%2F..%2Fbeta', 'a'.repeat(90), 'ALPHA']) {
      const res = await admin(host, `/admin/api/plugins/${id}/reload`, { method: 'POST' });
      expect(res.status, id).toBe(404);
      expect(res.headers.get('content-type'), id).toContain('application/json');
    }
    // Longer than fastify's parameter limit: refused before any route runs.
    expect((await admin(host, `/admin/api/plugins/${'a'.repeat(200)}/reload`, { method: 'POST' })).status).toBe(414);
    const unknown = await json(admin(host, '/admin/api/plugins/nope/disable', { method: 'POST' }));
    expect(unknown.body.error).toMatch(/no plugin "nope"/);
    await vi.waitFor(() => expect(auditLines(host, 'disable').at(-1)).toMatchObject({ plugin: 'nope', outcome: 'unknown-plugin' }), WAIT);
    // The serving plugins are untouched.
    expect(await toolNames(legacy.client)).toEqual(['alpha_one', 'alpha_two', 'beta_read']);
  });
});

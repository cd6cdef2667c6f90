/**
 * Permissions, end to end: items guarded by declared scopes and roles (and a config override),
 * principals with different tokens connected at once, each seeing its own lists, 403 with an
 * insufficient_scope challenge on a forbidden call (or the unknown-item answer with hideForbidden),
 * and list_changed sent only to the clients whose visible catalog changed.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWithToken, jwks, modernRequest, openListenStream, postModern, signingKey, signToken, startJwksServer, startTestHost, writeConfig, type JwksServer, type SigningKey, type TestHost } from '../harness/index.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/auth/secure-fixture', import.meta.url));
const ISSUER = 'https://issuer.e2e.test';
const QUIET_MS = 800;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rpc(url: string, token: string, body: unknown, session?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` };
  if (session) Object.assign(headers, { 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' });
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

const connect = (url: string, token: string) => connectWithToken(url, token, 'auth-e2e');

const names = async (client: Client) => (await client.listTools()).tools.map((t) => t.name).sort();

describe('auth: permissions', () => {
  let key: SigningKey;
  let issuer: JwksServer;
  let host: TestHost;
  let pluginRoot: string;
  let removeConfig: () => void;
  const tokens: Record<'reader' | 'writer' | 'admin' | 'nobody', string> = {} as never;

  beforeAll(async () => {
    key = await signingKey('RS256', 'k1');
    issuer = await startJwksServer(jwks(key));
    // A copy of the fixture the tests can edit under the running host (hot reload).
    pluginRoot = mkdtempSync(join(tmpdir(), 'mcp-host-auth-perm-'));
    cpSync(FIXTURE, join(pluginRoot, 'secure-fixture'), { recursive: true });
    const config = writeConfig({
      auth: { scopesSupported: ['notes:read', 'notes:write'], jwt: { issuer: ISSUER, jwksUrl: issuer.url } },
      // The config narrows admin_reset from "admin or ops" (declared) to admin only.
      plugins: { settings: { 'secure-fixture': { permissions: { tools: { admin_reset: { roles: ['admin'] } } } } } },
    });
    removeConfig = config.remove;
    host = await startTestHost({ plugins: [pluginRoot], args: ['--config', config.file] });
    const sign = (sub: string, scope: string, roles: string[] = []) => signToken(key, { issuer: ISSUER, audience: host.url, subject: sub, claims: { scope, roles } });
    tokens.reader = await sign('reader', 'notes:read');
    tokens.writer = await sign('writer', 'notes:read notes:write', ['ops']);
    tokens.admin = await sign('admin', '', ['admin']);
    tokens.nobody = await sign('nobody', '');
  });
  afterAll(async () => {
    await host?.stop();
    await issuer?.close();
    removeConfig?.();
    rmSync(pluginRoot, { recursive: true, force: true });
  });

  const OPEN = ['ask_name', 'customer_lookup', 'echo_text', 'sleep', 'whoami'];

  it('principals connected at once each list what they may use (declared scopes, roles, config override)', async () => {
    const clients = await Promise.all((['reader', 'writer', 'admin', 'nobody'] as const).map((p) => connect(host.url, tokens[p])));
    try {
      const [reader, writer, admin, nobody] = await Promise.all(clients.map((c) => names(c.client)));
      expect(nobody).toEqual(OPEN);
      expect(reader).toEqual([...OPEN, 'notes_read'].sort());
      // writer has the ops role, which the declaration allowed and the config took away.
      expect(writer).toEqual([...OPEN, 'notes_read', 'notes_write'].sort());
      expect(admin).toEqual([...OPEN, 'admin_reset'].sort());
      const [r, n] = [clients[0]!.client, clients[3]!.client];
      // The host's own context:// resources (shared context, every caller's own) are listed to everyone.
      const plugins = (uris: string[]) => uris.filter((u) => !u.startsWith('context://'));
      expect(plugins((await r.listResources()).resources.map((x) => x.uri)).sort()).toEqual(['public://info', 'secure://notes']);
      expect(plugins((await n.listResources()).resources.map((x) => x.uri))).toEqual(['public://info']);
      expect(plugins((await n.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate))).toEqual([]);
      expect((await n.listPrompts()).prompts.map((p) => p.name)).toEqual(['open_prompt']);
      expect((await r.listPrompts()).prompts.map((p) => p.name).sort()).toEqual(['notes_prompt', 'open_prompt']);
      expect((await r.callTool({ name: 'notes_read', arguments: {} })).content).toEqual([{ type: 'text', text: 'notes' }]);
      expect((await clients[2]!.client.callTool({ name: 'admin_reset', arguments: {} })).content).toEqual([{ type: 'text', text: 'reset' }]);
    } finally {
      await Promise.all(clients.map((c) => c.client.close()));
    }
  });

  it('a forbidden call is a 403 with an insufficient_scope challenge naming every scope needed, and a JSON-RPC error', async () => {
    const init = await rpc(host.url, tokens.reader, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    const session = init.headers.get('mcp-session-id')!;
    const res = await rpc(host.url, tokens.reader, { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'notes_write', arguments: {} } }, session);
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope", scope="notes:read notes:write", resource_metadata="http:\/\/[^"]+\/\.well-known\/oauth-protected-resource\/mcp", error_description="[^"]*notes:write[^"]*"$/);
    expect(res.json).toMatchObject({ jsonrpc: '2.0', id: 7, error: { code: -32003, message: expect.stringMatching(/tool "notes_write" needs scope notes:write/), data: { scopes: ['notes:read', 'notes:write'] } } });
    // Roles: no scope to name, the description says which roles.
    const role = await rpc(host.url, tokens.reader, { jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'admin_reset', arguments: {} } }, session);
    expect(role.status).toBe(403);
    expect(role.json.error.message).toMatch(/one of the roles admin/);
    // Resources, templates and prompts alike; the session keeps serving.
    const refusals = [['resources/read', { uri: 'secure://notes' }], ['resources/read', { uri: 'secure://notes/42' }], ['prompts/get', { name: 'notes_prompt' }], ['resources/subscribe', { uri: 'secure://notes' }], ['completion/complete', { ref: { type: 'ref/prompt', name: 'notes_prompt' }, argument: { name: 'x', value: '' } }]] as const;
    for (const [method, params] of refusals) {
      const r = await rpc(host.url, tokens.nobody, { jsonrpc: '2.0', id: 9, method, params }, (await rpc(host.url, tokens.nobody, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {} } })).headers.get('mcp-session-id')!);
      expect(r.status, `${method} ${JSON.stringify(params)}`).toBe(403);
      expect(r.json.error.code).toBe(-32003);
    }
    expect((await rpc(host.url, tokens.reader, { jsonrpc: '2.0', id: 10, method: 'tools/call', params: { name: 'notes_read', arguments: {} } }, session)).status).toBe(200);
  });

  it('the SDK client sees the 403 as a failed call', async () => {
    const { client } = await connect(host.url, tokens.reader);
    try {
      // The SDK's StreamableHTTPError carries the HTTP status as `code`.
      await expect(client.callTool({ name: 'notes_write', arguments: {} })).rejects.toMatchObject({ code: 403, message: expect.stringMatching(/Forbidden: tool \\"notes_write\\" needs scope notes:write/) });
    } finally {
      await client.close();
    }
  });

  it('modern (2026-07-28) requests: lists per principal, 403 on a forbidden call', async () => {
    const list = async (token: string) => ((await postModern(host.url, modernRequest(1, 'tools/list'), { headers: { authorization: `Bearer ${token}` } })).response!.result!.tools as Array<{ name: string }>).map((t) => t.name).sort();
    expect(await list(tokens.nobody)).toEqual(OPEN);
    expect(await list(tokens.writer)).toContain('notes_write');
    const res = await postModern(host.url, modernRequest(2, 'tools/call', { name: 'notes_write', arguments: {} }), { headers: { authorization: `Bearer ${tokens.reader}` } });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toMatch(/error="insufficient_scope", scope="notes:read notes:write"/);
    expect(res.response!.error).toMatchObject({ code: -32003 });
  });

  it('list_changed reaches only the clients whose visible catalog changed', async () => {
    const reader = await connect(host.url, tokens.reader);
    const writer = await connect(host.url, tokens.writer);
    const readerListen = await openListenStream(host.url, 'reader-listen', { toolsListChanged: true }, { headers: { authorization: `Bearer ${tokens.reader}` } });
    const writerListen = await openListenStream(host.url, 'writer-listen', { toolsListChanged: true }, { headers: { authorization: `Bearer ${tokens.writer}` } });
    try {
      await readerListen.waitFor((e) => e.method === 'notifications/subscriptions/acknowledged');
      await writerListen.waitFor((e) => e.method === 'notifications/subscriptions/acknowledged');
      const entry = join(pluginRoot, 'secure-fixture', 'index.js');
      // Only writer can see notes_write: change its description.
      writeFileSync(entry, readFileSync(entry, 'utf8').replace("'Needs notes:read and notes:write.'", "'Needs notes:read and notes:write (v2).'"));
      await expect.poll(() => writer.toolsChanged.length, { timeout: 10_000 }).toBe(1);
      await writerListen.waitFor((e) => e.method === 'notifications/tools/list_changed', 10_000);
      await sleep(QUIET_MS);
      expect(reader.toolsChanged).toEqual([]);
      expect(readerListen.events.filter((e) => e.method === 'notifications/tools/list_changed')).toEqual([]);
      expect((await writer.client.listTools()).tools.find((t) => t.name === 'notes_write')?.description).toMatch(/v2/);
      // A change everyone can see reaches everyone.
      writeFileSync(entry, readFileSync(entry, 'utf8').replace("'Returns the principal the host passed to the handler.'", "'Returns the caller (v2).'"));
      await expect.poll(() => reader.toolsChanged.length, { timeout: 10_000 }).toBe(1);
      await readerListen.waitFor((e) => e.method === 'notifications/tools/list_changed', 10_000);
      await expect.poll(() => writer.toolsChanged.length, { timeout: 10_000 }).toBe(2);
    } finally {
      readerListen.close();
      writerListen.close();
      await reader.client.close();
      await writer.client.close();
    }
  });
});

describe('auth: hideForbidden', () => {
  let host: TestHost;
  let remove: () => void;
  const SERVICE = 'svc-nobody-token-0123456789';

  beforeAll(async () => {
    const { sha256Hex } = await import('../harness/index.js');
    const config = writeConfig({ auth: { hideForbidden: true, serviceTokens: [{ name: 'nobody', sha256: sha256Hex(SERVICE) }] } });
    remove = config.remove;
    host = await startTestHost({ plugins: [FIXTURE], args: ['--config', config.file] });
  });
  afterAll(async () => {
    await host?.stop();
    remove?.();
  });

  it('answers a forbidden tool, prompt and resource exactly like unknown ones', async () => {
    const call = async (id: number, method: string, params: Record<string, unknown>) => {
      const res = await postModern(host.url, modernRequest(id, method, params), { headers: { authorization: `Bearer ${SERVICE}` } });
      return { status: res.status, error: res.response!.error };
    };
    const forbidden = await call(1, 'tools/call', { name: 'notes_write', arguments: {} });
    const unknown = await call(1, 'tools/call', { name: 'no_such_tool', arguments: {} });
    expect(forbidden.status).toBe(unknown.status);
    expect(forbidden.error).toEqual({ ...unknown.error, message: unknown.error!.message.replace('no_such_tool', 'notes_write'), data: { name: 'notes_write' } });
    const prompt = await call(2, 'prompts/get', { name: 'notes_prompt' });
    expect(prompt.error).toMatchObject({ code: -32602, message: 'Unknown prompt: notes_prompt' });
    const resource = await call(3, 'resources/read', { uri: 'secure://notes' });
    const missing = await call(3, 'resources/read', { uri: 'secure://nothing' });
    expect(resource.error).toEqual({ ...missing.error, message: 'Resource not found: secure://notes', data: { uri: 'secure://notes' } });
  });
});

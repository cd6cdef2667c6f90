/**
 * The http plugin in a real host (worker runtime), driven by the official SDK 1.x client, against
 * a local fastify API (127.0.0.1, free port) that serves its own OpenAPI document. The operator
 * config names loopback explicitly; a second host without that shows the SSRF guard refusing it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, startApiServer, type ApiServer } from '../../plugins/http/test/apiServer.js';
import { connectHttpClient, pluginPath, startTestHost, type TestHost } from '../harness/index.js';

type ToolResult = { content: Array<{ type: string; text?: string }>; isError?: boolean; structuredContent?: Record<string, any> };

const scratch = mkdtempSync(join(tmpdir(), 'mcp-host-http-e2e-'));
let api: ApiServer;

function writeConfig(name: string, lines: string[]): string {
  const file = join(scratch, name);
  writeFileSync(file, ['plugins:', '  settings:', '    http:', '      config:', ...lines.map((l) => `        ${l}`), ''].join('\n'));
  return file;
}

const apiLines = (documentPath: string, credentials: string[] = ['api_key: { env: E2E_PETS_KEY }', 'bearer: { env: E2E_PETS_TOKEN }', 'query_key: { value: qk }']) => [
  'apis:',
  '  - name: pets',
  `    document: ${documentPath}`,
  '    credentials:',
  ...credentials.map((c) => `      ${c}`),
];

async function hostWithClient(config: string): Promise<{ host: TestHost; client: Client; stop(): Promise<unknown> }> {
  // E2E_PETS_TOKEN is deliberately absent: createPet needs it.
  const host = await startTestHost({ plugins: [pluginPath('http')], args: ['--config', config], env: { E2E_PETS_KEY: API_KEY, E2E_PETS_TOKEN: '' }, timeoutMs: 20_000 });
  const { client } = await connectHttpClient(host.url);
  return { host, client, stop: async () => (await client.close().catch(() => undefined), host.stop()) };
}

beforeAll(async () => {
  api = await startApiServer();
  writeFileSync(join(scratch, 'openapi.json'), JSON.stringify(api.document));
});

afterAll(async () => {
  await api?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('http plugin with loopback allowed by the operator', () => {
  let client: Client;
  let stop: () => Promise<unknown>;
  const call = async (name: string, args: Record<string, unknown> = {}) => (await client.callTool({ name, arguments: args })) as ToolResult;
  const text = (r: ToolResult) => r.content.map((c) => c.text ?? '').join('\n');

  beforeAll(async () => {
    const config = writeConfig('allowed.yaml', [
      'allowedHosts: [127.0.0.1, localhost]',
      "allowedAddresses: ['127.0.0.1', '::1']",
      'timeoutMs: 1500',
      'maxResponseBytes: 500000',
      ...apiLines(join(scratch, 'openapi.json')),
    ]);
    ({ client, stop } = await hostWithClient(config));
  });
  afterAll(async () => {
    await stop?.();
  });

  it('publishes one tool per operation (with input and output schemas) next to http_request', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['addNote', 'createPet', 'deletePet', 'getPet', 'http_request', 'huge', 'listPets', 'moved', 'search']);
    const list = tools.find((t) => t.name === 'listPets')!;
    expect(list.inputSchema).toMatchObject({ type: 'object', properties: { limit: { type: 'integer' }, tags: { type: 'array' } } });
    expect(list.outputSchema).toMatchObject({ type: 'object', properties: { status: { type: 'integer' }, body: { type: 'array' } } });
    expect(list.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: true });
    expect(tools.find((t) => t.name === 'getPet')!.inputSchema.required).toEqual(['petId']);
  });

  it('calls an operation with the API key from the environment, returning structured output', async () => {
    const r = await call('listPets', { limit: 1, tags: ['dog'] });
    expect(r.isError, text(r)).toBeFalsy();
    expect(r.structuredContent).toEqual({ status: 200, body: [{ id: 1, name: 'Rex', tag: 'dog' }] });
    expect(api.seen.at(-1)).toMatchObject({ url: '/v1/pets?limit=1&tags=dog', headers: { 'x-api-key': API_KEY } });
  });

  it('never forwards the MCP client’s credentials upstream', async () => {
    await call('getPet', { petId: 1 });
    const headers = api.seen.at(-1)!.headers;
    expect(headers.authorization).toBeUndefined();
    expect(headers['mcp-session-id']).toBeUndefined();
  });

  it('refuses a call whose credential is missing, before reaching the API', async () => {
    const before = api.seen.length;
    const r = await call('createPet', { body: { name: 'Kit' } });
    expect(r.isError).toBe(true);
    expect(text(r)).toContain('missing credential for "bearer" (http bearer): environment variable E2E_PETS_TOKEN is not set');
    expect(api.seen.length).toBe(before);
  });

  it('validates arguments against the schema from the document', async () => {
    const r = await client.callTool({ name: 'getPet', arguments: { petId: 'one' } }).catch((e: Error) => ({ isError: true, content: [{ type: 'text', text: e.message }] }));
    expect((r as ToolResult).isError).toBe(true);
    expect(text(r as ToolResult)).toMatch(/petId|integer/);
  });

  it('reports an upstream error status as a tool error', async () => {
    const r = await call('getPet', { petId: 42 });
    expect(r.isError).toBe(true);
    expect(text(r)).toContain('GET /pets/{petId} → 404 Not Found');
  });

  it('refuses a redirect to a host that is not allowed', async () => {
    const r = await call('moved', { to: 'http://metadata.internal.test/latest' });
    expect(r.isError).toBe(true);
    expect(text(r)).toContain('host metadata.internal.test is not in the allowed hosts');
  });

  it('refuses an oversized response', async () => {
    const r = await call('huge');
    expect(r.isError).toBe(true);
    expect(text(r)).toContain('larger than the limit of 500000 bytes');
  });

  it('http_request reaches allowed hosts and refuses others', async () => {
    const ok = await call('http_request', { url: `${api.origin}/echo-headers`, headers: { 'x-probe': '1' } });
    expect(ok.isError, text(ok)).toBeFalsy();
    expect(ok.structuredContent).toMatchObject({ status: 200, bodyEncoding: 'utf8' });
    const refused = await call('http_request', { url: 'http://example.invalid/' });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain('host example.invalid is not in the allowed hosts');
  });

  it('http_request times out on a slow answer', async () => {
    // /slow answers after 3 s: an error naming the 1.5 s deadline means it fired first.
    const r = await call('http_request', { url: `${api.origin}/slow` });
    expect(r.isError).toBe(true);
    expect(text(r)).toContain('within 1500 ms');
  });
});

describe('http plugin without loopback in allowedAddresses', () => {
  let client: Client;
  let stop: () => Promise<unknown>;
  beforeAll(async () => {
    const document = join(scratch, 'openapi.json');
    ({ client, stop } = await hostWithClient(writeConfig('strict.yaml', ['allowedHosts: [127.0.0.1, localhost]', ...apiLines(document)])));
  });
  afterAll(async () => {
    await stop?.();
  });

  it('refuses loopback for operation tools and for http_request, by IP and by name', async () => {
    const before = api.seen.length;
    for (const [name, args] of [
      ['getPet', { petId: 1 }],
      ['http_request', { url: `${api.origin}/echo-headers` }],
      ['http_request', { url: `http://localhost:${api.port}/echo-headers` }],
    ] as const) {
      const r = (await client.callTool({ name, arguments: args })) as ToolResult;
      expect(r.isError, JSON.stringify(r)).toBe(true);
      expect(r.content[0]!.text).toMatch(/resolves to (127\.0\.0\.1|::1) \(loopback\), which is not allowed/);
    }
    expect(api.seen.length).toBe(before);
  });
});

describe('http plugin with a config it cannot use', () => {
  it('fails the load, naming the problem, and the host keeps running', async () => {
    const config = writeConfig('bad.yaml', ['allowedHosts: [127.0.0.1]', ...apiLines(join(scratch, 'openapi.json'), ['apikey: { value: typo }'])]);
    const host = await startTestHost({ plugins: [pluginPath('http')], args: ['--config', config], timeoutMs: 20_000 });
    try {
      const problem = host.logs.find((l) => l.code === 'MCPH_PLUGIN_SETUP_FAILED');
      expect(problem, JSON.stringify(host.logs)).toBeDefined();
      expect(String(problem!.msg)).toContain('credentials for "apikey", which the document does not declare');
      const { client } = await connectHttpClient(host.url);
      expect((await client.listTools()).tools).toEqual([]);
      await client.close();
    } finally {
      await host.stop();
    }
  });
});

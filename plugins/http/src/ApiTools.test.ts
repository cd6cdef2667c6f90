import { ToolError } from '@mcp-host/sdk';
import { createTestLogger, createToolContext } from '@mcp-host/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, BEARER, startApiServer, type ApiServer } from '../test/apiServer.js';
import { AddressPolicy } from './AddressPolicy.js';
import { ApiTools, baseUrlOf } from './ApiTools.js';
import type { ApiConfig } from './config.js';
import { HttpClient } from './HttpClient.js';
import type { OpenApiDocument } from './openapi/loadDocument.js';

const logger = createTestLogger();
const ctx = createToolContext({ logger });
const client = new HttpClient({ timeoutMs: 2000, maxResponseBytes: 500_000, maxRedirects: 3, userAgent: 'test' });

let api: ApiServer;
let tools: ApiTools;
const config = (over: Partial<ApiConfig> = {}): ApiConfig => ({
  name: 'pets',
  document: {},
  toolPrefix: '',
  credentials: { api_key: { env: 'TEST_PETS_KEY' }, bearer: { value: BEARER }, query_key: { value: 'qk' } },
  headers: { 'x-client': 'mcp' },
  exclude: [],
  ...over,
});
const call = (name: string, args: Record<string, unknown>, t = tools) => t.call(t.operations.find((o) => o.toolName === name)!, args, ctx);

beforeAll(async () => {
  api = await startApiServer();
  process.env.TEST_PETS_KEY = API_KEY;
  tools = new ApiTools(config(), api.document as OpenApiDocument, client, new AddressPolicy([], ['127.0.0.1']), logger);
});
afterAll(async () => {
  delete process.env.TEST_PETS_KEY;
  await api?.close();
});

describe('ApiTools', () => {
  it('calls an operation with query parameters, a header parameter and the API key from env', async () => {
    const r = await call('listPets', { limit: 5, tags: ['dog', 'cat'], 'X-Trace': 't1' });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toEqual({
      status: 200,
      body: [
        { id: 1, name: 'Rex', tag: 'dog' },
        { id: 2, name: 'Tom', tag: 'cat' },
      ],
    });
    const last = api.seen.at(-1)!;
    expect(last.url).toBe('/v1/pets?limit=5&tags=dog&tags=cat');
    expect(last.headers).toMatchObject({ 'x-api-key': API_KEY, 'x-trace': 't1', 'x-client': 'mcp' });
  });

  it('sends a JSON body with the bearer token the operation asks for', async () => {
    const r = await call('createPet', { body: { name: 'Kit', tag: 'cat' } });
    expect(r.structuredContent).toEqual({ status: 201, body: { id: 4, name: 'Kit', tag: 'cat' } });
    expect(api.seen.at(-1)!.headers).toMatchObject({ authorization: `Bearer ${BEARER}`, 'content-type': 'application/json' });
    expect(api.seen.at(-1)!.headers['x-api-key']).toBeUndefined();
  });

  it('fills path parameters, and reports an error status as a tool error with the body', async () => {
    expect((await call('getPet', { petId: 2 })).structuredContent).toEqual({ status: 200, body: { id: 2, name: 'Tom', tag: 'cat' } });
    expect(api.seen.at(-1)!.headers['x-api-key']).toBeUndefined();
    const missing = await call('getPet', { petId: 99 });
    expect(missing.isError).toBe(true);
    expect((missing.content[0] as { text: string }).text).toBe('GET /pets/{petId} → 404 Not Found\n{"error":"no such pet"}');
    await expect(call('getPet', { petId: '..' })).rejects.toThrow('path parameter petId may not be ".."');
  });

  it('sends an API key in the query, and a form body', async () => {
    const s = await call('search', { q: 'a b' });
    expect(JSON.parse((s.content[0] as { text: string }).text)).toEqual({ query: { q: 'a b', api_key: 'qk' } });
    const f = await call('addNote', { body: { text: 'hi there' } });
    expect(JSON.parse((f.content[0] as { text: string }).text)).toEqual({ received: { text: 'hi there' }, contentType: 'application/x-www-form-urlencoded' });
  });

  it('refuses a call whose credential is not configured, naming what to set', async () => {
    delete process.env.TEST_PETS_KEY;
    try {
      const before = api.seen.length;
      const e = await call('listPets', {}).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ToolError);
      expect((e as Error).message).toBe(
        'listPets: missing credential for "api_key" (apiKey in header "X-API-Key"): environment variable TEST_PETS_KEY is not set. The operator must configure it; it cannot come from the MCP client.',
      );
      expect(api.seen.length).toBe(before);
      // deletePet accepts bearer or api_key: bearer is configured, so it goes through.
      expect((await call('deletePet', { petId: 1 })).isError).toBeFalsy();
    } finally {
      process.env.TEST_PETS_KEY = API_KEY;
    }
  });

  it('refuses redirects to hosts that are not allowed, and oversized bodies', async () => {
    await expect(call('moved', { to: 'http://elsewhere.test/' })).rejects.toThrow('GET /moved failed: host elsewhere.test is not in the allowed hosts');
    await expect(call('huge', {})).rejects.toThrow('GET /huge failed: the response body is larger than the limit of 500000 bytes');
  });

  it('refuses the API host itself when it is loopback and not allowed', async () => {
    const strict = new ApiTools(config(), api.document as OpenApiDocument, client, new AddressPolicy([], []), logger);
    await expect(call('getPet', { petId: 1 }, strict)).rejects.toThrow('127.0.0.1 resolves to 127.0.0.1 (loopback), which is not allowed');
  });

  it('rejects credentials for schemes the document does not declare, and relative servers without a base URL', () => {
    expect(() => new ApiTools(config({ credentials: { apikey: { value: 'x' } } }), api.document as OpenApiDocument, client, new AddressPolicy([], []), logger)).toThrow(
      'API "pets": credentials for "apikey", which the document does not declare (its security schemes: api_key, query_key, bearer)',
    );
    const relative = { openapi: '3.0.0', paths: {}, servers: [{ url: '/v1' }] } as OpenApiDocument;
    expect(() => baseUrlOf({ name: 'r' }, relative)).toThrow('the server URL "/v1" is not absolute; set apis[].baseUrl');
    expect(baseUrlOf({ name: 'r', baseUrl: 'https://api.test/v2' }, relative).href).toBe('https://api.test/v2');
    const templated = { openapi: '3.0.0', paths: {}, servers: [{ url: 'https://{region}.api.test', variables: { region: { default: 'eu' } } }] } as OpenApiDocument;
    expect(baseUrlOf({ name: 't' }, templated).href).toBe('https://eu.api.test/');
  });
});

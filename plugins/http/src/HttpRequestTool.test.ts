import { ToolError } from '@mcp-host/sdk';
import { createToolContext } from '@mcp-host/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../test/apiServer.js';
import { AddressPolicy } from './AddressPolicy.js';
import { HttpClient } from './HttpClient.js';
import { HttpRequestTool } from './HttpRequestTool.js';

const ctx = createToolContext();
let api: ApiServer;
let tool: HttpRequestTool;

beforeAll(async () => {
  api = await startApiServer();
  tool = new HttpRequestTool(new HttpClient({ timeoutMs: 2000, maxResponseBytes: 100_000, maxRedirects: 2, userAgent: 'test' }), new AddressPolicy(['127.0.0.1'], ['127.0.0.1']));
});
afterAll(async () => {
  await api?.close();
});

const req = (path: string, extra: Record<string, unknown> = {}) => tool.request({ url: `${api.origin}${path}`, method: 'GET', headers: {}, ...extra } as never, ctx);

describe('http_request', () => {
  it('returns status, headers and a text body', async () => {
    const r = await req('/echo-headers', { headers: { 'X-Hello': 'there' } });
    const out = r.structuredContent as Record<string, any>;
    expect(out).toMatchObject({ status: 200, statusText: 'OK', url: `${api.origin}/echo-headers`, bodyEncoding: 'utf8' });
    expect(out.headers['content-type']).toContain('application/json');
    expect(JSON.parse(out.body).headers['x-hello']).toBe('there');
  });

  it('sends JSON bodies and returns binary bodies as base64', async () => {
    const posted = await tool.request({ url: `${api.origin}/echo-method`, method: 'POST', headers: {}, json: { a: 1 } }, ctx);
    expect(JSON.parse((posted.structuredContent as { body: string }).body)).toEqual({ method: 'POST' });
    const bin = await req('/binary');
    expect(bin.structuredContent).toMatchObject({ body: Buffer.from([0, 1, 2, 255]).toString('base64'), bodyEncoding: 'base64' });
    expect((bin.content[0] as { text: string }).text).toContain('(4 bytes of application/octet-stream)');
  });

  it('reports 4xx/5xx as tool errors with the body', async () => {
    const r = await req('/missing');
    expect(r.isError).toBe(true);
    expect((r.content[0] as { text: string }).text).toBe(`GET ${api.origin}/missing → 404 Not Found\nnothing here`);
  });

  it('refuses reserved headers, hosts that are not allowed, and oversized bodies', async () => {
    await expect(req('/echo-headers', { headers: { Host: 'other' } })).rejects.toThrow('header Host is set by the client');
    const e = await tool.request({ url: 'http://localhost:1/', method: 'GET', headers: {} } as never, ctx).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ToolError);
    expect((e as Error).message).toContain('host localhost is not in the allowed hosts');
    await expect(req('/big')).rejects.toThrow('larger than the limit of 100000 bytes');
  });
});

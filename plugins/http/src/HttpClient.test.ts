import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../test/apiServer.js';
import { AddressPolicy } from './AddressPolicy.js';
import { HttpClient, HttpRequestError, type HttpRequest } from './HttpClient.js';

let api: ApiServer;
const client = new HttpClient({ timeoutMs: 1500, maxResponseBytes: 1_000_000, maxRedirects: 3, userAgent: 'test' });
/** Loopback allowed, as an operator would configure it to reach a local service. */
const local = new AddressPolicy(['127.0.0.1', 'localhost', '127.0.0.2'], ['127.0.0.1', '::1']);

beforeAll(async () => {
  api = await startApiServer();
});
afterAll(async () => {
  await api?.close();
});

const get = (path: string, policy = local, extra: Partial<HttpRequest> = {}) => client.request({ method: 'GET', url: new URL(path, api.origin), headers: {}, policy, ...extra });

async function failure(p: Promise<unknown>): Promise<HttpRequestError> {
  const e = await p.then(
    (v) => {
      throw new Error(`expected a failure, got ${JSON.stringify(v)}`);
    },
    (e: unknown) => e,
  );
  expect(e).toBeInstanceOf(HttpRequestError);
  return e as HttpRequestError;
}

describe('HttpClient', () => {
  it('fetches from an allowed host and address', async () => {
    const r = await get('/echo-headers', local, { headers: { 'x-test': '1' } });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body.toString()).headers).toMatchObject({ 'x-test': '1', 'user-agent': 'test' });
  });

  it('refuses loopback unless the config names it, for IP literals and for names that resolve to it', async () => {
    const noAddresses = new AddressPolicy(['127.0.0.1', 'localhost'], []);
    const literal = await failure(get('/echo-headers', noAddresses));
    expect(literal.failure).toBe('address-not-allowed');
    expect(literal.message).toContain('127.0.0.1 resolves to 127.0.0.1 (loopback), which is not allowed');
    const byName = await failure(client.request({ method: 'GET', url: new URL(`http://localhost:${api.port}/echo-headers`), headers: {}, policy: noAddresses }));
    expect(byName.failure).toBe('address-not-allowed');
    expect(byName.message).toMatch(/localhost resolves to (127\.0\.0\.1|::1) \(loopback\)/);
    const before = api.seen.length;
    await failure(get('/echo-headers', noAddresses));
    expect(api.seen.length).toBe(before);
  });

  it('refuses hosts that are not allowed, and URLs that are not http(s) or carry credentials', async () => {
    expect((await failure(get('/echo-headers', new AddressPolicy(['example.com'], ['127.0.0.1'])))).failure).toBe('host-not-allowed');
    expect((await failure(client.request({ method: 'GET', url: new URL('file:///etc/passwd'), headers: {}, policy: local }))).failure).toBe('bad-url');
    expect((await failure(client.request({ method: 'GET', url: new URL(`http://u:p@127.0.0.1:${api.port}/`), headers: {}, policy: local }))).failure).toBe('bad-url');
  });

  it('checks every redirect: a disallowed host is refused', async () => {
    const e = await failure(get(`/redirect?to=${encodeURIComponent('http://evil.example/steal')}`));
    expect(e.failure).toBe('host-not-allowed');
    expect(e.message).toContain('host evil.example is not in the allowed hosts');
  });

  it('checks every redirect: an allowed host at a disallowed address is refused', async () => {
    const e = await failure(get(`/redirect?to=${encodeURIComponent(`http://127.0.0.2:${api.port}/echo-headers`)}`));
    expect(e.failure).toBe('address-not-allowed');
    expect(e.message).toContain('127.0.0.2 (loopback)');
  });

  it('follows allowed redirects, dropping credentials when the origin changes', async () => {
    const to = `http://localhost:${api.port}/echo-headers`;
    const r = await get(`/redirect?to=${encodeURIComponent(to)}`, local, { headers: { authorization: 'Bearer secret', 'x-api-key': 'k', 'x-other': 'kept' }, sensitiveHeaders: ['x-api-key'] });
    expect(r.url).toBe(to);
    expect(r.redirects).toEqual([to]);
    const headers = JSON.parse(r.body.toString()).headers;
    expect(headers).toMatchObject({ 'x-other': 'kept' });
    expect(headers.authorization).toBeUndefined();
    expect(headers['x-api-key']).toBeUndefined();
    const same = await get(`/redirect?to=/echo-headers`, local, { headers: { authorization: 'Bearer secret' } });
    expect(JSON.parse(same.body.toString()).headers.authorization).toBe('Bearer secret');
  });

  it('turns a POST into a GET on 303, and stops after too many redirects', async () => {
    const r = await client.request({ method: 'POST', url: new URL('/see-other', api.origin), headers: { 'content-type': 'text/plain' }, body: Buffer.from('x'), policy: local });
    expect(JSON.parse(r.body.toString())).toEqual({ method: 'GET' });
    expect((await failure(get('/loop'))).failure).toBe('too-many-redirects');
  });

  it('refuses bodies over the size limit: declared, streamed, or decompressed', async () => {
    expect((await failure(get('/big'))).message).toContain('larger than the limit of 1000000 bytes');
    expect((await failure(get('/big-chunked'))).failure).toBe('too-large');
    expect((await failure(get('/gzip-bomb'))).failure).toBe('too-large');
    const small = await get('/gzip-small');
    expect(JSON.parse(small.body.toString())).toEqual({ zipped: true });
  });

  it('gives up at the deadline, and when cancelled', async () => {
    // /slow answers after 3 s: a timeout failure means the 1.5 s deadline fired first.
    const e = await failure(get('/slow'));
    expect(e.failure).toBe('timeout');
    expect(e.message).toContain('within 1500 ms');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    expect((await failure(get('/slow', local, { signal: controller.signal }))).failure).toBe('cancelled');
  });

  it('reports a refused connection as a network failure', async () => {
    const e = await failure(client.request({ method: 'GET', url: new URL('http://127.0.0.1:1/'), headers: {}, policy: local }));
    expect(e.failure).toBe('network');
    expect(e.message).toContain('ECONNREFUSED');
  });
});

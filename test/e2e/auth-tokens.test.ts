/**
 * Authentication over HTTP, end to end: a real host configured as an OAuth resource server, real
 * JWTs signed here (RS256 and ES256 keys made per run) checked against a JWKS served over real
 * HTTP, service tokens, the RFC 9728 metadata documents, and real SDK clients sending the tokens.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectHttpClient,
  connectStdioClient,
  jwks,
  runHostCli,
  modernRequest,
  postModern,
  sha256Hex,
  signingKey,
  signToken,
  startJwksServer,
  startTestHost,
  unsignedToken,
  writeConfig,
  type JwksServer,
  type SigningKey,
  type TestHost,
} from '../harness/index.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/auth/secure-fixture', import.meta.url));
const ISSUER = 'https://issuer.e2e.test';
const SERVICE_TOKEN = 'svc-token-0123456789abcdef';
const SCOPES = ['notes:read', 'notes:write'];

const INITIALIZE = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };

async function post(url: string, headers: Record<string, string>, body: unknown = INITIALIZE) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : undefined };
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('auth: bearer tokens over HTTP', () => {
  let rsa: SigningKey, ec: SigningKey, rotated: SigningKey, impostor: SigningKey;
  let issuer: JwksServer;
  let host: TestHost;
  let remove: () => void;
  /** A token for the running host (its URL is the resource and so the default audience). */
  const token = (key: SigningKey, extra: Parameters<typeof signToken>[1] = {}) => signToken(key, { issuer: ISSUER, audience: host.url, subject: 'alice', claims: { scope: 'notes:read' }, ...extra });

  beforeAll(async () => {
    [rsa, ec, rotated] = await Promise.all([signingKey('RS256', 'rsa-1'), signingKey('ES256', 'ec-1'), signingKey('RS256', 'rsa-2')]);
    // Same kid as a published key, other key material: a forged signature.
    impostor = { ...(await signingKey('RS256', 'rsa-1')) };
    issuer = await startJwksServer(jwks(rsa, ec));
    const config = writeConfig({
      auth: {
        scopesSupported: SCOPES,
        jwt: { issuer: ISSUER, jwksUrl: issuer.url, jwksCooldownSec: 0.2 },
        serviceTokens: [{ name: 'ci-bot', sha256: sha256Hex(SERVICE_TOKEN), scopes: ['notes:read'], roles: ['ops'] }],
      },
    });
    remove = config.remove;
    host = await startTestHost({ plugins: [FIXTURE], args: ['--config', config.file] });
  });
  afterAll(async () => {
    await host?.stop();
    await issuer?.close();
    remove?.();
  });

  const metadataUrl = () => `${new URL(host.url).origin}/.well-known/oauth-protected-resource/mcp`;

  describe('protected resource metadata (RFC 9728)', () => {
    it('serves the document at the path-inserted and the root well-known URIs', async () => {
      const expected = { resource: host.url, authorization_servers: [ISSUER], scopes_supported: SCOPES, bearer_methods_supported: ['header'] };
      for (const url of [metadataUrl(), `${new URL(host.url).origin}/.well-known/oauth-protected-resource`]) {
        const res = await fetch(url);
        expect(res.status, url).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/application\/json/);
        expect(await res.json()).toEqual(expected);
      }
    });

    it('answers 404 for the metadata of another path', async () => {
      expect((await fetch(`${new URL(host.url).origin}/.well-known/oauth-protected-resource/other`)).status).toBe(404);
    });
  });

  describe('refusals', () => {
    it('no token: 401 with a challenge naming the metadata and the scopes', async () => {
      const res = await post(host.url, {});
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${metadataUrl()}", scope="notes:read notes:write"`);
      expect(res.json).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32004, message: expect.stringMatching(/^Unauthorized/) } });
    });

    it.each([
      ['another scheme', 'Basic YWxpY2U6c2VjcmV0'],
      ['Bearer without a token', 'Bearer'],
      ['a token with spaces', 'Bearer abc def'],
    ])('malformed Authorization header (%s): 400 invalid_request', async (_what, header) => {
      const res = await post(host.url, { authorization: header });
      expect(res.status).toBe(400);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_request", error_description="[^"]+", resource_metadata="/);
      expect(res.json.error).toMatchObject({ code: -32004, data: { error: 'invalid_request' } });
    });

    const invalid: Array<[string, () => Promise<string>, RegExp]> = [
      ['expired', () => token(rsa, { expiresIn: -120 }), /expired/],
      ['not yet valid (beyond the 30 s skew)', () => token(rsa, { notBefore: 120 }), /not valid yet/],
      ['wrong issuer', () => token(rsa, { issuer: 'https://evil.test' }), /issuer/],
      ['wrong audience (a token for another resource: no passthrough)', () => token(rsa, { audience: 'https://other.example/mcp' }), /audience/],
      ['bad signature', () => token(impostor), /signature/],
      ['alg none', async () => unsignedToken({ iss: ISSUER, aud: host.url, sub: 'alice', exp: Math.floor(Date.now() / 1000) + 300 }), /algorithm|malformed/],
      ['no subject', () => token(rsa, { subject: undefined }), /sub claim|subject/],
      ['an unknown service token', async () => 'svc-token-wrong', /not valid/],
    ];
    it.each(invalid)('%s: 401 invalid_token', async (_what, make, why) => {
      const res = await post(host.url, bearer(await make()));
      expect(res.status).toBe(401);
      const challenge = res.headers.get('www-authenticate')!;
      expect(challenge).toMatch(/^Bearer error="invalid_token", error_description="[^"]+", resource_metadata="[^"]+", scope="notes:read notes:write"$/);
      expect(challenge).toMatch(why);
      expect(res.json).toMatchObject({ id: null, error: { code: -32004, data: { error: 'invalid_token', error_description: expect.stringMatching(why) } } });
    });

    it('a token accepted within the clock skew (expired 10 s ago) is valid', async () => {
      expect((await post(host.url, bearer(await token(rsa, { expiresIn: -10 })))).status).toBe(200);
    });
  });

  describe('accepted tokens', () => {
    it.each([['RS256'], ['ES256']])('a real SDK client with a %s token lists and calls tools as its subject', async (alg) => {
      const key = alg === 'RS256' ? rsa : ec;
      const t = await token(key, { subject: `user-${alg}`, claims: { scope: 'notes:read extra', roles: ['auditor'] } });
      const { client } = await connectHttpClient(host.url, undefined, bearer(t));
      try {
        expect((await client.listTools()).tools.length).toBeGreaterThan(0);
        const who = await client.callTool({ name: 'whoami', arguments: {} });
        expect(who.structuredContent ?? JSON.parse((who.content as Array<{ text: string }>)[0]!.text)).toEqual({ id: `jwt:${ISSUER}#user-${alg}`, source: 'jwt', subject: `user-${alg}`, issuer: ISSUER, scopes: ['notes:read', 'extra'], roles: ['auditor'] });
      } finally {
        await client.close();
      }
    });

    it('a service token authenticates as its configured name (in the service id space), scopes and roles', async () => {
      const { client } = await connectHttpClient(host.url, undefined, bearer(SERVICE_TOKEN));
      try {
        const who = await client.callTool({ name: 'whoami', arguments: {} });
        expect(JSON.parse((who.content as Array<{ text: string }>)[0]!.text)).toEqual({ id: 'service:ci-bot', source: 'service', subject: 'ci-bot', scopes: ['notes:read'], roles: ['ops'] });
      } finally {
        await client.close();
      }
    });

    it('an unknown kid is refused, and accepted once the issuer publishes the rotated key', async () => {
      const t = await token(rotated);
      const before = await post(host.url, bearer(t));
      expect(before.status).toBe(401);
      expect(before.headers.get('www-authenticate')).toMatch(/unknown kid/);
      issuer.setKeys(jwks(rsa, ec, rotated));
      await new Promise((r) => setTimeout(r, 300)); // past the 0.2 s refetch cooldown
      const fetches = issuer.fetches();
      expect((await post(host.url, bearer(t))).status).toBe(200);
      expect(issuer.fetches()).toBe(fetches + 1);
    });
  });

  describe('state bound to the principal', () => {
    it('a legacy session used by another principal is answered as unknown (404), and still serves its owner', async () => {
      const alice = await token(rsa, { subject: 'alice' });
      const { client, transport } = await connectHttpClient(host.url, undefined, bearer(alice));
      try {
        const sessionId = transport.sessionId!;
        const mallory = await token(rsa, { subject: 'mallory' });
        const headers = { ...bearer(mallory), 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' };
        const res = await post(host.url, headers, { jsonrpc: '2.0', id: 2, method: 'tools/list' });
        expect(res.status).toBe(404);
        expect(res.json.error.code).toBe(-32001);
        expect((await fetch(host.url, { method: 'GET', headers: { ...headers, accept: 'text/event-stream' } })).status).toBe(404);
        expect((await fetch(host.url, { method: 'DELETE', headers })).status).toBe(404);
        // A session id alone is no credential either.
        expect((await post(host.url, { 'mcp-session-id': sessionId }, { jsonrpc: '2.0', id: 3, method: 'tools/list' })).status).toBe(401);
        expect((await client.listTools()).tools.length).toBeGreaterThan(0);
        // The owner with a renewed token (same subject) keeps the session.
        const renewed = await post(host.url, { ...bearer(await token(ec, { subject: 'alice' })), 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' }, { jsonrpc: '2.0', id: 4, method: 'tools/list' });
        expect(renewed.status).toBe(200);
      } finally {
        await client.close();
      }
    });

    it('a modern requestState replayed by another principal is refused (-32602); its owner completes', async () => {
      const alice = bearer(await token(rsa, { subject: 'alice' }));
      const first = await postModern(host.url, modernRequest(1, 'tools/call', { name: 'ask_name', arguments: {} }), { headers: alice });
      expect(first.status).toBe(200);
      const { requestState } = first.response!.result as { requestState: string };
      expect(first.response!.result).toMatchObject({ resultType: 'input_required', inputRequests: { name: expect.any(Object) } });
      const retry = modernRequest(2, 'tools/call', { name: 'ask_name', arguments: {}, requestState, inputResponses: { name: { action: 'accept', content: { name: 'Ada' } } } });
      const stolen = await postModern(host.url, retry, { headers: bearer(await token(rsa, { subject: 'mallory' })) });
      expect(stolen.response!.error).toMatchObject({ code: -32602, message: expect.stringMatching(/requestState belongs to another principal/) });
      const own = await postModern(host.url, retry, { headers: alice });
      expect(own.response!.result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: 'hello Ada' }] });
    });

    it('modern requests need a token too', async () => {
      const res = await postModern(host.url, modernRequest(5, 'tools/list'));
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata="/);
    });
  });

  it('never logs a token', () => {
    const all = host.logs.map((l) => JSON.stringify(l)).join('\n');
    expect(all).not.toContain(SERVICE_TOKEN);
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
  });
});

describe('auth: a local JWKS file, anonymous callers, stdio', () => {
  let key: SigningKey;
  let host: TestHost;
  let remove: () => void;
  const RESOURCE = 'https://mcp.e2e.test/mcp';

  beforeAll(async () => {
    key = await signingKey('ES256', 'file-1');
    const config = writeConfig(
      { auth: { resource: RESOURCE, authorizationServers: ['https://as.e2e.test'], jwt: { issuer: ISSUER, jwksFile: 'jwks.json', algorithms: ['ES256'] }, anonymous: true } },
      { 'jwks.json': JSON.stringify(jwks(key)) },
    );
    remove = config.remove;
    // jwksFile is relative to the config file.
    host = await startTestHost({ plugins: [FIXTURE], args: ['--config', config.file] });
  });
  afterAll(async () => {
    await host?.stop();
    remove?.();
  });

  it('verifies tokens against the file, with the configured resource as audience', async () => {
    const good = await signToken(key, { issuer: ISSUER, audience: RESOURCE, subject: 'bob' });
    const { client } = await connectHttpClient(host.url, undefined, bearer(good));
    try {
      expect(JSON.parse(((await client.callTool({ name: 'whoami', arguments: {} })).content as Array<{ text: string }>)[0]!.text)).toEqual({ id: `jwt:${ISSUER}#bob`, source: 'jwt', subject: 'bob', issuer: ISSUER, scopes: [], roles: [] });
    } finally {
      await client.close();
    }
    const forHost = await signToken(key, { issuer: ISSUER, audience: host.url, subject: 'bob' });
    expect((await post(host.url, bearer(forHost))).status).toBe(401);
  });

  it('publishes the configured resource and authorization servers, path-inserted for its path', async () => {
    const res = await fetch(`${new URL(host.url).origin}/.well-known/oauth-protected-resource/mcp`);
    expect(await res.json()).toEqual({ resource: RESOURCE, authorization_servers: ['https://as.e2e.test'], bearer_methods_supported: ['header'] });
  });

  it('serves callers without a token as the anonymous principal, but still refuses a bad token', async () => {
    const { client } = await connectHttpClient(host.url);
    try {
      expect(JSON.parse(((await client.callTool({ name: 'whoami', arguments: {} })).content as Array<{ text: string }>)[0]!.text)).toEqual({ id: 'anonymous', source: 'anonymous', subject: 'anonymous', scopes: [], roles: [] });
    } finally {
      await client.close();
    }
    expect((await post(host.url, bearer('not-a-token'))).status).toBe(401);
  });

  it('stdio: the client is the principal the config names (no tokens on stdio)', async () => {
    const config = writeConfig({ auth: { stdioPrincipal: { id: 'ops-user', scopes: ['notes:read'], roles: ['ops'] } } });
    const { client } = await connectStdioClient([FIXTURE], undefined, ['--config', config.file]);
    try {
      expect(JSON.parse(((await client.callTool({ name: 'whoami', arguments: {} })).content as Array<{ text: string }>)[0]!.text)).toEqual({ id: 'stdio:ops-user', source: 'stdio', subject: 'ops-user', scopes: ['notes:read'], roles: ['ops'] });
    } finally {
      await client.close();
      config.remove();
    }
  });
});

describe('auth: configuration mistakes', () => {
  it('refuses to start an HTTP host whose auth section has no way to authenticate', async () => {
    const config = writeConfig({ auth: { scopesSupported: ['notes:read'] } });
    try {
      const { code, stderr } = await runHostCli(['--config', config.file, '--port', '0', '--plugins', FIXTURE]);
      expect(code).toBe(1);
      expect(stderr).toMatch(/nothing can authenticate: set auth\.jwt, auth\.serviceTokens, or auth\.anonymous: true/);
    } finally {
      config.remove();
    }
  });

  it.each([
    [{ auth: { jwt: { issuer: ISSUER, jwksUrl: 'http://127.0.0.1:1/jwks', algorithms: ['none'] } } }, /auth\.jwt\.algorithms/],
    [{ auth: { jwt: { issuer: ISSUER } } }, /exactly one of jwksUrl and jwksFile/],
    [{ auth: { serviceTokens: [{ name: 'x', sha256: 'not-hex' }] } }, /auth\.serviceTokens\[0\]\.sha256: must be the 64 hex digits/],
  ])('rejects an invalid auth section with the path of the mistake (%#)', async (raw, message) => {
    const config = writeConfig(raw);
    try {
      const { code, stderr } = await runHostCli(['--config', config.file, '--port', '0', '--plugins', FIXTURE]);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
    } finally {
      config.remove();
    }
  });
});

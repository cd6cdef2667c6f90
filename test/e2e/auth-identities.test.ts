/**
 * Identities that cannot collide, end to end: a JWT whose `sub` equals a service token's name (and
 * one whose `sub` is "anonymous") is another principal, so it can neither use the other's legacy
 * session nor complete its `requestState`, nor spend its rate limits. A real host with a JWKS served
 * over HTTP, a service token and anonymous callers; real SDK clients; raw 2026-07-28 requests where
 * a well-behaved client would never send what an attacker does.
 */
import { fileURLToPath } from 'node:url';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectHttpClient,
  connectStdioClient,
  jwks,
  modernRequest,
  postModern,
  sha256Hex,
  signingKey,
  signToken,
  startJwksServer,
  startTestHost,
  writeConfig,
  type JwksServer,
  type SigningKey,
  type TestHost,
} from '../harness/index.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/auth/secure-fixture', import.meta.url));
const ISSUER = 'https://issuer.e2e.test';
const SERVICE_TOKEN = 'svc-token-ci-bot-0123456789abcdef';
const LEGACY = '2025-11-25';
const SERVICE_ID = 'service:ci-bot';
const JWT_ID = `jwt:${ISSUER}#ci-bot`;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const textOf = (result: unknown) => JSON.parse((result as { content: Array<{ text: string }> }).content[0]!.text);

async function post(url: string, headers: Record<string, string>, body: unknown) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

describe('auth: identities from different sources never collide', () => {
  let key: SigningKey;
  let issuer: JwksServer;
  let host: TestHost;
  let remove: () => void;
  /** A JWT for the running host with subject `sub` (by default the service token's name). */
  const jwt = (sub = 'ci-bot') => signToken(key, { issuer: ISSUER, audience: host.url, subject: sub, claims: { scope: 'notes:read' } });

  beforeAll(async () => {
    key = await signingKey('RS256', 'ids-1');
    issuer = await startJwksServer(jwks(key));
    const config = writeConfig({
      auth: {
        jwt: { issuer: ISSUER, jwksUrl: issuer.url },
        serviceTokens: [{ name: 'ci-bot', sha256: sha256Hex(SERVICE_TOKEN), scopes: ['notes:read'], roles: ['ops'] }],
        anonymous: true,
      },
      // Only echo_text is limited (a slow refill: nothing comes back while a test spends the burst).
      limits: { perTool: { rate: 0.05, burst: 3 }, tools: { whoami: { rate: 100, burst: 100 }, ask_name: { rate: 100, burst: 100 } } },
    });
    remove = config.remove;
    host = await startTestHost({ plugins: [FIXTURE], args: ['--config', config.file] });
  });
  afterAll(async () => {
    await host?.stop();
    await issuer?.close();
    remove?.();
  });

  describe('legacy sessions', () => {
    it("a JWT with sub 'ci-bot' presenting the service token's session is told it does not exist (404); the service token keeps using it", async () => {
      const { client, transport } = await connectHttpClient(host.url, undefined, bearer(SERVICE_TOKEN));
      try {
        const sessionId = transport.sessionId!;
        const headers = { ...bearer(await jwt()), 'mcp-session-id': sessionId, 'mcp-protocol-version': LEGACY };
        const listed = await post(host.url, headers, { jsonrpc: '2.0', id: 2, method: 'tools/list' });
        expect(listed.status).toBe(404);
        expect(listed.json.error.code).toBe(-32001);
        expect((await post(host.url, headers, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'whoami', arguments: {} } })).status).toBe(404);
        expect((await fetch(host.url, { method: 'GET', headers: { ...headers, accept: 'text/event-stream' } })).status).toBe(404);
        expect((await fetch(host.url, { method: 'DELETE', headers })).status).toBe(404);
        // Nor is a tokenless caller (the anonymous principal) the owner.
        expect((await post(host.url, { 'mcp-session-id': sessionId, 'mcp-protocol-version': LEGACY }, { jsonrpc: '2.0', id: 4, method: 'tools/list' })).status).toBe(404);
        expect(host.logs.some((l) => l.session === sessionId && l.owner === SERVICE_ID && l.principal === JWT_ID)).toBe(true);
        // The DELETE above did not end it: the owner still lists and calls.
        expect((await client.listTools()).tools.length).toBeGreaterThan(0);
        expect(textOf(await client.callTool({ name: 'whoami', arguments: {} }))).toMatchObject({ id: SERVICE_ID });
      } finally {
        await client.close();
      }
    });

    it("and the other way round: the service token cannot use the session of a JWT with sub 'ci-bot'", async () => {
      const { client, transport } = await connectHttpClient(host.url, undefined, bearer(await jwt()));
      try {
        const headers = { ...bearer(SERVICE_TOKEN), 'mcp-session-id': transport.sessionId!, 'mcp-protocol-version': LEGACY };
        expect((await post(host.url, headers, { jsonrpc: '2.0', id: 2, method: 'tools/list' })).status).toBe(404);
        expect(textOf(await client.callTool({ name: 'whoami', arguments: {} }))).toMatchObject({ id: JWT_ID });
      } finally {
        await client.close();
      }
    });

    it("a JWT with sub 'anonymous' cannot use an anonymous caller's session", async () => {
      const { client, transport } = await connectHttpClient(host.url);
      try {
        const headers = { ...bearer(await jwt('anonymous')), 'mcp-session-id': transport.sessionId!, 'mcp-protocol-version': LEGACY };
        expect((await post(host.url, headers, { jsonrpc: '2.0', id: 2, method: 'tools/list' })).status).toBe(404);
        expect(textOf(await client.callTool({ name: 'whoami', arguments: {} }))).toMatchObject({ id: 'anonymous' });
      } finally {
        await client.close();
      }
    });
  });

  describe('2026-07-28 requestState', () => {
    const ask = (id: number, extra: Record<string, unknown> = {}) => modernRequest(id, 'tools/call', { name: 'ask_name', arguments: {}, ...extra });
    const answer = { name: { action: 'accept', content: { name: 'Ada' } } };

    type Token = () => string | Promise<string>;
    it.each<[string, string, Token | undefined, Token]>([
      ['the service token', 'a JWT with the same subject', () => SERVICE_TOKEN, () => jwt()],
      ['a JWT', 'the service token of its subject', () => jwt(), () => SERVICE_TOKEN],
      ['an anonymous caller', "a JWT with sub 'anonymous'", undefined, () => jwt('anonymous')],
    ])('an input_required round sealed for %s cannot be completed by %s (-32602); its owner completes it', async (_owner, _thief, ownerToken, thiefToken) => {
      const owner = ownerToken ? bearer(await ownerToken()) : {};
      const first = await postModern(host.url, ask(1), { headers: owner });
      expect(first.status).toBe(200);
      expect(first.response!.result).toMatchObject({ resultType: 'input_required', inputRequests: { name: expect.any(Object) } });
      const { requestState } = first.response!.result as { requestState: string };
      const retry = ask(2, { requestState, inputResponses: answer });
      const stolen = await postModern(host.url, retry, { headers: bearer(await thiefToken()) });
      expect(stolen.response!.error).toMatchObject({ code: -32602, message: expect.stringMatching(/requestState belongs to another principal/) });
      const own = await postModern(host.url, retry, { headers: owner });
      expect(own.response!.result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: 'hello Ada' }] });
    });
  });

  describe('rate limits', () => {
    it("exhausting limits.perTool as the JWT with sub 'ci-bot' does not limit the service token 'ci-bot'", async () => {
      const asJwt = (await connectHttpClient(host.url, undefined, bearer(await jwt()))).client;
      const asService = (await connectHttpClient(host.url, undefined, bearer(SERVICE_TOKEN))).client;
      const echo = (c: Client, text: string) => c.callTool({ name: 'echo_text', arguments: { text } });
      try {
        for (let i = 0; i < 3; i++) expect(await echo(asJwt, `jwt ${i}`)).toMatchObject({ content: [{ text: `jwt ${i}` }] });
        await expect(echo(asJwt, 'jwt 3')).rejects.toMatchObject({ code: -32029, data: { limit: 'perTool' } });
        for (let i = 0; i < 3; i++) expect(await echo(asService, `service ${i}`)).toMatchObject({ content: [{ text: `service ${i}` }] });
        await expect(echo(asService, 'service 3')).rejects.toMatchObject({ code: -32029, data: { limit: 'perTool' } });
        // In the 2026-07-28 era too: the bucket is the principal's, not the session's.
        const modern = await postModern(host.url, modernRequest(9, 'tools/call', { name: 'echo_text', arguments: { text: 'x' } }), { headers: bearer(await jwt()) });
        expect(modern.response!.error).toMatchObject({ code: -32029 });
      } finally {
        await asJwt.close();
        await asService.close();
      }
      // The audit trail names each caller by its own id.
      const outcomes = (id: string) => host.logs.filter((l) => l.audit === true && l.target === 'echo_text' && l.principal === id).map((l) => l.outcome);
      await expect.poll(() => outcomes(JWT_ID), { timeout: 5000 }).toEqual(['ok', 'ok', 'ok', 'rate-limited', 'rate-limited']);
      await expect.poll(() => outcomes(SERVICE_ID), { timeout: 5000 }).toEqual(['ok', 'ok', 'ok', 'rate-limited']);
    });
  });

  describe('whoami', () => {
    it('a handler sees the source, the bare subject and, for a JWT, the issuer', async () => {
      const cases: Array<[Record<string, string>, unknown]> = [
        [bearer(await jwt()), { id: JWT_ID, source: 'jwt', subject: 'ci-bot', issuer: ISSUER, scopes: ['notes:read'], roles: [] }],
        [bearer(SERVICE_TOKEN), { id: SERVICE_ID, source: 'service', subject: 'ci-bot', scopes: ['notes:read'], roles: ['ops'] }],
        [{}, { id: 'anonymous', source: 'anonymous', subject: 'anonymous', scopes: [], roles: [] }],
        [bearer(await jwt('anonymous')), { id: `jwt:${ISSUER}#anonymous`, source: 'jwt', subject: 'anonymous', issuer: ISSUER, scopes: ['notes:read'], roles: [] }],
      ];
      for (const [headers, expected] of cases) {
        const { client } = await connectHttpClient(host.url, undefined, headers);
        try {
          expect(textOf(await client.callTool({ name: 'whoami', arguments: {} }))).toEqual(expected);
        } finally {
          await client.close();
        }
        const modern = await postModern(host.url, modernRequest(1, 'tools/call', { name: 'whoami', arguments: {} }), { headers });
        expect(textOf(modern.response!.result)).toEqual(expected);
      }
    });

    it('stdio: the configured id is the subject, in the stdio id space', async () => {
      const config = writeConfig({ auth: { stdioPrincipal: { id: 'ci-bot', scopes: ['notes:read'], roles: [] } } });
      const { client } = await connectStdioClient([FIXTURE], undefined, ['--config', config.file]);
      try {
        expect(textOf(await client.callTool({ name: 'whoami', arguments: {} }))).toEqual({ id: 'stdio:ci-bot', source: 'stdio', subject: 'ci-bot', scopes: ['notes:read'], roles: [] });
      } finally {
        await client.close();
        config.remove();
      }
    });
  });
});

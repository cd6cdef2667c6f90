/**
 * Raw 2026-07-28 requests against a real host: every malformed, mislabelled or forged request
 * gets the right HTTP status AND a JSON-RPC error with the right code, a message that says what is
 * wrong and the request's id echoed; and the host keeps serving afterwards.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  connectHttpClient,
  META,
  MODERN_VERSION,
  modernMeta,
  modernRequest,
  openListenStream,
  pluginPath,
  postModern,
  startTestHost,
  type ListenStream,
  type ModernResponse,
  type TestHost,
} from '../harness/index.js';

const USER = { username: 'alice', email: 'alice@example.com' };
const b64 = (s: string) => `=?base64?${Buffer.from(s, 'utf8').toString('base64')}?=`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Asserts a JSON-RPC error response: status, code, the id echoed (same JSON type), and a message matching `message`. */
function expectError(res: ModernResponse, status: number, code: number, id: string | number, message: RegExp): { code: number; message: string; data?: any } {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  expect(res.json, res.text).toMatchObject({ jsonrpc: '2.0', id, error: { code } });
  expect(res.json).not.toHaveProperty('result');
  expect(res.json!.error!.message).toMatch(message);
  return res.json!.error!;
}

/** A request with a complete envelope except what `meta` replaces (or `undefined` removes). */
function withMeta(id: string | number, method: string, params: Record<string, unknown>, meta: Record<string, unknown>) {
  const m: Record<string, unknown> = { ...modernMeta(), ...meta };
  for (const [k, v] of Object.entries(m)) if (v === undefined) delete m[k];
  return modernRequest(id, method, { ...params, _meta: m });
}

/** Round 1 of test_elicitation: returns the input key and the sealed requestState. */
async function elicitationRound1(url: string, id: number, message = 'Who are you?'): Promise<{ key: string; state: string }> {
  const res = await postModern(url, modernRequest(id, 'tools/call', { name: 'test_elicitation', arguments: { message } }));
  expect(res.status, res.text).toBe(200);
  const result = res.json?.result as Record<string, any>;
  expect(result, res.text).toMatchObject({ resultType: 'input_required', requestState: expect.any(String) });
  const keys = Object.keys(result.inputRequests);
  expect(keys).toHaveLength(1);
  expect(result.inputRequests[keys[0]]).toMatchObject({ method: 'elicitation/create', params: { message } });
  return { key: keys[0], state: result.requestState };
}

/** The retry of test_elicitation with an answer and a state. */
const elicitationRetry = (id: number, key: string, state: string, message = 'Who are you?', answer: unknown = { action: 'accept', content: USER }) =>
  modernRequest(id, 'tools/call', { name: 'test_elicitation', arguments: { message }, inputResponses: { [key]: answer }, requestState: state });

/** The host answers a well-formed modern call. */
async function expectStillServes(url: string): Promise<void> {
  const res = await postModern(url, modernRequest('alive', 'tools/call', { name: 'test_simple_text' }));
  expect(res.status, res.text).toBe(200);
  expect(res.json?.id).toBe('alive');
  expect(res.json?.result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: 'This is a simple text response for testing.' }] });
}

describe('2026-07-28 over raw HTTP: bad input', () => {
  let host: TestHost;
  /** A second host process (its own random requestState secret) with a 1 s state TTL and at most 2 listen streams. */
  let bounded: TestHost;
  const streams: ListenStream[] = [];

  beforeAll(async () => {
    const config = join(tmpdir(), `mcp-host-modern-bad-input-${process.pid}.yaml`);
    writeFileSync(config, 'protocol:\n  requestStateTtlMs: 1000\n  maxListenStreams: 2\n');
    [host, bounded] = await Promise.all([startTestHost(), startTestHost({ args: ['--config', config] })]);
  });

  afterEach(async () => {
    for (const s of streams.splice(0)) s.close();
    await expectStillServes(host.url);
  });

  afterAll(async () => {
    await Promise.all([host?.stop(), bounded?.stop()]);
  });

  describe('envelope (_meta)', () => {
    it('rejects a request without _meta: 400 -32602', async () => {
      const res = await postModern(host.url, { jsonrpc: '2.0', id: 101, method: 'server/discover', params: {} });
      const error = expectError(res, 400, -32602, 101, /_meta/);
      expect(error.message).toContain(META.protocolVersion);
    });

    it('rejects _meta without clientCapabilities: 400 -32602 naming it (string id echoed)', async () => {
      const res = await postModern(host.url, withMeta('no-caps', 'server/discover', {}, { [META.clientCapabilities]: undefined }));
      const error = expectError(res, 400, -32602, 'no-caps', /clientCapabilities/);
      expect(error.data).toEqual({ missing: [META.clientCapabilities] });
    });

    it('echoes id 0 (not a truthiness check)', async () => {
      const res = await postModern(host.url, { jsonrpc: '2.0', id: 0, method: 'tools/list', params: {} });
      expectError(res, 400, -32602, 0, /_meta/);
    });

    it('accepts _meta without clientInfo (it is optional)', async () => {
      const res = await postModern(host.url, withMeta(102, 'server/discover', {}, { [META.clientInfo]: undefined }));
      expect(res.status, res.text).toBe(200);
      expect(res.json?.result).toMatchObject({ resultType: 'complete', supportedVersions: [MODERN_VERSION] });
    });

    it('rejects an unsupported version: 400 -32022 with data {supported, requested}', async () => {
      const res = await postModern(host.url, withMeta(301, 'server/discover', {}, { [META.protocolVersion]: 'v999.0.0' }));
      const error = expectError(res, 400, -32022, 301, /v999\.0\.0/);
      expect(error.data).toEqual({ supported: [MODERN_VERSION], requested: 'v999.0.0' });
    });

    it('rejects a legacy version claimed in the modern envelope: 400 -32022', async () => {
      const res = await postModern(host.url, withMeta(303, 'tools/list', {}, { [META.protocolVersion]: '2025-11-25' }));
      const error = expectError(res, 400, -32022, 303, /2025-11-25/);
      expect(error.data).toEqual({ supported: [MODERN_VERSION], requested: '2025-11-25' });
    });
  });

  describe('headers against the body', () => {
    it('rejects MCP-Protocol-Version ≠ _meta version: 400 -32020 (before the version check)', async () => {
      const res = await postModern(host.url, withMeta(302, 'server/discover', {}, { [META.protocolVersion]: 'v999.0.0' }), { headers: { 'mcp-protocol-version': MODERN_VERSION } });
      const error = expectError(res, 400, -32020, 302, /MCP-Protocol-Version/);
      expect(error.message).toContain(MODERN_VERSION);
      expect(error.message).toContain('v999.0.0');
    });

    it('rejects a missing MCP-Protocol-Version header: 400 -32020', async () => {
      const res = await postModern(host.url, modernRequest(304, 'tools/list'), { headers: { 'mcp-protocol-version': null } });
      expectError(res, 400, -32020, 304, /MCP-Protocol-Version/);
    });

    it('rejects a missing Mcp-Method: 400 -32020', async () => {
      const res = await postModern(host.url, modernRequest(305, 'tools/list'), { headers: { 'mcp-method': null } });
      expectError(res, 400, -32020, 305, /Mcp-Method.*required/);
    });

    it('rejects a mismatching Mcp-Method: 400 -32020 naming both', async () => {
      const res = await postModern(host.url, modernRequest(306, 'tools/list'), { headers: { 'mcp-method': 'prompts/list' } });
      const error = expectError(res, 400, -32020, 306, /Mcp-Method/);
      expect(error.message).toContain('prompts/list');
      expect(error.message).toContain('tools/list');
    });

    it('rejects a mismatching or missing Mcp-Name on tools/call, prompts/get and resources/read: 400 -32020', async () => {
      const call = modernRequest(307, 'tools/call', { name: 'test_simple_text' });
      const error = expectError(await postModern(host.url, call, { headers: { 'mcp-name': 'test_error_handling' } }), 400, -32020, 307, /Mcp-Name/);
      expect(error.message).toContain('test_error_handling');
      expect(error.message).toContain('test_simple_text');
      expectError(await postModern(host.url, call, { headers: { 'mcp-name': null } }), 400, -32020, 307, /Mcp-Name/);
      expectError(await postModern(host.url, modernRequest(308, 'prompts/get', { name: 'test_simple_prompt' }), { headers: { 'mcp-name': 'other' } }), 400, -32020, 308, /Mcp-Name/);
      expectError(await postModern(host.url, modernRequest(309, 'resources/read', { uri: 'test://static-text' }), { headers: { 'mcp-name': 'test://static-binary' } }), 400, -32020, 309, /Mcp-Name/);
    });

    it('accepts Mcp-Name in the =?base64?…?= form, and with surrounding whitespace', async () => {
      const call = await postModern(host.url, modernRequest(310, 'tools/call', { name: 'test_simple_text' }), { headers: { 'mcp-name': b64('test_simple_text') } });
      expect(call.status, call.text).toBe(200);
      expect(call.json?.result).toMatchObject({ resultType: 'complete', content: [{ text: 'This is a simple text response for testing.' }] });

      const read = await postModern(host.url, modernRequest(311, 'resources/read', { uri: 'test://template/ü 1/data' }), { headers: { 'mcp-name': b64('test://template/ü 1/data') } });
      expect(read.status, read.text).toBe(200);
      expect(read.json?.result).toMatchObject({ resultType: 'complete', contents: [{ uri: 'test://template/ü 1/data' }] });

      const padded = await postModern(host.url, modernRequest(312, 'tools/call', { name: 'test_simple_text' }), { headers: { 'mcp-name': '  test_simple_text ' } });
      expect(padded.status, padded.text).toBe(200);
    });
  });

  describe('methods', () => {
    it.each(['initialize', 'ping', 'logging/setLevel', 'resources/subscribe', 'resources/unsubscribe'])('answers the removed method %s with 404 -32601', async (method) => {
      const res = await postModern(host.url, modernRequest(500, method, method.startsWith('resources/') ? { uri: 'test://static-text' } : {}));
      const error = expectError(res, 404, -32601, 500, new RegExp(method.replace('/', '\\/')));
      expect(error.message).toMatch(/removed|2026-07-28/);
    });

    it('answers an unknown method with 404 -32601', async () => {
      expectError(await postModern(host.url, modernRequest(601, 'unknown/method')), 404, -32601, 601, /unknown\/method/);
    });

    it('serves a modern request carrying a legacy Mcp-Session-Id as modern, ignoring the header', async () => {
      const bogus = await postModern(host.url, modernRequest(701, 'tools/list'), { headers: { 'mcp-session-id': 'not-a-session' } });
      expect(bogus.status, bogus.text).toBe(200);
      expect(bogus.json?.result).toMatchObject({ resultType: 'complete', tools: expect.any(Array) });
      expect(bogus.headers.get('mcp-session-id')).toBeNull();

      // Even the id of a live legacy session: still modern, and the session is untouched.
      const { client, transport } = await connectHttpClient(host.url);
      try {
        const live = await postModern(host.url, modernRequest(702, 'tools/call', { name: 'test_simple_text' }), { headers: { 'mcp-session-id': transport.sessionId! } });
        expect(live.status, live.text).toBe(200);
        expect(live.json?.result).toMatchObject({ resultType: 'complete' });
        expect(live.headers.get('mcp-session-id')).toBeNull();
        await expect(client.ping()).resolves.toEqual({});
      } finally {
        await client.close();
      }
    });

    it('answers a notification with 202 and no body, with or without Mcp-Method', async () => {
      const body = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'listen:0', _meta: modernMeta() } };
      for (const headers of [{}, { 'mcp-method': 'notifications/cancelled' }] as Array<Record<string, string>>) {
        const res = await postModern(host.url, body, { headers });
        expect(res.status).toBe(202);
        expect(res.text).toBe('');
      }
    });
  });

  describe('client capabilities', () => {
    it('rejects a tool that needs sampling when the client did not declare it: 400 -32021 with data.requiredCapabilities', async () => {
      const res = await postModern(host.url, withMeta(401, 'tools/call', { name: 'test_missing_capability', arguments: {} }, { [META.clientCapabilities]: {} }));
      const error = expectError(res, 400, -32021, 401, /sampling/);
      expect(error.data).toEqual({ requiredCapabilities: { sampling: {} } });

      // Declared: served.
      const ok = await postModern(host.url, withMeta(402, 'tools/call', { name: 'test_missing_capability', arguments: {} }, { [META.clientCapabilities]: { sampling: {} } }));
      expect(ok.status, ok.text).toBe(200);
      expect(ok.json?.result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: 'Success' }] });
    });
  });

  describe('multi-round-trip requestState', () => {
    it('completes with a valid retry (control)', async () => {
      const { key, state } = await elicitationRound1(host.url, 800);
      const res = await postModern(host.url, elicitationRetry(801, key, state));
      expect(res.status, res.text).toBe(200);
      expect(res.json).toMatchObject({ id: 801, result: { resultType: 'complete', content: [{ text: `User response: action=accept, content=${JSON.stringify(USER)}` }] } });
    });

    it('rejects a tampered requestState: -32602', async () => {
      const { key, state } = await elicitationRound1(host.url, 810);
      expectError(await postModern(host.url, elicitationRetry(811, key, `${state}-TAMPERED`)), 200, -32602, 811, /requestState/);

      // A forged payload (the answers changed) under the original signature.
      const [body, sig] = state.split('.');
      const payload = JSON.parse(Buffer.from(body, 'base64url').toString());
      payload.answers = { [key]: { action: 'accept', content: { username: 'mallory', email: 'm@example.com' } } };
      const forged = `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${sig}`;
      expectError(await postModern(host.url, elicitationRetry(812, key, forged)), 200, -32602, 812, /requestState.*(tampered|verification)/);

      expectError(await postModern(host.url, elicitationRetry(813, key, 'not-a-state')), 200, -32602, 813, /requestState/);
      expectError(await postModern(host.url, elicitationRetry(814, key, 42 as never)), 200, -32602, 814, /requestState/);
    });

    it('rejects a requestState replayed on a different request: -32602', async () => {
      const { key, state } = await elicitationRound1(host.url, 820);
      // Same tool, other arguments.
      expectError(await postModern(host.url, elicitationRetry(821, key, state, 'Something else?')), 200, -32602, 821, /requestState.*different request/);
      // Another tool.
      const other = modernRequest(822, 'tools/call', { name: 'test_input_required_result_elicitation', arguments: {}, inputResponses: { user_name: { action: 'accept', content: { name: 'x' } } }, requestState: state });
      expectError(await postModern(host.url, other), 200, -32602, 822, /requestState.*different request/);
    });

    it('rejects an expired requestState: -32602 saying it expired', async () => {
      const { key, state } = await elicitationRound1(bounded.url, 830);
      await sleep(1_300);
      const error = expectError(await postModern(bounded.url, elicitationRetry(831, key, state)), 200, -32602, 831, /expired/);
      expect(error.message).toMatch(/requestState/);
      await expectStillServes(bounded.url);
    });

    it('rejects a requestState issued by another host process: -32602', async () => {
      const { key, state } = await elicitationRound1(host.url, 840);
      expectError(await postModern(bounded.url, elicitationRetry(841, key, state)), 200, -32602, 841, /requestState.*(another host|verification)/);
      // …while the issuing host still accepts it.
      const ok = await postModern(host.url, elicitationRetry(842, key, state));
      expect(ok.json?.result).toMatchObject({ resultType: 'complete' });
    });

    it('rejects malformed inputResponses: -32602 naming the problem', async () => {
      const fixture = (id: number, inputResponses: unknown) =>
        modernRequest(id, 'tools/call', { name: 'test_input_required_result_elicitation', arguments: {}, inputResponses });
      expectError(await postModern(host.url, fixture(850, { user_name: 12345 })), 200, -32602, 850, /inputResponses\.user_name/);
      expectError(await postModern(host.url, fixture(851, null)), 200, -32602, 851, /inputResponses/);
      expectError(await postModern(host.url, fixture(852, [1, 2])), 200, -32602, 852, /inputResponses/);
      expectError(await postModern(host.url, fixture(853, { user_name: { action: 'maybe' } })), 200, -32602, 853, /inputResponses\.user_name/);
    });

    it('rejects a malformed answer to test_elicitation (a tool that catches elicitation errors) with -32602, not a tool result', async () => {
      const { key, state } = await elicitationRound1(host.url, 860);
      const res = await postModern(host.url, elicitationRetry(861, key, state, undefined, 12345));
      expectError(res, 200, -32602, 861, new RegExp(`inputResponses\\.${key}`));
    });
  });

  describe('subscriptions/listen', () => {
    it('opens a stream whose events carry the listen id verbatim (control)', async () => {
      const id = 1795486242312;
      const stream = await openListenStream(host.url, id, { toolsListChanged: true });
      streams.push(stream);
      expect(stream.status).toBe(200);
      expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
      const ack = await stream.waitFor(() => true);
      expect(ack).toEqual({ jsonrpc: '2.0', method: 'notifications/subscriptions/acknowledged', params: { notifications: { toolsListChanged: true }, _meta: { [META.subscriptionId]: id } } });
      await postModern(host.url, modernRequest(900, 'tools/call', { name: 'test_trigger_tool_change', arguments: {} }));
      const changed = await stream.waitFor((e) => e.method === 'notifications/tools/list_changed');
      expect(changed.params?._meta).toEqual({ [META.subscriptionId]: id });
    });

    it('rejects an unknown notification kind: -32602 naming it', async () => {
      const res = await postModern(host.url, modernRequest(910, 'subscriptions/listen', { notifications: { toolsListChanged: true, bogusKind: true } }));
      const error = expectError(res, 200, -32602, 910, /bogusKind/);
      expect(error.data).toEqual({ unknown: 'bogusKind' });
      expectError(await postModern(host.url, modernRequest(911, 'subscriptions/listen', { notifications: { toolsListChanged: 'yes' } })), 200, -32602, 911, /toolsListChanged/);
      expectError(await postModern(host.url, modernRequest(912, 'subscriptions/listen', {})), 200, -32602, 912, /notifications/);
    });

    it('bounds the number of listen streams; closing one frees a slot', async () => {
      const open = async (id: string) => {
        const s = await openListenStream(bounded.url, id, { toolsListChanged: true });
        streams.push(s);
        return s;
      };
      const first = await open('L1');
      const second = await open('L2');
      for (const [s, id] of [[first, 'L1'], [second, 'L2']] as const) {
        const ack = await s.waitFor(() => true);
        expect(ack).toMatchObject({ method: 'notifications/subscriptions/acknowledged', params: { _meta: { [META.subscriptionId]: id } } });
      }

      const third = await open('L3');
      const refused = await third.waitFor((e) => 'error' in e);
      expect(refused).toMatchObject({ jsonrpc: '2.0', id: 'L3', error: { code: expect.any(Number), message: expect.stringMatching(/listen streams.*limit 2|limit.*2/) } });
      expect(third.events.filter((e) => e.method === 'notifications/subscriptions/acknowledged')).toEqual([]);

      // Closing a stream frees its slot (the host notices the disconnect).
      first.close();
      await vi.waitFor(
        async () => {
          const retry = await open(`L4-${Date.now()}`);
          const first = await retry.waitFor(() => true);
          if (first.method !== 'notifications/subscriptions/acknowledged') {
            retry.close();
            throw new Error(`still refused: ${JSON.stringify(first)}`);
          }
        },
        { timeout: 5_000, interval: 100 },
      );
      await expectStillServes(bounded.url);
    });
  });
});

/**
 * Raw HTTP against a real host: every malformed or refused request gets the right status AND a
 * JSON-RPC error body that says what is wrong, and the host keeps serving afterwards.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../harness/index.js';

const PROTOCOL_VERSION = '2025-11-25';
const TIMEOUT_MS = 10_000;

interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (undefined when empty or not JSON). */
  json: { jsonrpc?: string; id?: unknown; result?: unknown; error?: { code: number; message: string; data?: unknown } } | undefined;
}

describe('HTTP transport: bad input', () => {
  let host: TestHost;
  /** A session initialized in beforeAll, for requests that need a valid one. */
  let session: string;

  async function send(method: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
    const res = await fetch(host.url, { method, body: init.body, headers: init.headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await res.text();
    let json: RawResponse['json'];
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  /**
   * A request through node:http, for what fetch cannot do: set Host, or declare a Content-Length
   * and send no body (`body` undefined), so a refusal based on the declared length cannot race
   * with the upload (the host closes the connection after a 413).
   */
  function rawHttp(headers: Record<string, string>, body?: string): Promise<{ status: number; json: RawResponse['json'] }> {
    const url = new URL(host.url);
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: url.port, path: url.pathname, method: 'POST', timeout: TIMEOUT_MS, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode!, json: JSON.parse(text) });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no response within ${TIMEOUT_MS} ms`)));
      req.on('error', reject);
      if (body === undefined) req.flushHeaders();
      else req.end(body);
    });
  }

  /** POSTs a body with the headers a well-behaved client sends, plus `headers`. */
  function post(body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
    return send('POST', {
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': PROTOCOL_VERSION, ...headers },
    });
  }

  /** POSTs on the shared session. */
  const postOnSession = (body: unknown, headers: Record<string, string> = {}) => post(body, { 'mcp-session-id': session, ...headers });

  /** Initializes a new session the way a client does; returns its id. */
  async function initialize(): Promise<string> {
    const res = await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'raw-http-e2e', version: '1.0.0' } } });
    expect(res.status, res.text).toBe(200);
    expect(res.json?.result).toMatchObject({ protocolVersion: PROTOCOL_VERSION });
    const id = res.headers.get('mcp-session-id');
    expect(id).toMatch(/\S/);
    const ack = await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': id! });
    expect(ack.status).toBe(202);
    return id!;
  }

  /** Asserts a refusal: the status, a JSON-RPC error body with `code`, and a message matching `message`. */
  function expectRpcError(res: RawResponse, status: number, code: number, message: RegExp, id: unknown = null): void {
    expect(res.status, res.text).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.json, res.text).toMatchObject({ jsonrpc: '2.0', id, error: { code, message: expect.stringMatching(message) } });
  }

  beforeAll(async () => {
    host = await startTestHost();
    session = await initialize();
  });

  afterAll(async () => {
    await host?.stop();
  });

  // After every refused request, the host still serves: a new session initializes and lists tools,
  // and the shared session still answers.
  afterEach(async () => {
    const fresh = await initialize();
    const list = await post({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, { 'mcp-session-id': fresh });
    expect(list.status).toBe(200);
    expect((list.json?.result as { tools: unknown[] }).tools.length).toBeGreaterThan(0);
    await send('DELETE', { headers: { 'mcp-session-id': fresh } });
    const ping = await postOnSession({ jsonrpc: '2.0', id: 3, method: 'ping' });
    expect(ping.json).toEqual({ jsonrpc: '2.0', id: 3, result: {} });
  });

  describe('body', () => {
    it('malformed JSON → 400 -32700', async () => {
      expectRpcError(await postOnSession('{"jsonrpc":"2.0","id":1,"method":'), 400, -32700, /^Parse error/);
    });

    it('a batch array → 400 -32600 saying batches are not supported', async () => {
      expectRpcError(await postOnSession([{ jsonrpc: '2.0', id: 1, method: 'ping' }, { jsonrpc: '2.0', id: 2, method: 'ping' }]), 400, -32600, /batch/i);
    });

    it('JSON that is not JSON-RPC → 400 -32600', async () => {
      expectRpcError(await postOnSession({ foo: 1 }), 400, -32600, /Invalid Request.*jsonrpc/);
      expectRpcError(await postOnSession({ jsonrpc: '2.0', id: 4 }), 400, -32600, /Invalid Request/, 4);
      expectRpcError(await postOnSession('42'), 400, -32600, /JSON-RPC 2\.0 object/);
    });

    it('an oversized body → 413 naming the limit', async () => {
      const declared = 4 * 1024 * 1024 + 1; // one byte over the default server.bodyLimitBytes (4 MiB)
      const res = await rawHttp({ 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': session, 'content-length': String(declared) });
      expect(res.status).toBe(413);
      expect(res.json).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.stringMatching(/larger than 4194304 bytes/) } });
    });

    it('a wrong Content-Type → 415', async () => {
      const res = await send('POST', {
        body: JSON.stringify({ jsonrpc: '2.0', id: 6, method: 'ping' }),
        headers: { 'content-type': 'text/plain', accept: 'application/json, text/event-stream', 'mcp-session-id': session },
      });
      expectRpcError(res, 415, -32600, /Content-Type must be application\/json/);
    });
  });

  describe('JSON-RPC on a valid session', () => {
    it('an unknown method → -32601 naming it', async () => {
      const res = await postOnSession({ jsonrpc: '2.0', id: 7, method: 'tools/frobnicate' });
      expectRpcError(res, 200, -32601, /Method not found: tools\/frobnicate/, 7);
    });

    it('invalid params (tools/call without name) → -32602 naming the field', async () => {
      const res = await postOnSession({ jsonrpc: '2.0', id: 8, method: 'tools/call', params: { arguments: {} } });
      expectRpcError(res, 200, -32602, /"name"/, 8);
    });

    it('a notification → 202 with no body', async () => {
      const res = await postOnSession({ jsonrpc: '2.0', method: 'notifications/roots/list_changed' });
      expect(res.status).toBe(202);
      expect(res.text).toBe('');
    });

    it('a client response → 202 with no body', async () => {
      const res = await postOnSession({ jsonrpc: '2.0', id: 'mcp-host-999', result: {} });
      expect(res.status).toBe(202);
      expect(res.text).toBe('');
      const error = await postOnSession({ jsonrpc: '2.0', id: 'mcp-host-998', error: { code: -1, message: 'no' } });
      expect(error.status).toBe(202);
    });
  });

  describe('sessions', () => {
    it('a request without Mcp-Session-Id → 400', async () => {
      expectRpcError(await post({ jsonrpc: '2.0', id: 9, method: 'tools/list' }), 400, -32000, /Mcp-Session-Id header is required/, 9);
    });

    it('an unknown session id → 404 -32001', async () => {
      const res = await post({ jsonrpc: '2.0', id: 10, method: 'tools/list' }, { 'mcp-session-id': 'no-such-session' });
      expectRpcError(res, 404, -32001, /Session not found/, 10);
    });

    it('a deleted session → 404 afterwards', async () => {
      const doomed = await initialize();
      const deleted = await send('DELETE', { headers: { 'mcp-session-id': doomed } });
      expect(deleted.status).toBe(200);
      expectRpcError(await post({ jsonrpc: '2.0', id: 11, method: 'tools/list' }, { 'mcp-session-id': doomed }), 404, -32001, /Session not found/, 11);
      expectRpcError(await send('DELETE', { headers: { 'mcp-session-id': doomed } }), 404, -32001, /Session not found/);
    });

    it('an unsupported MCP-Protocol-Version → 400 listing the supported ones', async () => {
      const res = await postOnSession({ jsonrpc: '2.0', id: 12, method: 'tools/list' }, { 'mcp-protocol-version': '1999-01-01' });
      expectRpcError(res, 400, -32000, /unsupported MCP-Protocol-Version "1999-01-01".*2025-11-25/, 12);
    });

    it('initialize with an unsupported protocolVersion → the host offers its latest instead of failing', async () => {
      const res = await post({ jsonrpc: '2.0', id: 20, method: 'initialize', params: { protocolVersion: '1999-01-01', capabilities: {}, clientInfo: { name: 'x', version: '1' } } });
      expect(res.status, res.text).toBe(200);
      expect(res.json?.result).toMatchObject({ protocolVersion: '2025-11-25' });
      await send('DELETE', { headers: { 'mcp-session-id': res.headers.get('mcp-session-id')! } });
    });

    it('initialize carrying a session id → 400', async () => {
      const res = await postOnSession({ jsonrpc: '2.0', id: 13, method: 'initialize', params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'x', version: '1' } } });
      expectRpcError(res, 400, -32600, /initialize.*must not carry Mcp-Session-Id/, 13);
    });

    it('a failed initialize → the error, and no Mcp-Session-Id for a session that was never created', async () => {
      const res = await post({ jsonrpc: '2.0', id: 18, method: 'initialize', params: { capabilities: {} } });
      expectRpcError(res, 200, -32602, /"protocolVersion" must be a string/, 18);
      // The host keeps no session for a failed initialize, so an id handed out here only leads a client to 404s.
      expect(res.headers.get('mcp-session-id'), 'Mcp-Session-Id header on a failed initialize').toBeNull();
    });

    it('GET and DELETE with an unknown session id → 404 -32001', async () => {
      expectRpcError(await send('GET', { headers: { accept: 'text/event-stream', 'mcp-session-id': 'no-such-session' } }), 404, -32001, /Session not found/);
      expectRpcError(await send('DELETE', { headers: { 'mcp-session-id': 'no-such-session' } }), 404, -32001, /Session not found/);
    });

    it('a second GET stream on one session → 409; once the first closes, a new one is accepted', async () => {
      const getStream = (signal: AbortSignal) => fetch(host.url, { headers: { accept: 'text/event-stream', 'mcp-session-id': session }, signal });
      const first = new AbortController();
      const stream = await getStream(first.signal);
      try {
        expect(stream.status).toBe(200);
        expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
        const second = await send('GET', { headers: { accept: 'text/event-stream', 'mcp-session-id': session } });
        expectRpcError(second, 409, -32009, /already has an open GET stream/);
      } finally {
        first.abort();
      }
      // The host notices the closed stream asynchronously: retry briefly.
      const third = new AbortController();
      try {
        let status = 0;
        for (const deadline = Date.now() + 5_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
          const res = await getStream(third.signal);
          status = res.status;
          if (status === 200) break;
          await res.text();
        }
        expect(status).toBe(200);
      } finally {
        third.abort();
      }
    });
  });

  describe('HTTP method, headers and DNS-rebinding protection', () => {
    it('GET without Accept: text/event-stream → 406', async () => {
      const res = await send('GET', { headers: { accept: 'application/json', 'mcp-session-id': session } });
      expectRpcError(res, 406, -32008, /Accept must include text\/event-stream/);
    });

    it('POST accepting neither JSON nor SSE → 406', async () => {
      const res = await postOnSession({ jsonrpc: '2.0', id: 14, method: 'ping' }, { accept: 'text/html' });
      expectRpcError(res, 406, -32008, /Not Acceptable/);
    });

    it('PUT → 405 with an Allow header', async () => {
      const res = await send('PUT', { body: '{}', headers: { 'content-type': 'application/json', 'mcp-session-id': session } });
      expectRpcError(res, 405, -32007, /Method Not Allowed: PUT/);
      expect(res.headers.get('allow')).toBe('GET, POST, DELETE');
    });

    it('a foreign Origin → 403', async () => {
      const res = await postOnSession({ jsonrpc: '2.0', id: 15, method: 'ping' }, { origin: 'https://evil.example.com' });
      expectRpcError(res, 403, -32006, /Origin "https:\/\/evil\.example\.com" is not allowed/);
      // A local origin passes (the guard refuses foreign origins, not origins as such).
      const local = await postOnSession({ jsonrpc: '2.0', id: 16, method: 'ping' }, { origin: new URL(host.url).origin });
      expect(local.json).toEqual({ jsonrpc: '2.0', id: 16, result: {} });
    });

    it('a foreign Host header → 403', async () => {
      // fetch forbids setting Host, so node:http sends this one.
      const port = new URL(host.url).port;
      const body = JSON.stringify({ jsonrpc: '2.0', id: 17, method: 'ping' });
      const res = await rawHttp({ host: `evil.example.com:${port}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': session, 'content-length': String(Buffer.byteLength(body)) }, body);
      expect(res.status).toBe(403);
      expect(res.json).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32006, message: expect.stringMatching(/Host header "evil\.example\.com:\d+" is not allowed/) } });
    });
  });
});

// MCP request shapes of both eras, and a tiny client for set-up and for checking answers
// (the load itself is autocannon's; see load.mjs).

export const MODERN = '2026-07-28';
export const LEGACY = '2025-11-25';
const ACCEPT_BOTH = 'application/json, text/event-stream';

/** The `_meta` envelope of a stateless 2026-07-28 request. */
export const modernMeta = (extra = {}) => ({
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientCapabilities': {},
  ...extra,
});

/** Headers + body of one modern request. */
export function modernRequest(method, params = {}, { name, id = 1, accept = ACCEPT_BOTH } = {}) {
  const headers = {
    'content-type': 'application/json',
    accept,
    'mcp-protocol-version': MODERN,
    'mcp-method': method,
    ...(name !== undefined ? { 'mcp-name': name } : {}),
  };
  const body = JSON.stringify({ jsonrpc: '2.0', id, method, params: { ...params, _meta: modernMeta(params._meta) } });
  return { headers, body };
}

export const modernToolCall = (name, args, opts) => modernRequest('tools/call', { name, arguments: args }, { ...opts, name });

/** Headers + body of one request on a legacy session; `id` may be autocannon's `"[<id>]"` placeholder. */
export function legacyRequest(sessionId, method, params, { id = 1 } = {}) {
  const headers = { 'content-type': 'application/json', accept: ACCEPT_BOTH, 'mcp-session-id': sessionId, 'mcp-protocol-version': LEGACY };
  const body = JSON.stringify({ jsonrpc: '2.0', id, method, params });
  return { headers, body };
}

/** The JSON-RPC messages of a response body, JSON or SSE (a resumable stream's priming event has empty data: no message). */
export function messagesOf(contentType, text) {
  if ((contentType ?? '').includes('text/event-stream')) {
    return text
      .split('\n')
      .filter((l) => l.startsWith('data:') && l.slice(5).trim() !== '')
      .map((l) => JSON.parse(l.slice(5)));
  }
  return text ? [JSON.parse(text)] : [];
}

/** POSTs and returns { status, contentType, text, messages, sessionId } (bounded by a timeout). */
export async function post(url, { headers, body }) {
  const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  const contentType = res.headers.get('content-type') ?? '';
  return { status: res.status, contentType, text, messages: messagesOf(contentType, text), sessionId: res.headers.get('mcp-session-id') ?? undefined };
}

/** The final response among a POST's messages (the one with an id and a result or error). */
export const finalOf = (messages) => messages.find((m) => 'id' in m && ('result' in m || 'error' in m));

/** Opens a legacy session: initialize, then notifications/initialized. Returns the session id. */
export async function openLegacySession(url) {
  const init = await post(url, {
    headers: { 'content-type': 'application/json', accept: ACCEPT_BOTH },
    body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: LEGACY, capabilities: {}, clientInfo: { name: 'bench', version: '1.0.0' } } }),
  });
  const result = finalOf(init.messages)?.result;
  if (init.status !== 200 || !init.sessionId || !result) throw new Error(`initialize failed: HTTP ${init.status} ${init.text.slice(0, 200)}`);
  const { headers } = legacyRequest(init.sessionId, 'notifications/initialized');
  const done = await post(url, { headers, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
  if (done.status !== 202) throw new Error(`notifications/initialized got HTTP ${done.status} ${done.text.slice(0, 200)}`);
  return init.sessionId;
}

/** Runs `fn(i)` for i in [0, count) with at most `concurrency` at once. */
export async function pool(count, concurrency, fn) {
  let next = 0;
  const out = new Array(count);
  const worker = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return out;
}

/** Throws unless the POST answered a tools/call with text `expected` (content[0].text). */
export async function expectToolText(url, request, expected, what) {
  const r = await post(url, request);
  const text = finalOf(r.messages)?.result?.content?.[0]?.text;
  if (r.status !== 200 || text !== expected) throw new Error(`${what}: unexpected answer (HTTP ${r.status}): ${r.text.slice(0, 300)}`);
  return r;
}

/** Ends a legacy session (DELETE); resolves with the HTTP status. */
export async function deleteSession(url, sessionId) {
  const res = await fetch(url, { method: 'DELETE', headers: { 'mcp-session-id': sessionId, 'mcp-protocol-version': LEGACY }, signal: AbortSignal.timeout(15_000) });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`DELETE session got HTTP ${res.status}`);
  return res.status;
}

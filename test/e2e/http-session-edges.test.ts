/**
 * Two edges of the session era over HTTP, with a raw client (what an SDK hides):
 * - the 404 for an unknown (or expired, or another principal's) session echoes the request's id,
 *   so a client matches the refusal to its request; a notification's refusal keeps id null;
 * - an initialize asking for 2026-07-28 (which has no initialize) negotiates 2025-11-25 and says
 *   in the result's `_meta` how to speak the stateless era; the SDK 1.x client accepts the answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../harness/index.js';

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
let host: TestHost;
beforeAll(async () => {
  host = await startTestHost();
});
afterAll(async () => {
  await host?.stop();
});

async function post(body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any; session: string | null }> {
  const res = await fetch(host.url, { method: 'POST', headers: { ...HEADERS, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, session: res.headers.get('mcp-session-id') };
}

const initialize = (id: unknown, protocolVersion: string) => ({ jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });

describe('unknown session: the 404 echoes the request id', () => {
  it('echoes a number id and a string id; a notification gets id null', async () => {
    const unknown = { 'mcp-session-id': 'no-such-session', 'mcp-protocol-version': '2025-11-25' };
    const a = await post({ jsonrpc: '2.0', id: 41, method: 'tools/list' }, unknown);
    expect(a.status).toBe(404);
    expect(a.json).toMatchObject({ jsonrpc: '2.0', id: 41, error: { code: -32001 } });
    const b = await post({ jsonrpc: '2.0', id: 'req-"x"', method: 'ping' }, unknown);
    expect(b.status).toBe(404);
    expect(b.json.id).toBe('req-"x"');
    const c = await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, unknown);
    expect(c.status).toBe(404);
    expect(c.json.id).toBeNull();
  });

  it('echoes the id once the session is closed (DELETE)', async () => {
    const opened = await post(initialize(1, '2025-11-25'));
    const session = opened.session!;
    await fetch(host.url, { method: 'DELETE', headers: { 'mcp-session-id': session } });
    const after = await post({ jsonrpc: '2.0', id: 7, method: 'tools/list' }, { 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' });
    expect(after.status).toBe(404);
    expect(after.json.id).toBe(7);
  });

  it('a missing session header: 400 with the id', async () => {
    const r = await post({ jsonrpc: '2.0', id: 9, method: 'tools/list' }, { 'mcp-protocol-version': '2025-11-25' });
    expect(r.status).toBe(400);
    expect(r.json.id).toBe(9);
  });
});

describe('initialize asking for 2026-07-28', () => {
  it('negotiates 2025-11-25 and says in _meta how to use the stateless era', async () => {
    const r = await post(initialize(1, '2026-07-28'));
    expect(r.status).toBe(200);
    expect(r.session).toBeTruthy();
    expect(r.json.result.protocolVersion).toBe('2025-11-25');
    const note = r.json.result._meta['dev.mcp-host/statelessEra'];
    expect(note).toMatchObject({ requested: '2026-07-28', negotiated: '2025-11-25' });
    expect(note.message).toContain('io.modelcontextprotocol/protocolVersion');
    expect(note.message).toContain('server/discover');
    // The session works as any 2025-11-25 session.
    const list = await post({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, { 'mcp-session-id': r.session!, 'mcp-protocol-version': '2025-11-25' });
    expect(list.json.result.tools.length).toBeGreaterThan(0);
  });

  it('an initialize asking for a session version carries no note', async () => {
    for (const v of ['2025-11-25', '2025-03-26', '1999-01-01']) {
      const r = await post(initialize(1, v));
      expect(r.json.result._meta, v).toBeUndefined();
    }
  });
});

/**
 * Hostile clients, part 2: one principal cannot starve the others. A host with small per-principal
 * quotas (server.quotas) and a short body timeout; mallory floods sessions, GET streams, listen
 * streams, calls in flight and slow bodies; each flood is refused at mallory's share with a clear
 * error, while alice and bob are served as if nothing happened.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttpClient, modernRequest, openListenStream, type ListenStream } from '../harness/index.js';
import { bearer, expectServing, openSession, post, startHostileHost, type HostileHost } from '../harness/hostile.js';

const QUOTAS = { sessionsPerPrincipal: 5, getStreamsPerPrincipal: 2, listenStreamsPerPrincipal: 3, inFlightPerPrincipal: 4 };

describe('hostile clients: fair shares', () => {
  let h: HostileHost;
  beforeAll(async () => {
    h = await startHostileHost({ quotas: QUOTAS, maxSessions: 50, bodyTimeoutMs: 1500 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('sessions: a principal past its share gets 429 naming the quota; others still open sessions; DELETE gives the share back', async () => {
    const mine: string[] = [];
    for (let i = 0; i < QUOTAS.sessionsPerPrincipal; i++) {
      const s = await openSession(h.url, 'mallory');
      expect(s.status).toBe(200);
      mine.push(s.id!);
    }
    const refused = await openSession(h.url, 'mallory');
    expect(refused.status).toBe(429);
    expect(refused.id).toBeNull();
    expect(refused.response?.error).toMatchObject({ code: -32029, message: expect.stringMatching(/already holds 5 sessions \(server\.quotas\.sessionsPerPrincipal\)/) });
    expect((await openSession(h.url, 'bob')).status).toBe(200);
    await expectServing(h);
    const end = (id: string) => fetch(h.url, { method: 'DELETE', headers: { 'mcp-session-id': id, ...bearer('mallory') } });
    expect((await end(mine.pop()!)).status).toBe(200);
    const again = await openSession(h.url, 'mallory');
    expect(again.status).toBe(200);
    // Leave mallory's share empty for the next attacks.
    for (const id of [...mine, again.id!]) expect((await end(id)).status).toBe(200);
  });

  it('GET streams: a principal past its share gets 429; another principal opens its stream', async () => {
    const open: Array<AbortController> = [];
    try {
      const streamOn = async (who: 'mallory' | 'bob') => {
        const { id } = await openSession(h.url, who);
        const controller = new AbortController();
        open.push(controller);
        const res = await fetch(h.url, { method: 'GET', headers: { accept: 'text/event-stream', 'mcp-session-id': id!, 'mcp-protocol-version': '2025-11-25', ...bearer(who) }, signal: controller.signal });
        return res;
      };
      for (let i = 0; i < QUOTAS.getStreamsPerPrincipal; i++) expect((await streamOn('mallory')).status).toBe(200);
      const refused = await streamOn('mallory').catch(() => undefined);
      expect(refused?.status).toBe(429);
      expect(await refused!.json()).toMatchObject({ error: { code: -32029, message: expect.stringMatching(/2 GET streams \(server\.quotas\.getStreamsPerPrincipal\)/), data: { limit: 'getStreamsPerPrincipal', max: 2 } } });
      expect((await streamOn('bob')).status).toBe(200);
      await expectServing(h);
    } finally {
      for (const c of open) c.abort();
    }
  });

  it('listen streams: past its share a principal gets -32029 naming the quota; another principal listens', async () => {
    const streams: ListenStream[] = [];
    try {
      for (let i = 0; i < QUOTAS.listenStreamsPerPrincipal; i++) {
        const s = await openListenStream(h.url, `m-listen-${i}`, { toolsListChanged: true }, { headers: bearer('mallory') });
        streams.push(s);
        await s.waitFor((e) => e.method === 'notifications/subscriptions/acknowledged');
      }
      const refused = await openListenStream(h.url, 'm-listen-x', { toolsListChanged: true }, { headers: bearer('mallory') });
      streams.push(refused);
      const answer = await refused.waitFor((e) => 'error' in e);
      expect(answer.error).toMatchObject({ code: -32029, message: expect.stringMatching(/3 listen streams \(server\.quotas\.listenStreamsPerPrincipal\)/), data: { limit: 'listenStreamsPerPrincipal', max: 3 } });
      const bobs = await openListenStream(h.url, 'b-listen', { toolsListChanged: true }, { headers: bearer('bob') });
      streams.push(bobs);
      await bobs.waitFor((e) => e.method === 'notifications/subscriptions/acknowledged');
      await expectServing(h);
    } finally {
      for (const s of streams) s.close();
    }
  });

  it('calls in flight: past its share a principal gets 429 with Retry-After; the others are answered promptly meanwhile', async () => {
    const slow = Array.from({ length: QUOTAS.inFlightPerPrincipal }, (_, i) => post(h.url, 'mallory', modernRequest(`slow-${i}`, 'tools/call', { name: 'sleep', arguments: { ms: 2500 } })));
    await new Promise((r) => setTimeout(r, 300));
    const refused = await post(h.url, 'mallory', modernRequest('slow-x', 'tools/call', { name: 'sleep', arguments: { ms: 10 } }));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.response?.error).toMatchObject({ code: -32029, message: expect.stringMatching(/4 requests in flight \(server\.quotas\.inFlightPerPrincipal\)/) });
    const bob = await post(h.url, 'bob', modernRequest('bob-1', 'tools/call', { name: 'ping', arguments: {} }), { timeoutMs: 2_000 });
    expect(bob.response?.result).toMatchObject({ content: [{ type: 'text', text: 'pong' }] });
    await expectServing(h);
    for (const r of await Promise.all(slow)) expect(r.response?.result).toMatchObject({ content: [{ type: 'text', text: 'slept 2500' }] });
    // The share is given back as calls end.
    expect((await post(h.url, 'mallory', modernRequest('after', 'tools/call', { name: 'ping', arguments: {} }))).status).toBe(200);
  });

  it('a 2025-03-26 batch counts each request in flight: one that does not fit the share is refused whole (429) before anything runs', async () => {
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...bearer('mallory') };
    const init = await fetch(h.url, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'batcher', version: '1' } } }) });
    const session = init.headers.get('mcp-session-id')!;
    await init.text();
    const inSession = { ...headers, 'mcp-session-id': session, 'mcp-protocol-version': '2025-03-26' };
    await (await fetch(h.url, { method: 'POST', headers: inSession, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) })).text();
    const sleeps = (n: number, ms: number) => Array.from({ length: n }, (_, i) => ({ jsonrpc: '2.0', id: `b${i}`, method: 'tools/call', params: { name: 'sleep', arguments: { ms } } }));

    // One request over the share: nothing of the batch runs (no tool is called, no audit line for it).
    const callsBefore = h.host.logs.filter((l) => l.audit === true && l.target === 'sleep').length;
    const over = await fetch(h.url, { method: 'POST', headers: inSession, body: JSON.stringify(sleeps(QUOTAS.inFlightPerPrincipal + 1, 10)) });
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBe('1');
    expect(await over.json()).toMatchObject({ error: { code: -32029, data: { limit: 'inFlightPerPrincipal', max: QUOTAS.inFlightPerPrincipal } } });
    await new Promise((r) => setTimeout(r, 200));
    expect(h.host.logs.filter((l) => l.audit === true && l.target === 'sleep').length).toBe(callsBefore);

    // A batch that fits is served whole, and the share is given back when it ends.
    const fits = await fetch(h.url, { method: 'POST', headers: inSession, body: JSON.stringify(sleeps(QUOTAS.inFlightPerPrincipal, 10)) });
    expect(fits.status).toBe(200);
    const answers = (await fits.json()) as Array<{ id: string; result?: { content: Array<{ text: string }> } }>;
    expect(answers.map((a) => a.id).sort()).toEqual(['b0', 'b1', 'b2', 'b3']);
    for (const a of answers) expect(a.result?.content[0]?.text).toBe('slept 10');
    // The audit trail sees these four calls, so the count above would have seen a refused one run.
    await expect.poll(() => h.host.logs.filter((l) => l.audit === true && l.target === 'sleep').length).toBe(callsBefore + QUOTAS.inFlightPerPrincipal);
    expect((await post(h.url, 'mallory', modernRequest('after-batch', 'tools/call', { name: 'ping', arguments: {} }))).status).toBe(200);
    await expectServing(h);
  });

  it('slow bodies: 40 connections that never finish their body are cut after server.bodyTimeoutMs (408), others are served', async () => {
    const url = new URL(h.url);
    const started = Date.now();
    const ends = Array.from({ length: 40 }, () =>
      new Promise<{ text: string; ms: number }>((resolve) => {
        const socket = connect(Number(url.port), '127.0.0.1');
        let text = '';
        socket.setEncoding('utf8');
        socket.on('data', (d) => (text += d));
        socket.on('close', () => resolve({ text, ms: Date.now() - started }));
        socket.on('error', () => undefined);
        socket.write(`POST ${url.pathname} HTTP/1.1\r\nHost: 127.0.0.1:${url.port}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nAuthorization: Bearer ${bearer('mallory').authorization.slice(7)}\r\nContent-Length: 1000\r\n\r\n{"jsonrpc":`);
        // Bounded: whatever the host does, the test ends its sockets after 10 s.
        setTimeout(() => socket.destroy(), 10_000).unref();
      }),
    );
    await new Promise((r) => setTimeout(r, 300));
    await expectServing(h);
    const results = await Promise.all(ends);
    for (const r of results) {
      expect(r.text).toMatch(/^HTTP\/1\.1 408/);
      expect(r.ms).toBeLessThan(5_000);
    }
    await expectServing(h);
  }, 20_000);

  it('a session is used only by its principal, and the SDK client of a principal within its share works end to end', async () => {
    const { client } = await connectHttpClient(h.url, undefined, bearer('bob'));
    try {
      expect(((await client.callTool({ name: 'ping', arguments: {} })).content as Array<{ text: string }>)[0]!.text).toBe('pong');
    } finally {
      await client.close();
    }
  });
});

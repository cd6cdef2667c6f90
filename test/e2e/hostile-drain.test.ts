/**
 * Hostile conditions, part 3: shutdown drops nothing. SIGTERM reaches a host with 21 slow calls in
 * flight (10 legacy on an SDK session, 11 modern), a listen stream and a legacy GET stream open:
 * new work is refused with 503 + Retry-After, the calls finish within server.drainTimeoutMs and are
 * answered, the listen stream ends with its answer, and the host exits 0. Calls longer than the
 * drain are answered with -32005 instead of a reset socket; a second signal exits at once; stdio
 * answers what the client sent before closing stdin.
 */
import { describe, expect, it } from 'vitest';
import { connectHttpClient, modernRequest, openListenStream } from '../harness/index.js';
import { bearer, post, spawnStdioHost, startHostileHost } from '../harness/hostile.js';

const exitOf = (h: { host: { process: import('node:child_process').ChildProcess } }) =>
  new Promise<{ code: number | null; ms: number }>((resolve) => {
    const started = Date.now();
    const p = h.host.process;
    if (p.exitCode !== null) return resolve({ code: p.exitCode, ms: 0 });
    p.once('exit', (code) => resolve({ code, ms: Date.now() - started }));
  });

describe('hostile conditions: graceful drain', () => {
  it('SIGTERM with 21 slow calls in flight (both eras): every call is answered, new work gets 503, exit 0', async () => {
    const h = await startHostileHost({ drainTimeoutMs: 8_000 });
    const { client } = await connectHttpClient(h.url, undefined, bearer('bob'));
    try {
      const legacy = Array.from({ length: 10 }, (_, i) => client.callTool({ name: 'sleep', arguments: { ms: 1500 + i * 10 } }, undefined, { timeout: 20_000 }).then((r) => (r.content as Array<{ text: string }>)[0]!.text, (e: Error) => `error: ${e.message}`));
      const modern = Array.from({ length: 11 }, (_, i) => post(h.url, 'mallory', modernRequest(`m-${i}`, 'tools/call', { name: 'sleep', arguments: { ms: 1500 } }), { timeoutMs: 20_000 }).then((r) => r.response, (e: Error) => ({ error: { message: `socket: ${e.message}` } })));
      const listen = await openListenStream(h.url, 'listen-1', { toolsListChanged: true }, { headers: bearer('alice') });
      await listen.waitFor((e) => e.method === 'notifications/subscriptions/acknowledged');
      await new Promise((r) => setTimeout(r, 400));
      const exited = exitOf(h);
      h.host.process.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 150));

      // New work is refused while the host drains.
      const late = await post(h.url, 'alice', modernRequest('late', 'tools/call', { name: 'ping', arguments: {} }));
      expect(late.status).toBe(503);
      expect(late.headers.get('retry-after')).toBe('5');
      expect(late.response?.error).toMatchObject({ code: -32005, message: expect.stringMatching(/shutting down/) });

      // The listen stream ends with its answer (a graceful end, not a cut connection).
      await listen.waitFor((e) => e.id === 'listen-1' && 'result' in e, 5_000);

      expect(await Promise.all(legacy)).toEqual(Array.from({ length: 10 }, (_, i) => `slept ${1500 + i * 10}`));
      for (const r of await Promise.all(modern)) expect(r).toMatchObject({ result: { content: [{ type: 'text', text: 'slept 1500' }] } });
      expect((await exited).code).toBe(0);
      expect(h.host.logs.find((l) => l.msg === 'drained: every call in flight finished')).toBeDefined();
    } finally {
      await client.close().catch(() => undefined);
      await h.close();
    }
  }, 40_000);

  it('calls longer than server.drainTimeoutMs are answered with -32005 (both eras), not a reset socket', async () => {
    const h = await startHostileHost({ drainTimeoutMs: 1000 });
    const { client } = await connectHttpClient(h.url, undefined, bearer('bob'));
    try {
      const legacy = client.callTool({ name: 'sleep', arguments: { ms: 30_000 } }, undefined, { timeout: 20_000 }).then(() => 'resolved', (e: Error & { code?: number }) => `${e.code}: ${e.message}`);
      const modern = Array.from({ length: 5 }, (_, i) => post(h.url, 'mallory', modernRequest(`long-${i}`, 'tools/call', { name: 'sleep', arguments: { ms: 30_000 } }), { timeoutMs: 20_000 }).then((r) => r.response, (e: Error) => ({ error: { message: `socket: ${e.message}` } })));
      await new Promise((r) => setTimeout(r, 400));
      const exited = exitOf(h);
      h.host.process.kill('SIGTERM');
      expect(await legacy).toMatch(/^-32005: .*shut down before this call finished \(server\.drainTimeoutMs: 1000 ms\)/);
      for (const r of await Promise.all(modern)) expect(r).toMatchObject({ error: { code: -32005, message: expect.stringMatching(/shut down before this call finished/) } });
      const { code, ms } = await exited;
      expect(code).toBe(0);
      expect(ms).toBeLessThan(8_000);
      expect(h.host.logs.find((l) => String(l.msg).startsWith('drained;'))).toMatchObject({ cutShort: 6 });
    } finally {
      await client.close().catch(() => undefined);
      await h.close();
    }
  }, 40_000);

  it('a second signal exits at once', async () => {
    const h = await startHostileHost({ drainTimeoutMs: 30_000 });
    try {
      const pending = post(h.url, 'mallory', modernRequest('forever', 'tools/call', { name: 'sleep', arguments: { ms: 60_000 } }), { timeoutMs: 20_000 }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 400));
      const exited = exitOf(h);
      h.host.process.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      expect(h.host.process.exitCode).toBeNull();
      h.host.process.kill('SIGINT');
      const { code, ms } = await exited;
      expect(code).toBe(1);
      expect(ms).toBeLessThan(3_000);
      await pending;
    } finally {
      await h.close();
    }
  }, 30_000);

  it('stdio: requests sent before stdin closes are answered, then the host exits 0', async () => {
    const stdio = spawnStdioHost();
    try {
      for (let i = 0; i < 3; i++) stdio.send(JSON.stringify(modernRequest(i, 'tools/call', { name: 'sleep', arguments: { ms: 800 } })));
      stdio.child.stdin!.end();
      expect(await stdio.exited).toBe(0);
      expect(stdio.answers.map((a) => a.result?.content?.[0]?.text)).toEqual(['slept 800', 'slept 800', 'slept 800']);
    } finally {
      stdio.kill();
    }
  }, 30_000);

  it('stdio: SIGTERM with a call in flight answers it before exiting 0', async () => {
    const stdio = spawnStdioHost();
    try {
      stdio.send(JSON.stringify(modernRequest('ping', 'tools/call', { name: 'ping', arguments: {} })));
      expect(await stdio.answer((a) => a.id === 'ping')).toBeDefined();
      stdio.send(JSON.stringify(modernRequest('slow', 'tools/call', { name: 'sleep', arguments: { ms: 800 } })));
      await new Promise((r) => setTimeout(r, 200));
      stdio.child.kill('SIGTERM');
      expect(await stdio.exited).toBe(0);
      expect(stdio.answers.find((a) => a.id === 'slow')).toMatchObject({ result: { content: [{ type: 'text', text: 'slept 800' }] } });
    } finally {
      stdio.kill();
    }
  }, 30_000);
});

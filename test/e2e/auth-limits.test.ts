/**
 * Limits, end to end: a token bucket per principal on HTTP requests (429 + Retry-After), one per
 * principal and tool (an in-band JSON-RPC error with data.retryAfterMs), and a cap on a
 * principal's calls in flight; each trips, leaves other principals alone, and recovers.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modernRequest, postModern, sha256Hex, startTestHost, writeConfig, type TestHost } from '../harness/index.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/auth/secure-fixture', import.meta.url));
const NAMES = ['http-a', 'http-b', 'tool-a', 'conc-a'] as const;
const token = (name: string) => `${name}-token-0123456789abcdef`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('auth: limits', () => {
  let host: TestHost;
  let remove: () => void;

  beforeAll(async () => {
    const config = writeConfig({
      auth: { serviceTokens: NAMES.map((name) => ({ name, sha256: sha256Hex(token(name)) })) },
      // Slow refills (1/s, one per 2 s), so no token comes back while a test spends its burst, even on a busy machine.
      limits: { perPrincipal: { rate: 1, burst: 5 }, perTool: { rate: 0.5, burst: 2 }, tools: { sleep: { rate: 100, burst: 100 } }, maxConcurrentPerPrincipal: 2 },
    });
    remove = config.remove;
    host = await startTestHost({ plugins: [FIXTURE], args: ['--config', config.file] });
  });
  afterAll(async () => {
    await host?.stop();
    remove?.();
  });

  const send = (who: string, id: number, method: string, params: Record<string, unknown> = {}) =>
    postModern(host.url, modernRequest(id, method, params), { headers: { authorization: `Bearer ${token(who)}` } });

  it('per principal: past the burst, 429 with Retry-After and data.retryAfterMs; others unaffected; recovers', async () => {
    for (let i = 0; i < 5; i++) expect((await send('http-a', i, 'tools/list')).status).toBe(200);
    const refused = await send('http-a', 5, 'tools/list');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    const { retryAfterMs } = refused.json!.error!.data as { retryAfterMs: number };
    expect(refused.json).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32029, message: expect.stringMatching(/^Too Many Requests/) } });
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(1000);
    expect((await send('http-b', 6, 'tools/list')).status).toBe(200);
    await sleep(retryAfterMs + 20);
    expect((await send('http-a', 7, 'tools/list')).status).toBe(200);
  });

  it('per tool: the third quick call of one tool is a JSON-RPC error with data.retryAfterMs; other tools still answer; recovers', async () => {
    for (let i = 0; i < 2; i++) expect((await send('tool-a', i, 'tools/call', { name: 'whoami', arguments: {} })).response!.result).toMatchObject({ resultType: 'complete' });
    const limited = await send('tool-a', 2, 'tools/call', { name: 'whoami', arguments: {} });
    expect(limited.status).toBe(200);
    expect(limited.response!.error).toMatchObject({ code: -32029, message: expect.stringMatching(/Rate limited.*whoami/), data: { retryAfterMs: expect.any(Number), limit: 'perTool' } });
    expect((await send('tool-a', 3, 'tools/call', { name: 'echo_text', arguments: { text: 'x' } })).response!.result).toMatchObject({ content: [{ text: 'x' }] });
    await sleep((limited.response!.error!.data as { retryAfterMs: number }).retryAfterMs + 20);
    expect((await send('tool-a', 4, 'tools/call', { name: 'whoami', arguments: {} })).response!.result).toMatchObject({ resultType: 'complete' });
  });

  it('concurrency: a third call while two run is refused; once they end, calls run again', async () => {
    const slow = [0, 1].map((i) => send('conc-a', i, 'tools/call', { name: 'sleep', arguments: { ms: 600 } }));
    await sleep(200);
    const third = await send('conc-a', 2, 'tools/call', { name: 'sleep', arguments: { ms: 1 } });
    expect(third.response!.error).toMatchObject({ code: -32029, data: { limit: 'maxConcurrentPerPrincipal', max: 2 } });
    for (const r of await Promise.all(slow)) expect(r.response!.result).toMatchObject({ content: [{ text: 'slept' }] });
    expect((await send('conc-a', 3, 'tools/call', { name: 'sleep', arguments: { ms: 1 } })).response!.result).toMatchObject({ content: [{ text: 'slept' }] });
  });

  it('audits limited calls, without argument values unless configured', async () => {
    await expect.poll(() => host.logs.some((l) => l.audit === true && l.outcome === 'rate-limited' && l.principal === 'service:conc-a'), { timeout: 5000 }).toBe(true);
    const lines = host.logs.filter((l) => l.audit === true);
    expect(lines.find((l) => l.principal === 'service:tool-a' && l.outcome === 'rate-limited')).toMatchObject({ target: 'whoami', code: -32029, era: 'modern' });
    expect(lines.some((l) => 'arguments' in l)).toBe(false);
  });
});

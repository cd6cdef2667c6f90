/**
 * Hostile clients, part 1: what a client or a plugin can put in a message. One real host configured
 * as the README's Security section says (service tokens, masking, audit), serving the leaky fixture
 * in a worker thread and then in a child process; after every attack the host is up, the good
 * client (alice) is answered promptly, and nothing personal reached the attacker or a log line.
 *
 * 1. One request must not kill the host: nesting 10,000 deep in arguments and `_meta`, both eras
 *    and stdio; results and log data nested as deep from a plugin.
 * 2. One request must not freeze it: strings built to make the masking patterns backtrack, a body
 *    of megabytes.
 * 3. Masking must not leak: every channel a plugin can reach a caller or a log through.
 * Plus a property-based fuzzer of JSON-RPC bodies and headers (bounded in count and time).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttpClient, modernMeta, modernRequest } from '../harness/index.js';
import { bearer, CARD, deepJson, EMAIL, expectNoLeak, expectServing, openSession, post, spawnStdioHost, startHostileHost, withRaw, type HostileHost } from '../harness/hostile.js';

const DEEP = 10_000;
const call = (id: string | number, name: string, args: unknown = {}, meta?: Record<string, unknown>) => modernRequest(id, 'tools/call', { name, arguments: args, ...(meta ? { _meta: meta } : {}) });

// The leaky fixture runs in a worker thread, then in a child process: both runtimes meet every attack.
describe.each(['worker', 'process'] as const)('hostile clients: input (%s plugins)', (isolation) => {
  let h: HostileHost;
  let session: string;
  beforeAll(async () => {
    h = await startHostileHost({}, { isolation });
    session = (await openSession(h.url, 'mallory')).id!;
  });
  afterAll(async () => {
    await h?.close();
  });

  describe('1. one request cannot kill the host', () => {
    it(`arguments nested ${DEEP} deep: 400 naming server.limits.maxDepth, both eras`, async () => {
      const modern = await post(h.url, 'mallory', withRaw(call('deep-1', 'echo', '@deep'), '@deep', deepJson(DEEP)), { headers: { 'mcp-method': 'tools/call', 'mcp-name': 'echo', 'mcp-protocol-version': '2026-07-28' } });
      expect(modern.status).toBe(400);
      expect(modern.response?.error).toMatchObject({ code: -32600, message: expect.stringMatching(/over a limit: nested deeper than 64 levels \(server\.limits\.maxDepth\)/), data: { limit: 'maxDepth' } });
      const legacy = await post(h.url, 'mallory', withRaw({ jsonrpc: '2.0', id: 'deep-2', method: 'tools/call', params: { name: 'echo', arguments: '@deep' } }, '@deep', deepJson(DEEP)), { session });
      expect(legacy.status).toBe(400);
      expect(legacy.response?.error?.code).toBe(-32600);
      await expectServing(h, [modern.text, legacy.text]);
    });

    it(`_meta nested ${DEEP} deep, and a deep array of arrays: refused the same way`, async () => {
      const meta = await post(h.url, 'mallory', withRaw(call('deep-3', 'echo', { text: 'x' }, { ...modernMeta(), 'acme/trace': '@deep' }), '@deep', deepJson(DEEP)), { headers: { 'mcp-method': 'tools/call', 'mcp-name': 'echo', 'mcp-protocol-version': '2026-07-28' } });
      expect(meta.status).toBe(400);
      expect(meta.response?.error?.message).toMatch(/maxDepth/);
      const arrays = await post(h.url, 'mallory', `{"jsonrpc":"2.0","id":"deep-4","method":"tools/call","params":{"name":"echo","arguments":{"text":${'['.repeat(DEEP * 100)}${']'.repeat(DEEP * 100)}}}}`);
      expect(arrays.status).toBe(400);
      await expectServing(h, [meta.text, arrays.text]);
    });

    it('over the other limits: a 3.9 MB string, 200,000 array items, 20,000 keys: 400 naming each limit, quickly', async () => {
      const started = performance.now();
      const long = await post(h.url, 'mallory', call('big-1', 'echo', { text: 'x'.repeat(3_900_000) }));
      expect(long.status).toBe(400);
      expect(long.response?.error?.message).toMatch(/string of 3900000 characters, over 1048576 \(server\.limits\.maxStringLength\)/);
      const items = await post(h.url, 'mallory', call('big-2', 'echo', { text: 'x', list: Array(200_000).fill(0) }));
      expect(items.response?.error?.message).toMatch(/maxArrayLength/);
      const keys = await post(h.url, 'mallory', call('big-3', 'echo', Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]))));
      expect(keys.response?.error?.message).toMatch(/maxObjectKeys/);
      expect(performance.now() - started).toBeLessThan(5_000);
      await expectServing(h);
    });

    it(`a plugin result nested ${DEEP} deep is a tool error; a log payload as deep is dropped and the call still answers`, async () => {
      const result = await h.alice.callTool({ name: 'deep_result', arguments: {} });
      expect(result.isError).toBe(true);
      expect((result.content as Array<{ text: string }>)[0]!.text).toMatch(/limit|maxDepth|could not be sent/);
      const log = await h.alice.callTool({ name: 'deep_log', arguments: {} });
      expect((log.content as Array<{ text: string }>)[0]!.text).toBe('after deep log');
      // Size is not depth: a plugin's long text (a file, a report) is served whole.
      const big = await h.alice.callTool({ name: 'big_text', arguments: {} });
      expect(big.isError).toBeFalsy();
      expect((big.content as Array<{ text: string }>)[0]!.text).toHaveLength(2_000_000);
      await expectServing(h);
    });

    // stdio is the transport's: once is enough.
    it.runIf(isolation === 'worker')(`stdio: a line nested ${DEEP} deep and a line over the line limit are refused, the next request is answered`, async () => {
      const stdio = spawnStdioHost();
      try {
        stdio.send(withRaw(call(1, 'echo', '@deep'), '@deep', deepJson(DEEP)));
        expect(await stdio.answer(() => true)).toMatchObject({ id: 1, error: { code: -32600, message: expect.stringMatching(/maxDepth/) } });
        stdio.send('x'.repeat(5_000_000));
        expect(await stdio.answer((a) => /line longer/.test(a.error?.message))).toMatchObject({ error: { code: -32600, message: expect.stringMatching(/line longer than 4194304 bytes/) } });
        stdio.send(JSON.stringify(call(3, 'ping')));
        expect(await stdio.answer((a) => a.id === 3)).toMatchObject({ id: 3, result: { content: [{ type: 'text', text: 'pong' }] } });
      } finally {
        stdio.kill();
      }
    }, 30_000);
  });

  describe('2. one request cannot freeze the host', () => {
    for (const [what, text] of [
      ['1 MB of x (the email pattern backtracked quadratically on it: 80 KB took 7 s)', 'x'.repeat(1_000_000)],
      ['a@ repeated', 'a@'.repeat(500_000)],
      ['a.b@ repeated', 'a.b@'.repeat(250_000)],
      ['digits and spaces (the card pattern)', '1 '.repeat(500_000)],
    ] as const) {
      it(`${what}: echoed (masked) within a few seconds while the good client is served`, async () => {
        const started = performance.now();
        const attack = post(h.url, 'mallory', call(`freeze-${what.length}`, 'echo', { text }), { timeoutMs: 20_000 });
        // Meanwhile: alice is answered promptly (a stalled event loop would hold her call up).
        await expectServing(h, [], 3_000);
        const answered = await attack;
        expect(answered.status).toBe(200);
        expect(answered.response?.result).toMatchObject({ content: [{ type: 'text' }] });
        expect(performance.now() - started).toBeLessThan(10_000);
      }, 30_000);
    }
  });

  describe('3. masking covers everything a caller or a log can see', () => {
    const everything: string[] = [];
    const leakTools = ['leak_progress', 'leak_log', 'leak_throw', 'leak_mcp_error', 'leak_tool_error', 'leak_meta', 'leak_link', 'leak_keys', 'leak_logger'];

    it('modern era: every leak tool, with a progress token and logging on, raw wire bytes', async () => {
      for (const name of leakTools) {
        const res = await post(h.url, 'mallory', call(`leak-${name}`, name, {}, { ...modernMeta({ progressToken: `p-${name}`, 'io.modelcontextprotocol/logLevel': 'debug' }) }));
        everything.push(res.text);
        expect(res.response, `${name}: ${res.text}`).toBeDefined();
        // The masked text is still there, so the channel really carried something.
        if (name === 'leak_progress') expect(res.text).toContain('looking up [email] [card]');
        if (name === 'leak_log') expect(res.text).toMatch(/found \[email\] \[card\]/);
        if (name === 'leak_mcp_error') expect(res.response!.error).toMatchObject({ code: -32602, message: 'bad customer [email] [card]', data: { email: '[email]', card: '[card]' } });
        if (name === 'leak_link') expect(res.response!.result).toMatchObject({ content: [{ type: 'resource_link', name: 'report of [email]', description: 'card [card]' }] });
        if (name === 'leak_meta') expect((res.response!.result as { _meta?: Record<string, unknown> })._meta).toMatchObject({ 'acme/owner': '[email]', card: '[card]' });
      }
      expectNoLeak(everything);
    });

    it('legacy era through the official SDK client: results, errors, progress and log notifications', async () => {
      const { client } = await connectHttpClient(h.url, undefined, bearer('bob'));
      try {
        const seen: string[] = [];
        client.fallbackNotificationHandler = async (n) => void seen.push(JSON.stringify(n));
        await client.setLoggingLevel('debug');
        for (const name of leakTools) {
          const outcome = await client.callTool({ name, arguments: {} }, undefined, { onprogress: (p) => void seen.push(JSON.stringify(p)) }).then(
            (r) => JSON.stringify(r),
            (e: Error) => `${e.message} ${JSON.stringify((e as { data?: unknown }).data)}`,
          );
          seen.push(outcome);
        }
        expect(seen.join('\n')).toContain('[email]');
        expectNoLeak(seen);
        everything.push(...seen);
      } finally {
        await client.close();
      }
    });

    it('the host log (errors, stacks, plugin logger, audit arguments) holds none of it', async () => {
      await h.alice.callTool({ name: 'echo', arguments: { text: `mail ${EMAIL}, card ${CARD}`, password: 'hunter22' } });
      await expect.poll(() => h.host.logs.some((l) => l.audit === true && l.target === 'echo'), { timeout: 5_000 }).toBe(true);
      await expect.poll(() => h.host.logs.some((l) => String(l.msg).includes('lookup of [email] [card] failed')), { timeout: 5_000 }).toBe(true);
      await expectServing(h, everything);
      expect(JSON.stringify(h.host.logs)).not.toContain('hunter22');
    });
  });

  describe('fuzzing: random JSON-RPC bodies and headers', () => {
    it('every answer is a well-formed refusal or result, and the host keeps serving (1,000 runs)', async () => {
      const json = fc.jsonValue({ maxDepth: 6 });
      const method = fc.constantFrom('tools/call', 'tools/list', 'resources/read', 'prompts/get', 'initialize', 'subscriptions/listen', 'ping', 'completion/complete', 'x'.repeat(300), '');
      const body = fc.oneof(
        fc.record({ jsonrpc: fc.constantFrom('2.0', '1.0', 2), id: fc.oneof(fc.integer(), fc.string(), fc.constant(null)), method, params: fc.oneof(json, fc.record({ name: fc.string(), arguments: json, _meta: fc.oneof(json, fc.constant(modernMeta())) })) }).map((b) => JSON.stringify(b)),
        json.map((v) => JSON.stringify(v)),
        fc.string({ maxLength: 200 }),
      );
      const headers = fc.record({
        'mcp-protocol-version': fc.constantFrom('2026-07-28', '2025-11-25', 'garbage', ''),
        'mcp-method': fc.oneof(fc.constant('tools/call'), fc.string({ maxLength: 20 })),
        'mcp-session-id': fc.oneof(fc.constant(undefined), fc.constant(session), fc.uuid()),
        'content-type': fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-8'),
      });
      const deadline = Date.now() + 60_000;
      await fc.assert(
        fc.asyncProperty(body, headers, async (text, hs) => {
          if (Date.now() > deadline) return;
          const clean = Object.fromEntries(Object.entries(hs).filter(([, v]) => v !== undefined && /^[\x21-\x7e ]*$/.test(v as string))) as Record<string, string>;
          const res = await fetch(h.url, { method: 'POST', headers: { accept: 'application/json, text/event-stream', ...clean, ...bearer('mallory') }, body: text, signal: AbortSignal.timeout(10_000) });
          const answer = await res.text();
          expect(res.status, answer).toBeLessThan(500);
          if (res.status >= 400 && answer) expect(JSON.parse(answer)).toMatchObject({ jsonrpc: '2.0', error: { code: expect.any(Number), message: expect.any(String) } });
        }),
        { numRuns: 1000, seed: 1203, endOnFailure: true },
      );
      await expectServing(h);
    }, 120_000);
  });
});

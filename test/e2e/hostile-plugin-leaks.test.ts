/**
 * Hostile clients, part 4: personal data that first-party plugins pass on without meaning to. The
 * tasks plugin streams a command's output as log notifications; the database plugin reports a
 * PostgreSQL error that quotes the value it choked on. With the host's masking patterns on, neither
 * reaches the caller (wire bytes of both eras) nor a log line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttpClient, modernMeta, modernRequest, pluginPath, sha256Hex, startTestHost, writeConfig, type TestHost } from '../harness/index.js';
import { bearer, CARD, EMAIL, expectNoLeak, post, TOKENS } from '../harness/hostile.js';

describe('hostile clients: plugin output that quotes personal data', () => {
  let host: TestHost;
  let remove: () => void;
  beforeAll(async () => {
    const config = writeConfig({
      auth: { serviceTokens: [{ name: 'mallory', sha256: sha256Hex(TOKENS.mallory), scopes: [] }] },
      masking: { patterns: ['email', 'card'] },
      plugins: {
        settings: {
          tasks: { config: { tasks: { lookup: { description: 'Prints a customer record.', command: 'printf', args: [`customer ${EMAIL}\\ncard ${CARD}\\n`], timeoutMs: 5_000 } } } },
          // The superuser of the test machine, read-only: the role check only warns here (this suite is about masking).
          database: { config: { connections: { main: { url: 'postgres://postgres@127.0.0.1:5432/test', roleCheck: 'warn' } } } },
        },
      },
    });
    remove = config.remove;
    host = await startTestHost({ plugins: [pluginPath('tasks'), pluginPath('database')], args: ['--config', config.file], timeoutMs: 30_000 });
  });
  afterAll(async () => {
    await host?.stop();
    remove?.();
  });

  it('tasks: output streamed as log notifications and the result tail are masked (modern wire bytes)', async () => {
    const res = await post(host.url, 'mallory', modernRequest('t-1', 'tools/call', { name: 'lookup', arguments: {}, _meta: modernMeta({ 'io.modelcontextprotocol/logLevel': 'debug', progressToken: 't' }) }));
    expect(res.status).toBe(200);
    expect(res.events.some((e) => e.method === 'notifications/message')).toBe(true);
    expect(res.text).toContain('customer [email]');
    expect(res.text).toContain('card [card]');
    expectNoLeak([res.text]);
  });

  it('database: an error message quoting the bad value is masked (legacy SDK client and modern wire bytes)', async () => {
    const sql = `select cast('${EMAIL}' as int), cast('${CARD}' as int)`;
    const modern = await post(host.url, 'mallory', modernRequest('d-1', 'tools/call', { name: 'query', arguments: { sql } }));
    expect(modern.response?.result).toMatchObject({ isError: true });
    expect(modern.text).toMatch(/invalid input syntax for type integer: \\"\[email\]\\"/);
    const { client } = await connectHttpClient(host.url, undefined, bearer('mallory'));
    try {
      const legacy = await client.callTool({ name: 'query', arguments: { sql } });
      expect(legacy.isError).toBe(true);
      expectNoLeak([modern.text, JSON.stringify(legacy)]);
    } finally {
      await client.close();
    }
    expectNoLeak(host.logs.map((l) => JSON.stringify(l)));
  });
});

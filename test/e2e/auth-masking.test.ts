/**
 * Data masking and audit, end to end: rules declared by the plugin (`mask`), by the plugin's
 * config and by the host, applied to tool results (text and structured content), resource text
 * and prompt messages for callers without the unmask scope; always in the logs; and one audit
 * line per call, with masked arguments when the config asks for them.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttpClient, sha256Hex, startTestHost, writeConfig, type TestHost } from '../harness/index.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/auth/secure-fixture', import.meta.url));
const PLAIN = 'plain-token-0123456789abcdef';
const PII = 'pii-token-0123456789abcdef';
const CUSTOMER = { name: 'Ada', email: 'ada@example.com', ssn: '123-45-6789', card: '4111 1111 1111 1111', nested: { ssn: '987-65-4321' } };

type Client = Awaited<ReturnType<typeof connectHttpClient>>['client'];

describe('auth: masking and audit', () => {
  let host: TestHost;
  let remove: () => void;
  let plain: Client;
  let pii: Client;

  beforeAll(async () => {
    const config = writeConfig({
      auth: {
        serviceTokens: [
          { name: 'plain', sha256: sha256Hex(PLAIN), scopes: ['notes:read'] },
          { name: 'pii', sha256: sha256Hex(PII), scopes: ['notes:read', 'pii:read'] },
        ],
      },
      masking: { fields: ['password', 'ssn'], patterns: ['card', 'bearer', 'apiKey'], unmaskScope: 'pii:read' },
      audit: { logArguments: true },
      plugins: { settings: { 'secure-fixture': { masking: { fields: ['secretNote'] } } } },
    });
    remove = config.remove;
    host = await startTestHost({ plugins: [FIXTURE], args: ['--config', config.file] });
    plain = (await connectHttpClient(host.url, undefined, { authorization: `Bearer ${PLAIN}` })).client;
    pii = (await connectHttpClient(host.url, undefined, { authorization: `Bearer ${PII}` })).client;
  });
  afterAll(async () => {
    await plain?.close();
    await pii?.close();
    await host?.stop();
    remove?.();
  });

  const MASKED_CUSTOMER = { name: 'Ada', email: '[email]', ssn: '[REDACTED]', card: '[card]', nested: { ssn: '[REDACTED]' } };

  it('masks structured content and its text mirror (declared fields and patterns, host patterns)', async () => {
    const result = await plain.callTool({ name: 'customer_lookup', arguments: {} });
    expect(result.structuredContent).toEqual(MASKED_CUSTOMER);
    expect(JSON.parse((result.content as Array<{ text: string }>)[0]!.text)).toEqual(MASKED_CUSTOMER);
  });

  it('a caller with the unmask scope gets the result as the plugin returned it', async () => {
    const result = await pii.callTool({ name: 'customer_lookup', arguments: {} });
    expect(result.structuredContent).toEqual(CUSTOMER);
  });

  it('masks card numbers (Luhn-valid only), bearer tokens and API keys in text; leaves what no rule names', async () => {
    const text = 'card 4111-1111-1111-1111, order 1234 5678 9012 3456, header Bearer abc.def.ghi, key sk-live-abcdefghijklmnop1234, aws AKIAABCDEFGHIJKLMNOP, password=hunter22, mail x@y.com';
    const result = await plain.callTool({ name: 'echo_text', arguments: { text } });
    expect((result.content as Array<{ text: string }>)[0]!.text).toBe(
      'card [card], order 1234 5678 9012 3456, header Bearer [token], key [api-key], aws [api-key], password=[api-key], mail x@y.com',
    );
    expect(((await pii.callTool({ name: 'echo_text', arguments: { text } })).content as Array<{ text: string }>)[0]!.text).toBe(text);
  });

  it('masks resource text and prompt messages', async () => {
    expect((await plain.readResource({ uri: 'secure://notes' })).contents).toEqual([{ uri: 'secure://notes', text: 'notes by [email]' }]);
    expect((await pii.readResource({ uri: 'secure://notes' })).contents).toEqual([{ uri: 'secure://notes', text: 'notes by bob@example.com' }]);
    expect((await plain.getPrompt({ name: 'notes_prompt' })).messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Summarize the notes of [email]' } }]);
  });

  it('masks configured fields in the logs for everyone, the plugin logger included', async () => {
    await pii.callTool({ name: 'customer_lookup', arguments: {} });
    await pii.callTool({ name: 'echo_text', arguments: { text: 'hi', password: 'hunter2', secretNote: 'the-note' } });
    await expect.poll(() => host.logs.filter((l) => l.msg === 'customer looked up').length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    const logged = host.logs.find((l) => l.msg === 'customer looked up') as { customer: Record<string, unknown> };
    expect(logged.customer).toMatchObject({ ssn: '[REDACTED]', nested: { ssn: '[REDACTED]' } });
    const all = host.logs.map((l) => JSON.stringify(l)).join('\n');
    for (const secret of ['123-45-6789', '987-65-4321', 'hunter2', 'the-note', PLAIN, PII]) expect(all).not.toContain(secret);
  });

  it('writes one audit line per call: who, client, what, plugin@version, outcome, duration, masked arguments', async () => {
    await plain.callTool({ name: 'echo_text', arguments: { text: 'card 4111 1111 1111 1111', password: 'p4ssw0rd!' } });
    await expect(plain.callTool({ name: 'notes_write', arguments: {} })).rejects.toThrow();
    await plain.readResource({ uri: 'public://info' });
    const audit = () => host.logs.filter((l) => l.audit === true && l.principal === 'service:plain');
    await expect.poll(() => audit().some((l) => l.target === 'public://info'), { timeout: 5000 }).toBe(true);
    const echo = audit().find((l) => l.target === 'echo_text' && (l.arguments as { password?: string } | undefined)?.password !== undefined)!;
    expect(echo).toMatchObject({ msg: 'call', method: 'tools/call', client: 'mcp-host-e2e@1.0.0', era: 'legacy', plugin: 'secure-fixture@1.0.0', outcome: 'ok', arguments: { text: 'card [card]', password: '[REDACTED]' } });
    expect(echo.durationMs).toEqual(expect.any(Number));
    expect(typeof echo.time).toBe('number');
    expect(audit().find((l) => l.target === 'notes_write')).toMatchObject({ outcome: 'forbidden', code: -32003, plugin: 'secure-fixture@1.0.0' });
    expect(audit().find((l) => l.target === 'public://info')).toMatchObject({ method: 'resources/read', outcome: 'ok' });
    // Lists are not calls: no audit line for them.
    expect(host.logs.some((l) => l.audit === true && String(l.method).endsWith('/list'))).toBe(false);
  });
});

/**
 * Shared context meets masking and audit: values served as `context://` resources are masked like
 * any resource for a caller without the unmask scope (fields and patterns, in the JSON text), the
 * caller with it reads them as written, a tool's result carrying a value is masked alike, and each write is
 * one audit line that names the principal, plugin and URI but never carries the value.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttpClient, sha256Hex, startTestHost, writeConfig, type TestHost } from '../harness/index.js';

const WRITER = fileURLToPath(new URL('../fixtures/context/context-writer', import.meta.url));
const READER = fileURLToPath(new URL('../fixtures/context/context-reader', import.meta.url));
const PLAIN = 'plain-token-0123456789abcdef';
const PII = 'pii-token-0123456789abcdef';
const PROFILE = { name: 'Ada', ssn: '123-45-6789', card: '4111 1111 1111 1111', note: 'reach me at ada@example.com' };

type Client = Awaited<ReturnType<typeof connectHttpClient>>['client'];
const textOf = (r: { contents: Array<{ text?: unknown }> }) => JSON.parse(String(r.contents[0]!.text));

describe('shared context: masking of values served as resources, and audit of writes', () => {
  let host: TestHost;
  let remove: () => void;
  let plain: Client;
  let pii: Client;

  beforeAll(async () => {
    const config = writeConfig({
      auth: {
        serviceTokens: [
          { name: 'plain', sha256: sha256Hex(PLAIN), scopes: [] },
          { name: 'pii', sha256: sha256Hex(PII), scopes: ['pii:read'] },
        ],
      },
      masking: { fields: ['ssn'], patterns: ['card', 'email'], unmaskScope: 'pii:read' },
      plugins: { watch: false },
    });
    remove = config.remove;
    host = await startTestHost({ plugins: [WRITER, READER], args: ['--config', config.file] });
    plain = (await connectHttpClient(host.url, undefined, { authorization: `Bearer ${PLAIN}` })).client;
    pii = (await connectHttpClient(host.url, undefined, { authorization: `Bearer ${PII}` })).client;
  });
  afterAll(async () => {
    await plain?.close();
    await pii?.close();
    await host?.stop();
    remove?.();
  });

  it('masks a value read as a resource for a caller without the unmask scope, in every scope', async () => {
    await plain.callTool({ name: 'ctx_set', arguments: { scope: 'principal', key: 'profile', value: PROFILE } });
    await plain.callTool({ name: 'ctx_set', arguments: { scope: 'session', key: 'profile', value: PROFILE } });
    for (const uri of ['context://principal/profile', 'context://session/profile']) {
      const read = await plain.readResource({ uri });
      expect(textOf(read as never)).toEqual({ name: 'Ada', ssn: '[REDACTED]', card: '[card]', note: 'reach me at [email]' });
      expect(read.contents[0]!._meta).toMatchObject({ 'mcp-host/version': expect.any(Number) });
    }
    // A tool returning the value passes through the same masking (results are masked whole).
    const got = await plain.callTool({ name: 'ctx_get', arguments: { scope: 'principal', key: 'profile' } });
    expect((got.structuredContent as { value: unknown }).value).toEqual({ ...PROFILE, ssn: '[REDACTED]', card: '[card]', note: 'reach me at [email]' });
  });

  it('the caller with the unmask scope reads its value as written', async () => {
    await pii.callTool({ name: 'ctx_set', arguments: { scope: 'principal', key: 'profile', value: PROFILE } });
    expect(textOf((await pii.readResource({ uri: 'context://principal/profile' })) as never)).toEqual(PROFILE);
  });

  it('audits each write with principal, plugin, URI and outcome, never the value', async () => {
    await plain.callTool({ name: 'ctx_set', arguments: { scope: 'principal', key: 'audited', value: { ssn: '555-55-5555' } } });
    await plain.callTool({ name: 'ctx_delete', arguments: { scope: 'principal', key: 'audited' } });
    const lines = () => host.logs.filter((l) => l.msg === 'context write' && String(l.uri).endsWith('/audited'));
    await expect.poll(() => lines().length, { timeout: 5_000 }).toBe(2);
    expect(lines()[0]).toMatchObject({ audit: true, context: 'set', uri: 'context://principal/audited', principal: 'service:plain', plugin: 'context-writer', outcome: 'ok', version: expect.any(Number) });
    expect(lines()[1]).toMatchObject({ context: 'delete', outcome: 'ok' });
    expect(JSON.stringify(host.logs)).not.toContain('555-55-5555');
  });
});

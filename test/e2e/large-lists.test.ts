import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttpClient, startTestHost, type TestHost } from '../harness/index.js';
import { connectModernHttpClient } from '../harness/modernClients.js';

/**
 * A list page past 16 KB goes out as bytes encoded once per catalog revision (not as a string).
 * The descriptions carry multi-byte characters, so a wrong Content-Length or a wrong encoding
 * would show as a truncated or garbled list in the official clients of both eras.
 */
const COUNT = 300;
const description = (i: number) => `Outil n°${i} — déjà vu ✓ 数据 🚀: looks up record ${i} and returns it, with a long enough text to make the page large.`;

let host: TestHost;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mcp-host-large-lists-'));
  const plugin = join(dir, 'many-tools');
  mkdirSync(plugin);
  writeFileSync(join(plugin, 'package.json'), JSON.stringify({ name: 'many-tools', version: '1.0.0', type: 'module', main: 'index.js', engines: { 'mcp-host': '^1.0.0' }, mcpHost: { id: 'many' } }));
  writeFileSync(
    join(plugin, 'index.js'),
    [
      `import { definePlugin } from '@mcp-host/sdk';`,
      `const description = ${description.toString()};`,
      `export default definePlugin({ tools: Array.from({ length: ${COUNT} }, (_, i) => ({ name: 'tool_' + i, description: description(i), handler: () => 'ok ' + i })) });`,
    ].join('\n'),
  );
  host = await startTestHost({ plugins: [plugin], args: ['--no-watch'] });
});

afterAll(async () => {
  await host?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function allTools(list: (cursor?: string) => Promise<{ tools: Array<{ name: string; description?: string }>; nextCursor?: string }>) {
  const tools: Array<{ name: string; description?: string }> = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  return tools;
}

/** Lists every tool page by page, as a client of either SDK does, and checks the list is whole and intact. */
async function expectWholeList(client: { listTools(params?: { cursor: string }): Promise<{ tools: Array<{ name: string; description?: string }>; nextCursor?: string }> }) {
  const tools = await allTools((cursor) => client.listTools(cursor ? { cursor } : undefined));
  expect(tools.map((t) => t.description)).toEqual(Array.from({ length: COUNT }, (_, i) => description(i)));
}

describe('large list pages', () => {
  it('reach an SDK 1.x client (2025-11-25) whole and intact, twice (the second from the cached bytes)', async () => {
    const { client } = await connectHttpClient(host.url);
    try {
      await expectWholeList(client);
      await expectWholeList(client);
    } finally {
      await client.close();
    }
  });

  it('reach an SDK 2.x client (2026-07-28) whole and intact', async () => {
    const { client } = await connectModernHttpClient(host.url);
    try {
      await expectWholeList(client);
    } finally {
      await client.close();
    }
  });

  it('a page of that size is over the bytes threshold', async () => {
    const res = await fetch(host.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 'big', method: 'tools/list', params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} } } }),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
    expect(bytes.length).toBeGreaterThan(16 * 1024);
    const body = JSON.parse(bytes.toString('utf8'));
    expect(body).toMatchObject({ jsonrpc: '2.0', id: 'big', result: { resultType: 'complete' } });
    expect(body.result.tools[7].description).toBe(description(7));
  });
});

/**
 * A plugin's run-time item changes (PLUGIN_ITEMS) follow the catalog's visibility rules: a tool
 * added with `scopes` is announced (`tools/list_changed`) and listed only to the principals who
 * hold them. A real host over HTTP with two service-token principals and a plugin in a worker.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectWithToken, sha256Hex, startTestHost, type TestHost } from '../harness/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TOKENS = { keeper: 'keeper-token-0123456789abcdef', visitor: 'visitor-token-0123456789abcdef' } as const;

const SOURCE = `
import { definePlugin } from '@mcp-host/sdk';
import { z } from 'zod';
let items;
export default definePlugin({
  setup(scope) { items = scope.items; },
  tools: [
    {
      name: 'add_tool',
      input: z.object({ name: z.string(), scope: z.string().optional() }),
      handler: async ({ name, scope }) => {
        await items.add({ tools: [{ name, ...(scope ? { scopes: [scope] } : {}), handler: () => name }] });
        return 'added';
      },
    },
  ],
});
`;

const connect = (url: string, token: string) => connectWithToken(url, token, 'items-visibility-e2e');

let root: string;
let host: TestHost;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'mcp-host-items-vis-'));
  const dir = join(root, 'plugins', 'grower');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@items-e2e/grower', version: '1.0.0', type: 'module', main: 'index.js', engines: { 'mcp-host': '^1.0.0' }, mcpHost: { id: 'grower' } }));
  writeFileSync(join(dir, 'index.js'), SOURCE);
  const config = join(root, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      auth: {
        serviceTokens: [
          { name: 'keeper', sha256: sha256Hex(TOKENS.keeper), scopes: ['vault'] },
          { name: 'visitor', sha256: sha256Hex(TOKENS.visitor) },
        ],
      },
      plugins: { watch: false, isolation: 'worker' },
    }),
  );
  host = await startTestHost({ plugins: [join(root, 'plugins')], args: ['--config', config], timeoutMs: 20_000 });
}, 30_000);

afterAll(async () => {
  await host?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('run-time item changes and visibility', () => {
  it('a tool added with scopes is announced and listed only to principals who hold them; an open one to everyone', async () => {
    const keeper = await connect(host.url, TOKENS.keeper);
    const visitor = await connect(host.url, TOKENS.visitor);
    try {
      expect((await keeper.client.callTool({ name: 'add_tool', arguments: { name: 'vault_open', scope: 'vault' } })).content).toEqual([{ type: 'text', text: 'added' }]);
      await vi.waitFor(() => expect(keeper.toolsChanged).toHaveLength(1), { timeout: 10_000, interval: 20 });
      expect((await keeper.client.listTools()).tools.map((t) => t.name)).toContain('vault_open');
      // The visitor's visible catalog did not change: no notification, and the tool is not listed.
      await sleep(500);
      expect(visitor.toolsChanged).toEqual([]);
      expect((await visitor.client.listTools()).tools.map((t) => t.name)).toEqual(['add_tool']);

      await visitor.client.callTool({ name: 'add_tool', arguments: { name: 'lobby' } });
      await vi.waitFor(() => expect(visitor.toolsChanged).toHaveLength(1), { timeout: 10_000, interval: 20 });
      await vi.waitFor(() => expect(keeper.toolsChanged).toHaveLength(2), { timeout: 10_000, interval: 20 });
      expect((await visitor.client.callTool({ name: 'lobby', arguments: {} })).content).toEqual([{ type: 'text', text: 'lobby' }]);
    } finally {
      await keeper.client.close();
      await visitor.client.close();
    }
  });
});

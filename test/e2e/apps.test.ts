/**
 * MCP Apps (SEP-1865) end to end: plugins/example-notes declares `ui://notes/board` (an HTML app)
 * and links it from `list_notes`. A real host with two principals, the board behind a configured
 * scope, and the official clients of both eras: the tool's `_meta.ui.resourceUri`, the resource's
 * MIME type (`text/html;profile=mcp-app`) and `_meta.ui` in the list and in what it reads, the
 * extension in the server's capabilities, and the board filtered out for a caller without the scope.
 */
import { Client as ModernSdkClient, StreamableHTTPClientTransport as ModernTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttpClient, MODERN_VERSION, pluginPath, sha256Hex, startTestHost, writeConfig, type TestHost } from '../harness/index.js';

const APP_MIME = 'text/html;profile=mcp-app';
const BOARD = 'ui://notes/board';
const TOKENS = { alice: 'apps-e2e-alice-0123456789abcdef0', bob: 'apps-e2e-bob-0123456789abcdef012' } as const;
const bearer = (who: keyof typeof TOKENS) => ({ authorization: `Bearer ${TOKENS[who]}` });
const UI_META = { ui: { prefersBorder: true, csp: { connectDomains: [], resourceDomains: [] } } };

describe('MCP Apps (SEP-1865): a ui:// resource linked from a tool', () => {
  let host: TestHost;
  let remove: () => void;
  const clients: Array<{ close(): Promise<void> }> = [];

  beforeAll(async () => {
    const config = writeConfig({
      auth: { serviceTokens: [{ name: 'alice', sha256: sha256Hex(TOKENS.alice), scopes: ['notes:ui'] }, { name: 'bob', sha256: sha256Hex(TOKENS.bob) }] },
      plugins: { settings: { notes: { permissions: { resources: { [BOARD]: { scopes: ['notes:ui'] } } } } } },
    });
    remove = config.remove;
    host = await startTestHost({ plugins: [pluginPath('example-notes')], args: ['--config', config.file] });
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await host?.stop();
    remove?.();
  });

  async function legacy(who: keyof typeof TOKENS) {
    const { client } = await connectHttpClient(host.url, undefined, bearer(who));
    clients.push(client);
    return client;
  }

  it('SDK 1.x: the tool links the app, the app is listed and read as text/html;profile=mcp-app with its _meta.ui, and the server declares the extension', async () => {
    const client = await legacy('alice');
    expect(client.getServerCapabilities()).toMatchObject({ extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: [APP_MIME] } } });
    const { tools } = await client.listTools();
    expect(tools.find((t) => t.name === 'list_notes')?._meta).toEqual({ ui: { resourceUri: BOARD } });
    const { resources } = await client.listResources();
    expect(resources.find((r) => r.uri === BOARD)).toMatchObject({ name: 'notes-board', mimeType: APP_MIME, _meta: UI_META });
    const read = await client.readResource({ uri: BOARD });
    expect(read.contents).toHaveLength(1);
    expect(read.contents[0]).toMatchObject({ uri: BOARD, mimeType: APP_MIME, _meta: UI_META });
    expect((read.contents[0] as { text: string }).text).toMatch(/^<!doctype html>[\s\S]*ui\/notifications\/tool-result[\s\S]*<\/html>\n$/);
    // The tool itself still answers as before; the app is what a capable host renders beside it.
    expect(await client.callTool({ name: 'list_notes' })).toMatchObject({ content: [{ type: 'text' }] });
  });

  it('SDK 2.x pinned to 2026-07-28 reads the same app', async () => {
    const client = new ModernSdkClient({ name: 'apps-e2e-modern', version: '1.0.0' }, { capabilities: { extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: [APP_MIME] } } }, versionNegotiation: { mode: { pin: MODERN_VERSION } } } as never);
    await client.connect(new ModernTransport(new URL(host.url), { requestInit: { headers: bearer('alice') } }));
    clients.push(client);
    const read = await client.readResource({ uri: BOARD });
    expect(read.contents[0]).toMatchObject({ uri: BOARD, mimeType: APP_MIME, _meta: UI_META });
  });

  it('permission-filtered like any resource: without the scope the app is neither listed nor readable', async () => {
    const client = await legacy('bob');
    expect((await client.listResources()).resources.map((r) => r.uri)).not.toContain(BOARD);
    await expect(client.readResource({ uri: BOARD })).rejects.toThrow();
    // The tool stays visible (its own permissions say so); only the app it links is withheld.
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('list_notes');
  });
});

/**
 * The filesystem plugin end to end: a real `mcp-host` (worker runtime) started with a JSON --config
 * whose `plugins.settings.filesystem.config` names two roots in a temp dir — `docs` read-only and
 * `out` writable — beside a folder outside both that links inside the roots point to. An official
 * SDK 1.x client lists, reads, searches and writes, is refused where the config says so, and hears
 * `resources/updated` for a file:// URI it subscribed to. Two more hosts check the default config
 * (the working directory, read-only, no write tools) and a bad config section.
 */
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectHttpClient, pluginPath, startTestHost, type TestHost } from '../harness/index.js';

interface ToolResult {
  isError?: boolean;
  content: Array<{ type: string; text?: string; resource?: { uri: string; mimeType?: string; blob?: string; text?: string } }>;
  structuredContent?: Record<string, any>;
}

const CALL = { timeout: 10_000 } as const;
const WAIT = { timeout: 10_000, interval: 100 } as const;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);

const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'mcp-host-filesystem-e2e-')));
const docs = join(scratch, 'docs');
const out = join(scratch, 'out');
const outside = join(scratch, 'outside');
const uriOf = (file: string) => pathToFileURL(file).href;

function writeTree(): void {
  for (const dir of [join(docs, 'guide'), join(docs, 'node_modules', 'pkg'), out, outside]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(docs, 'readme.md'), '# Project\nThe quick brown fox.\n');
  writeFileSync(join(docs, 'guide', 'intro.md'), 'Intro: the FOX jumps.\n');
  writeFileSync(join(docs, 'guide', 'setup.txt'), 'install, then run\n');
  writeFileSync(join(docs, 'node_modules', 'pkg', 'fox.md'), 'a fox nobody should find\n');
  writeFileSync(join(docs, 'logo.png'), PNG);
  writeFileSync(join(docs, 'huge.log'), 'line\n'.repeat(1000)); // 5000 bytes, over the 4096-byte limit below
  writeFileSync(join(docs, 'live.txt'), 'version 1\n');
  writeFileSync(join(outside, 'secret.txt'), 'top secret\n');
  symlinkSync(join(outside, 'secret.txt'), join(docs, 'escape.txt'));
  symlinkSync(outside, join(docs, 'escape-dir'));
  symlinkSync(join(docs, 'readme.md'), join(docs, 'readme-link.md'));
}

function writeConfig(name: string, filesystem: unknown): string {
  const file = join(scratch, name);
  writeFileSync(file, JSON.stringify({ plugins: { watch: false, callTimeoutMs: 15_000, settings: { filesystem: { config: filesystem } } } }, null, 2));
  return file;
}

let host: TestHost;
let client: Client;

async function call(name: string, args: Record<string, unknown> = {}): Promise<ToolResult> {
  return (await client.callTool({ name, arguments: args }, undefined, CALL)) as ToolResult;
}
async function ok(name: string, args: Record<string, unknown> = {}): Promise<ToolResult> {
  const result = await call(name, args);
  expect(result.isError, JSON.stringify(result)).toBeFalsy();
  return result;
}
async function refused(name: string, args: Record<string, unknown>): Promise<string> {
  const result = await call(name, args);
  expect(result.isError, JSON.stringify(result)).toBe(true);
  return result.content[0]!.text!;
}

beforeAll(async () => {
  writeTree();
  const config = writeConfig('mcp-host.json', {
    roots: [{ path: docs, name: 'docs' }, { path: out, name: 'out', writable: true }],
    maxReadBytes: 4096,
    watch: { debounceMs: 50 },
  });
  host = await startTestHost({ plugins: [pluginPath('filesystem')], args: ['--config', config] });
  ({ client } = await connectHttpClient(host.url));
});

afterAll(async () => {
  await client?.close().catch(() => undefined);
  await host?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('filesystem plugin: reading inside the roots', () => {
  it('serves the read tools, and the write tools because a root is writable', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      ['create_directory', 'delete_file', 'file_info', 'get_working_folder', 'list_directory', 'list_roots', 'move_file', 'read_file', 'search_content', 'search_files', 'set_working_folder', 'write_file'].sort(),
    );
    expect(tools.find((t) => t.name === 'read_file')!.annotations).toMatchObject({ readOnlyHint: true });
    expect(tools.find((t) => t.name === 'delete_file')!.annotations).toMatchObject({ destructiveHint: true });
    const { roots } = (await ok('list_roots')).structuredContent!;
    expect(roots).toEqual([
      { name: 'docs', path: docs, uri: uriOf(docs), writable: false },
      { name: 'out', path: out, uri: uriOf(out), writable: true },
    ]);
  });

  it('lists a folder, relative paths starting at the first root', async () => {
    const listing = (await ok('list_directory', { path: 'guide' })).structuredContent!;
    expect(listing).toMatchObject({ path: join(docs, 'guide'), root: 'docs', truncated: false });
    expect(listing.entries).toEqual([
      { name: 'intro.md', type: 'file', size: 22 },
      { name: 'setup.txt', type: 'file', size: 18 },
    ]);
  });

  it('reads text as text, and a binary file as a base64 blob', async () => {
    expect((await ok('read_file', { path: join(docs, 'readme.md') })).content).toEqual([{ type: 'text', text: '# Project\nThe quick brown fox.\n' }]);
    const blob = (await ok('read_file', { path: 'logo.png' })).content;
    expect(blob).toEqual([{ type: 'resource', resource: { uri: uriOf(join(docs, 'logo.png')), mimeType: 'image/png', blob: PNG.toString('base64') } }]);
  });

  it('refuses a file over maxReadBytes, and reads a part of it', async () => {
    expect(await refused('read_file', { path: 'huge.log' })).toContain('is 5000 bytes, more than the 4096-byte read limit (maxReadBytes); read it in parts with offset and length');
    const part = await ok('read_file', { path: 'huge.log', offset: 4990, length: 100 });
    expect(part.content).toEqual([{ type: 'text', text: 'line\nline\n' }, { type: 'text', text: '[bytes 4990–5000 of 5000]' }]);
  });

  it('refuses "..", absolute paths outside the roots, and links that escape, saying which roots would do', async () => {
    const rootsText = `"docs" (${docs}, read-only), "out" (${out}, writable)`;
    expect(await refused('read_file', { path: '../outside/secret.txt' })).toBe(`../outside/secret.txt contains "..": paths may not climb out of a folder. Give a path inside a root: ${rootsText}.`);
    expect(await refused('read_file', { path: join(outside, 'secret.txt') })).toBe(`${join(outside, 'secret.txt')} is outside the roots this server may use. Allowed roots: ${rootsText}.`);
    expect(await refused('read_file', { path: 'escape.txt' })).toContain(`escape.txt leads through a symbolic link to ${join(outside, 'secret.txt')}, outside every root`);
    expect(await refused('list_directory', { path: 'escape-dir' })).toContain('outside every root');
    expect(await refused('read_file', { path: 'escape-dir/secret.txt' })).toContain('outside every root');
    // A link that stays inside a root is followed.
    expect((await ok('read_file', { path: 'readme-link.md' })).content[0]!.text).toContain('# Project');
  });

  it('searches by glob and by content, skipping ignored folders and not entering links', async () => {
    const byGlob = (await ok('search_files', { pattern: '*.md' })).structuredContent!;
    expect(byGlob.matches.map((m: { path: string }) => m.path).sort()).toEqual([join(docs, 'guide', 'intro.md'), join(docs, 'readme-link.md'), join(docs, 'readme.md')].sort());
    const scoped = (await ok('search_files', { pattern: 'guide/*.txt', path: docs })).structuredContent!;
    expect(scoped.matches).toEqual([{ path: join(docs, 'guide', 'setup.txt'), uri: uriOf(join(docs, 'guide', 'setup.txt')), type: 'file' }]);
    const byContent = await ok('search_content', { query: 'fox' });
    expect(byContent.structuredContent!.matches).toEqual([
      { path: join(docs, 'readme.md'), line: 2, text: 'The quick brown fox.' },
      { path: join(docs, 'guide', 'intro.md'), line: 1, text: 'Intro: the FOX jumps.' },
    ]);
    expect(byContent.content[0]!.text).toBe(`${join(docs, 'readme.md')}:2: The quick brown fox.\n${join(docs, 'guide', 'intro.md')}:1: Intro: the FOX jumps.`);
    const sensitive = (await ok('search_content', { query: 'FOX', caseSensitive: true, glob: '**/*.md' })).structuredContent!;
    expect(sensitive.matches.map((m: { path: string }) => m.path)).toEqual([join(docs, 'guide', 'intro.md')]);
    expect((await refused('search_content', { query: 'x', path: 'readme.md' }))).toContain('is a file, not a folder');
  });

  it('file_info describes a file, and argument errors are tool errors', async () => {
    const info = (await ok('file_info', { path: 'guide/setup.txt' })).structuredContent!;
    expect(info).toMatchObject({ path: join(docs, 'guide', 'setup.txt'), uri: uriOf(join(docs, 'guide', 'setup.txt')), root: 'docs', type: 'file', size: 18, writable: false });
    expect(info.mode).toMatch(/^0[0-7]{3}$/);
    expect(await refused('read_file', {})).toContain('Invalid arguments for tool read_file');
  });
});

describe('filesystem plugin: writing', () => {
  it('refuses to write, move or delete in the read-only root, naming the root that would allow it', async () => {
    const hint = `is in root "docs" (${docs}), which is read-only. Writable roots: "out" (${out}, writable).`;
    expect(await refused('write_file', { path: 'new.txt', content: 'x' })).toBe(`new.txt ${hint}`);
    expect(await refused('delete_file', { path: 'readme.md' })).toBe(`readme.md ${hint}`);
    expect(await refused('move_file', { source: 'readme.md', destination: join(out, 'readme.md') })).toBe(`readme.md ${hint}`);
    expect(readFileSync(join(docs, 'readme.md'), 'utf8')).toContain('# Project');
  });

  it('writes, moves and deletes in the writable root', async () => {
    const written = (await ok('write_file', { path: join(out, 'reports', 'r1.txt'), content: 'report one', createParents: true })).structuredContent!;
    expect(written).toEqual({ path: join(out, 'reports', 'r1.txt'), uri: uriOf(join(out, 'reports', 'r1.txt')), bytes: 10, created: true });
    expect(readFileSync(join(out, 'reports', 'r1.txt'), 'utf8')).toBe('report one');
    await ok('move_file', { source: join(out, 'reports', 'r1.txt'), destination: join(out, 'r1-final.txt') });
    expect(readFileSync(join(out, 'r1-final.txt'), 'utf8')).toBe('report one');
    await ok('delete_file', { path: join(out, 'reports') });
    expect((await ok('list_directory', { path: out })).structuredContent!.entries).toEqual([{ name: 'r1-final.txt', type: 'file', size: 10 }]);
    // A link into the read-only root gives no way to write there.
    symlinkSync(join(docs, 'readme.md'), join(out, 'docs-readme'));
    expect(await refused('write_file', { path: join(out, 'docs-readme'), content: 'overwrite' })).toContain('root "docs"');
  });
});

describe('filesystem plugin: file:// resources', () => {
  it('publishes the file:// template and reads files and folders through it', async () => {
    const { resourceTemplates } = await client.listResourceTemplates();
    // The host's own context:// templates are listed too (shared context); the plugin's is the file:// one.
    expect(resourceTemplates.filter((t) => !t.uriTemplate.startsWith('context://'))).toEqual([expect.objectContaining({ uriTemplate: 'file://{+path}', name: 'file' })]);
    const read = await client.readResource({ uri: uriOf(join(docs, 'readme.md')) });
    expect(read.contents).toEqual([{ uri: uriOf(join(docs, 'readme.md')), mimeType: 'text/markdown', text: '# Project\nThe quick brown fox.\n' }]);
    const blob = await client.readResource({ uri: uriOf(join(docs, 'logo.png')) });
    expect(blob.contents[0]).toMatchObject({ mimeType: 'image/png', blob: PNG.toString('base64') });
    await expect(client.readResource({ uri: uriOf(join(outside, 'secret.txt')) })).rejects.toThrow(/outside the roots/);
    await expect(client.readResource({ uri: uriOf(join(docs, 'missing.txt')) })).rejects.toThrow(/Resource not found/);
  });

  it('sends resources/updated to a client subscribed to a file that changes, and not for other files', async () => {
    const live = uriOf(join(docs, 'live.txt'));
    const seen: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void seen.push(n.params.uri));
    await client.subscribeResource({ uri: live });
    // Give the session's GET stream a moment to be registered before the change.
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(join(docs, 'guide', 'setup.txt'), 'changed, but nobody subscribed\n');
    writeFileSync(join(docs, 'live.txt'), 'version 2\n');
    await vi.waitFor(() => expect(seen).toContain(live), WAIT);
    expect(seen.every((u) => u === live)).toBe(true);
    expect((await client.readResource({ uri: live })).contents[0]).toMatchObject({ text: 'version 2\n' });

    await client.unsubscribeResource({ uri: live });
    const before = seen.length;
    writeFileSync(join(docs, 'live.txt'), 'version 3\n');
    await new Promise((r) => setTimeout(r, 500));
    expect(seen).toHaveLength(before);
  });
});

describe('filesystem plugin: default and bad config', () => {
  it('without a config section serves the working directory read-only, with no write tools', async () => {
    const plain = await startTestHost({ plugins: [pluginPath('filesystem')], args: ['--no-watch'] });
    const { client: c } = await connectHttpClient(plain.url);
    try {
      const { tools } = await c.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(['file_info', 'get_working_folder', 'list_directory', 'list_roots', 'read_file', 'search_content', 'search_files', 'set_working_folder']);
      const roots = ((await c.callTool({ name: 'list_roots', arguments: {} }, undefined, CALL)) as ToolResult).structuredContent!.roots;
      expect(roots).toEqual([expect.objectContaining({ path: realpathSync(process.cwd()), writable: false })]);
    } finally {
      await c.close().catch(() => undefined);
      await plain.stop();
    }
  });

  it('a bad config section fails the load with a message naming every problem, and the host keeps running', async () => {
    const config = writeConfig('bad.json', { roots: [{ path: join(scratch, 'nope') }], maxReadBytes: 'big', typo: 1 });
    const bad = await startTestHost({ plugins: [pluginPath('filesystem')], args: ['--config', config] });
    try {
      // Checked against the schema the plugin declares, each problem named by its path in the host config.
      const problem = bad.logs.find((l) => l.code === 'MCPH_PLUGIN_BAD_CONFIG' && l.plugin === 'filesystem');
      expect(problem, JSON.stringify(bad.logs.filter((l) => l.code))).toBeDefined();
      expect(String(problem!.msg)).toContain('invalid config');
      expect(String(problem!.msg)).toContain('plugins.settings.filesystem.config.maxReadBytes: expected number');
      expect(String(problem!.msg)).toContain('plugins.settings.filesystem.config.typo: unrecognized key "typo"');
      const { client: c } = await connectHttpClient(bad.url);
      expect((await c.listTools()).tools).toEqual([]);
      await c.close();
    } finally {
      await bad.stop();
    }
  });
});

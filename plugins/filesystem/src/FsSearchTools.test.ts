import { rmSync } from 'node:fs';
import path from 'node:path';
import { createToolContext } from '@mcp-host/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FilesystemSettings } from './config.js';
import { makeFixtureTree } from './fixtureTree.testkit.js';
import { FsSearchTools } from './FsSearchTools.js';
import { PathGuard } from './PathGuard.js';

let scratch: string;
let root: string;
let settings: FilesystemSettings;
let tools: FsSearchTools;
const ctx = createToolContext();

beforeAll(async () => {
  ({ scratch, root, settings } = await makeFixtureTree('fs-search-'));
  tools = new FsSearchTools(new PathGuard(settings), settings);
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('FsSearchTools', () => {
  it('search_files matches globs against relative paths, skips ignored folders and does not enter links', async () => {
    const byName = (await tools.searchFiles({ pattern: '*.ts' }, ctx)).structuredContent as { matches: Array<{ path: string }> };
    expect(byName.matches.map((m) => path.relative(root, m.path)).sort()).toEqual(['.hidden/conf.ts', 'src/lib/util.ts', 'src/main.ts']);
    const nested = (await tools.searchFiles({ pattern: 'src/**/*.{ts,json}', path: root }, ctx)).structuredContent as { matches: Array<{ path: string }> };
    expect(nested.matches.map((m) => path.relative(root, m.path))).toEqual(['src/main.ts', 'src/lib/data.json', 'src/lib/util.ts']);
    const none = await tools.searchFiles({ pattern: '*.nothing' }, ctx);
    expect(none.content[0]).toEqual({ type: 'text', text: 'No path matches *.nothing.' });
  });

  it('search_content finds lines case-insensitively (or by regex / case), with a glob filter', async () => {
    const found = (await tools.searchContent({ query: 'NEEDLE', regex: false, caseSensitive: false }, ctx)).structuredContent as { matches: Array<{ path: string; line: number }>; filesSkipped: number };
    expect(found.matches.map((m) => `${path.relative(root, m.path)}:${m.line}`).sort()).toEqual(['.hidden/conf.ts:1', 'notes.txt:3', 'src/lib/data.json:1', 'src/lib/util.ts:1', 'src/main.ts:1']);
    expect(found.filesSkipped).toBe(2); // the binary file and the one over the read limit
    const sensitive = (await tools.searchContent({ query: 'Needle', regex: false, caseSensitive: true, glob: '*.ts' }, ctx)).structuredContent as { matches: Array<{ path: string }> };
    expect(sensitive.matches.map((m) => path.relative(root, m.path))).toEqual(['src/lib/util.ts']);
    const byRegex = (await tools.searchContent({ query: '^b\\w+ g', regex: true, caseSensitive: false }, ctx)).structuredContent as { matches: Array<{ text: string }> };
    expect(byRegex.matches.map((m) => m.text)).toEqual(['Beta gamma']);
    await expect(tools.searchContent({ query: '(', regex: true, caseSensitive: false }, ctx)).rejects.toThrow(/not a valid regular expression/);
  });

  it('searches stop at maxSearchResults and say so', async () => {
    const small = { ...settings, maxSearchResults: 2 };
    const limited = new FsSearchTools(new PathGuard(small), small);
    const result = await limited.searchContent({ query: 'needle', regex: false, caseSensitive: false }, ctx);
    expect((result.structuredContent as { matches: unknown[]; truncated: boolean })).toMatchObject({ truncated: true });
    expect((result.structuredContent as { matches: unknown[] }).matches).toHaveLength(2);
    expect((result.content[0] as { text: string }).text).toContain('stopped early');
  });
});

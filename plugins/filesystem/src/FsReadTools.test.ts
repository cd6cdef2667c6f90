import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FilesystemSettings } from './config.js';
import { BINARY, makeFixtureTree } from './fixtureTree.testkit.js';
import { FsReadTools } from './FsReadTools.js';
import { PathGuard } from './PathGuard.js';

let scratch: string;
let root: string;
let settings: FilesystemSettings;
let tools: FsReadTools;

beforeAll(async () => {
  ({ scratch, root, settings } = await makeFixtureTree('fs-read-'));
  tools = new FsReadTools(new PathGuard(settings), settings);
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('FsReadTools', () => {
  it('list_roots gives the real path, URI and writability of each root', () => {
    expect(tools.listRoots()).toEqual({ roots: [{ name: 'root', path: root, uri: `file://${root}`, writable: false }] });
  });

  it('list_directory lists entries in name order with types and file sizes', async () => {
    const result = await tools.listDirectory({ path: root });
    const listing = result.structuredContent as { entries: Array<{ name: string; type: string; size?: number }> };
    expect(listing.entries.map((e) => `${e.name}:${e.type}`)).toEqual(['.hidden:directory', 'big.txt:file', 'image.png:file', 'node_modules:directory', 'notes.txt:file', 'src:directory', 'up:symlink', 'utf8.txt:file']);
    expect(listing.entries.find((e) => e.name === 'big.txt')!.size).toBe(300);
    expect((result.content[0] as { text: string }).text).toContain('src/');
    await expect(tools.listDirectory({ path: 'notes.txt' })).rejects.toThrow(/is a file, not a folder/);
  });

  it('read_file returns text as text and binary as a base64 blob with a mime type', async () => {
    expect(await tools.readFile({ path: 'notes.txt', encoding: 'auto' })).toEqual([{ type: 'text', text: 'alpha\nBeta gamma\nneedle here\n' }]);
    expect(await tools.readFile({ path: 'image.png', encoding: 'auto' })).toEqual([
      { type: 'resource', resource: { uri: `file://${root}/image.png`, mimeType: 'image/png', blob: BINARY.toString('base64') } },
    ]);
    expect(await tools.readFile({ path: 'notes.txt', encoding: 'base64' })).toMatchObject([{ type: 'resource', resource: { blob: Buffer.from('alpha\nBeta gamma\nneedle here\n').toString('base64') } }]);
  });

  it('refuses a file over maxReadBytes, and reads it in parts with offset and length', async () => {
    await expect(tools.readFile({ path: 'big.txt', encoding: 'auto' })).rejects.toThrow('is 300 bytes, more than the 200-byte read limit (maxReadBytes); read it in parts with offset and length');
    expect(await tools.readFile({ path: 'big.txt', offset: 250, encoding: 'auto' })).toEqual([{ type: 'text', text: 'x'.repeat(50) }, { type: 'text', text: '[bytes 250–300 of 300]' }]);
    expect(await tools.readFile({ path: 'big.txt', offset: 0, length: 10, encoding: 'auto' })).toEqual([{ type: 'text', text: 'x'.repeat(10) }, { type: 'text', text: '[bytes 0–10 of 300]' }]);
    await expect(tools.readFile({ path: 'big.txt', length: 201, encoding: 'auto' })).rejects.toThrow(/length 201 is more than the 200-byte read limit/);
    // A part cut in the middle of "é" is still text.
    const [part] = await tools.readFile({ path: 'utf8.txt', offset: 0, length: 2, encoding: 'auto' });
    expect(part).toMatchObject({ type: 'text' });
  });

  it('read_file refuses a folder and a link that escapes', async () => {
    await expect(tools.readFile({ path: 'src', encoding: 'auto' })).rejects.toThrow(/is a folder; list it with list_directory/);
    await expect(tools.readFile({ path: 'up/outside.ts', encoding: 'auto' })).rejects.toThrow(/outside every root/);
  });

  it('file_info describes files, folders and links', async () => {
    expect(await tools.fileInfo({ path: 'notes.txt' })).toMatchObject({ path: path.join(root, 'notes.txt'), root: 'root', type: 'file', size: 29, writable: false });
    expect(await tools.fileInfo({ path: 'src' })).toMatchObject({ type: 'directory' });
    await expect(tools.fileInfo({ path: 'up' })).rejects.toThrow(/outside every root/);
  });
});

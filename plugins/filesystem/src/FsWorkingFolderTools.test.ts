import { rmSync } from 'node:fs';
import path from 'node:path';
import { ContextError, WORKING_FOLDER_KEY } from '@mcp-host/sdk';
import { createContextStore, createToolContext, MODERN_PROTOCOL_VERSION, type ContextStore } from '@mcp-host/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FilesystemSettings } from './config.js';
import { makeFixtureTree } from './fixtureTree.testkit.js';
import { FsReadTools } from './FsReadTools.js';
import { FsSearchTools } from './FsSearchTools.js';
import { FsWorkingFolderTools } from './FsWorkingFolderTools.js';
import { PathGuard } from './PathGuard.js';

/**
 * The working folder in the session's shared context: the host's context service over memory
 * (createContextStore). Two contexts on one store and one session are two plugins in the same
 * session: `fs` is this plugin, `other` any other plugin (tasks reads the key; a hostile one writes it).
 */
let scratch: string;
let root: string;
let settings: FilesystemSettings;
let guard: PathGuard;
let folders: FsWorkingFolderTools;
let read: FsReadTools;
let search: FsSearchTools;
let store: ContextStore;
const fs = () => createToolContext({ contextStore: store, plugin: { id: 'filesystem', name: 'filesystem', version: '1.0.0', root: process.cwd() } });
const other = (client: { sessionId?: string } = {}) => createToolContext({ contextStore: store, client, plugin: { id: 'other', name: 'other', version: '1.0.0', root: process.cwd() } });

beforeAll(async () => {
  ({ scratch, root, settings } = await makeFixtureTree('fs-cwd-'));
  guard = new PathGuard(settings);
  folders = new FsWorkingFolderTools(guard);
  read = new FsReadTools(guard, settings);
  search = new FsSearchTools(guard, settings);
});
beforeEach(() => {
  store = createContextStore();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('set_working_folder / get_working_folder', () => {
  it('stores the real path under workspace.cwd in the session, where another plugin of the session reads it', async () => {
    expect(await folders.getWorkingFolder({}, fs())).toEqual({ path: root, uri: `file://${root}`, root: 'root', set: false });
    expect(await folders.setWorkingFolder({ path: 'src' }, fs())).toEqual({ path: path.join(root, 'src'), uri: `file://${root}/src`, root: 'root', set: true });
    expect((await other().context.session.get(WORKING_FOLDER_KEY))?.value).toEqual({ path: path.join(root, 'src'), uri: `file://${root}/src` });
    expect(store.updates).toEqual([`context://session/${WORKING_FOLDER_KEY}`]);
    // Relative to the current working folder, like cd.
    expect(await folders.setWorkingFolder({ path: 'lib' }, fs())).toMatchObject({ path: path.join(root, 'src/lib') });
    expect(await folders.getWorkingFolder({}, fs())).toMatchObject({ path: path.join(root, 'src/lib'), set: true });
    // Another session does not see it.
    expect(await other({ sessionId: 'another-session' }).context.session.get(WORKING_FOLDER_KEY)).toBeUndefined();
    // No path: cleared.
    expect(await folders.setWorkingFolder({}, fs())).toMatchObject({ path: root, set: false });
    expect(await other().context.session.get(WORKING_FOLDER_KEY)).toBeUndefined();
  });

  it('refuses what every other tool refuses (outside the roots, "..", a link that escapes) and files; the value stays', async () => {
    await folders.setWorkingFolder({ path: 'src' }, fs());
    await expect(folders.setWorkingFolder({ path: scratch }, fs())).rejects.toThrow(/is outside the roots this server may use/);
    await expect(folders.setWorkingFolder({ path: '../..' }, fs())).rejects.toThrow(/contains "\.\."/);
    await expect(folders.setWorkingFolder({ path: path.join(root, 'up') }, fs())).rejects.toThrow(/outside every root/);
    await expect(folders.setWorkingFolder({ path: 'main.ts' }, fs())).rejects.toThrow(/is a file, not a folder/);
    await expect(folders.setWorkingFolder({ path: 'missing' }, fs())).rejects.toThrow(/No such file or folder/);
    expect((await other().context.session.get(WORKING_FOLDER_KEY))?.value).toMatchObject({ path: path.join(root, 'src') });
  });

  it('without a session scope (a 2026-07-28 call with no context id) setting refuses and relative paths start at the first root', async () => {
    const modern = createToolContext({ contextStore: store, client: { protocolVersion: MODERN_PROTOCOL_VERSION } });
    const err = await folders.setWorkingFolder({ path: 'src' }, modern).catch((e) => e);
    expect(err).toBeInstanceOf(ContextError);
    expect(err.reason).toBe('no-session');
    expect(await read.readFile({ path: 'notes.txt', encoding: 'auto' }, modern)).toEqual([{ type: 'text', text: 'alpha\nBeta gamma\nneedle here\n' }]);
  });
});

describe('relative paths start at the working folder', () => {
  it('read_file, file_info, list_directory and the searches use it; absolute paths do not', async () => {
    await folders.setWorkingFolder({ path: 'src' }, fs());
    expect(await read.readFile({ path: 'main.ts', encoding: 'auto' }, fs())).toEqual([{ type: 'text', text: 'export const needle = 1;\n' }]);
    expect(await read.fileInfo({ path: 'lib/util.ts' }, fs())).toMatchObject({ path: path.join(root, 'src/lib/util.ts'), type: 'file' });
    const listing = (await read.listDirectory({}, fs())).structuredContent as { path: string; entries: Array<{ name: string }> };
    expect(listing.path).toBe(path.join(root, 'src'));
    expect(listing.entries.map((e) => e.name)).toEqual(['lib', 'main.ts']);
    const found = (await search.searchFiles({ pattern: '*.ts' }, fs())).structuredContent as { matches: Array<{ path: string }> };
    expect(found.matches.map((m) => path.relative(root, m.path)).sort()).toEqual(['src/lib/util.ts', 'src/main.ts']);
    expect(await read.readFile({ path: path.join(root, 'notes.txt'), encoding: 'auto' }, fs())).toEqual([{ type: 'text', text: 'alpha\nBeta gamma\nneedle here\n' }]);
    // ".." is still refused from the working folder.
    await expect(read.readFile({ path: '../notes.txt', encoding: 'auto' }, fs())).rejects.toThrow(/contains "\.\."/);
  });

  it('a value another plugin wrote that leaves the roots is re-checked and refused, never replaced by the first root', async () => {
    const hostile = [
      [{ path: scratch }, /is outside the roots this server may use/],
      [{ path: path.join(root, 'up') }, /outside every root/],
      [{ path: path.join(root, 'notes.txt') }, /is a file, not a folder/],
      [{ path: 'src' }, /is not an absolute path/],
      ['/etc', /is not an absolute path/],
      [{ path: path.join(root, 'gone') }, /No such file or folder/],
    ] as const;
    for (const [value, reason] of hostile) {
      await other().context.session.set(WORKING_FOLDER_KEY, value);
      const err = await read.readFile({ path: 'notes.txt', encoding: 'auto' }, fs()).catch((e) => e);
      expect(err.message).toMatch(/^The session's working folder \(workspace\.cwd = /);
      expect(err.message).toMatch(reason);
      expect(err.message).toContain('Set it again with set_working_folder');
      await expect(read.listDirectory({}, fs())).rejects.toThrow(reason);
      await expect(search.searchFiles({ pattern: '*.txt' }, fs())).rejects.toThrow(reason);
      await expect(folders.getWorkingFolder({}, fs())).rejects.toThrow(reason);
    }
    // Absolute paths and resetting still work.
    expect(await read.readFile({ path: path.join(root, 'notes.txt'), encoding: 'auto' }, fs())).toHaveLength(1);
    expect(await folders.setWorkingFolder({ path: root }, fs())).toMatchObject({ path: root, set: true });
    expect(await read.readFile({ path: 'notes.txt', encoding: 'auto' }, fs())).toHaveLength(1);
  });
});

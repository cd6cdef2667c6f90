import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFilesystemConfig } from './config.js';
import { FsWriteTools } from './FsWriteTools.js';
import { PathGuard } from './PathGuard.js';

let scratch: string;
let ro: string;
let rw: string;
let tools: FsWriteTools;

beforeAll(async () => {
  scratch = realpathSync(mkdtempSync(path.join(tmpdir(), 'fs-write-')));
  ro = path.join(scratch, 'ro');
  rw = path.join(scratch, 'rw');
  mkdirSync(ro);
  mkdirSync(rw);
  writeFileSync(path.join(ro, 'keep.txt'), 'keep');
  const settings = await resolveFilesystemConfig({ roots: [{ path: rw, writable: true }, { path: ro }], maxWriteBytes: 64 }, scratch);
  tools = new FsWriteTools(new PathGuard(settings), settings);
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('FsWriteTools', () => {
  it('write_file creates and replaces files in a writable root', async () => {
    expect(await tools.writeFile({ path: 'a.txt', content: 'one', encoding: 'utf8', createParents: false, overwrite: true })).toEqual({ path: path.join(rw, 'a.txt'), uri: `file://${rw}/a.txt`, bytes: 3, created: true });
    expect(await tools.writeFile({ path: 'a.txt', content: 'two', encoding: 'utf8', createParents: false, overwrite: true })).toMatchObject({ created: false });
    expect(readFileSync(path.join(rw, 'a.txt'), 'utf8')).toBe('two');
    await expect(tools.writeFile({ path: 'a.txt', content: 'three', encoding: 'utf8', createParents: false, overwrite: false })).rejects.toThrow(/already exists/);
    await tools.writeFile({ path: 'bin.dat', content: Buffer.from([0, 1, 2]).toString('base64'), encoding: 'base64', createParents: false, overwrite: true });
    expect([...readFileSync(path.join(rw, 'bin.dat'))]).toEqual([0, 1, 2]);
  });

  it('write_file needs createParents for missing folders and honours maxWriteBytes', async () => {
    await expect(tools.writeFile({ path: 'deep/er/x.txt', content: 'x', encoding: 'utf8', createParents: false, overwrite: true })).rejects.toThrow(/No such file or folder|a folder on the way does not exist/);
    await tools.writeFile({ path: 'deep/er/x.txt', content: 'x', encoding: 'utf8', createParents: true, overwrite: true });
    expect(readFileSync(path.join(rw, 'deep/er/x.txt'), 'utf8')).toBe('x');
    await expect(tools.writeFile({ path: 'big.txt', content: 'x'.repeat(65), encoding: 'utf8', createParents: false, overwrite: true })).rejects.toThrow(/65 bytes, more than the 64-byte write limit/);
  });

  it('refuses every change in the read-only root, naming the writable one', async () => {
    const hint = `is in root "ro" (${ro}), which is read-only. Writable roots: "rw" (${rw}, writable).`;
    await expect(tools.writeFile({ path: path.join(ro, 'new.txt'), content: 'x', encoding: 'utf8', createParents: false, overwrite: true })).rejects.toThrow(hint);
    await expect(tools.deleteFile({ path: path.join(ro, 'keep.txt'), recursive: false })).rejects.toThrow(hint);
    await expect(tools.moveFile({ source: path.join(ro, 'keep.txt'), destination: path.join(rw, 'stolen.txt'), overwrite: false })).rejects.toThrow(hint);
    await expect(tools.createDirectory({ path: path.join(ro, 'dir') })).rejects.toThrow(hint);
    expect(existsSync(path.join(ro, 'keep.txt'))).toBe(true);
  });

  it('move_file renames, refuses to overwrite unless asked, and moves a link as a link', async () => {
    await tools.writeFile({ path: 'm1.txt', content: '1', encoding: 'utf8', createParents: false, overwrite: true });
    await tools.writeFile({ path: 'm2.txt', content: '2', encoding: 'utf8', createParents: false, overwrite: true });
    await expect(tools.moveFile({ source: 'm1.txt', destination: 'm2.txt', overwrite: false })).rejects.toThrow(/already exists/);
    expect(await tools.moveFile({ source: 'm1.txt', destination: 'm2.txt', overwrite: true })).toEqual({ path: path.join(rw, 'm2.txt'), uri: `file://${rw}/m2.txt` });
    expect(readFileSync(path.join(rw, 'm2.txt'), 'utf8')).toBe('1');
    symlinkSync(path.join(rw, 'm2.txt'), path.join(rw, 'link'));
    await tools.moveFile({ source: 'link', destination: 'link2', overwrite: false });
    expect(lstatSync(path.join(rw, 'link2')).isSymbolicLink()).toBe(true);
  });

  it('delete_file removes files and links (not their targets), and folders only when recursive or empty', async () => {
    symlinkSync(path.join(rw, 'm2.txt'), path.join(rw, 'link3'));
    await tools.deleteFile({ path: 'link3', recursive: false });
    expect(existsSync(path.join(rw, 'link3'))).toBe(false);
    expect(existsSync(path.join(rw, 'm2.txt'))).toBe(true);
    await expect(tools.deleteFile({ path: 'deep', recursive: false })).rejects.toThrow(/not empty \(set recursive/);
    await tools.deleteFile({ path: 'deep', recursive: true });
    expect(existsSync(path.join(rw, 'deep'))).toBe(false);
    await tools.createDirectory({ path: 'empty' });
    await tools.deleteFile({ path: 'empty', recursive: false });
    await expect(tools.deleteFile({ path: rw, recursive: true })).rejects.toThrow(/is a root itself/);
    await expect(tools.deleteFile({ path: 'missing', recursive: false })).rejects.toThrow(/No such file or folder/);
  });
});

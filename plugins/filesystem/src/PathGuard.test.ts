import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFilesystemConfig } from './config.js';
import { PathGuard, PathNotFoundError, PathRefusedError } from './PathGuard.js';

/**
 * Real folders in a temp dir: a read-only root `docs`, a writable root `out`, and a folder outside
 * both holding a secret, reached by links from inside the roots.
 */
let scratch: string;
let docs: string;
let out: string;
let outside: string;

const guardFor = async (config: Record<string, unknown>) => new PathGuard(await resolveFilesystemConfig(config, scratch));
let guard: PathGuard;

beforeAll(async () => {
  scratch = realpathSync(mkdtempSync(path.join(tmpdir(), 'fs-guard-')));
  docs = path.join(scratch, 'docs');
  out = path.join(scratch, 'out');
  outside = path.join(scratch, 'outside');
  for (const dir of [docs, path.join(docs, 'sub'), out, outside]) mkdirSync(dir);
  writeFileSync(path.join(docs, 'readme.md'), '# hi\n');
  writeFileSync(path.join(docs, 'sub', 'deep.txt'), 'deep\n');
  writeFileSync(path.join(outside, 'secret.txt'), 'secret\n');
  symlinkSync(path.join(outside, 'secret.txt'), path.join(docs, 'escape-file'));
  symlinkSync(outside, path.join(docs, 'escape-dir'));
  symlinkSync(path.join(docs, 'readme.md'), path.join(docs, 'inside-link'));
  symlinkSync(path.join(docs, 'readme.md'), path.join(out, 'to-docs'));
  symlinkSync(path.join(scratch, 'nowhere'), path.join(out, 'dangling'));
  guard = await guardFor({ roots: [{ path: 'docs' }, { path: out, name: 'out', writable: true }] });
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('PathGuard', () => {
  it('resolves absolute paths, file:// URIs, and relative paths from the first root', async () => {
    const byAbs = await guard.resolve(path.join(docs, 'readme.md'), 'read');
    expect(byAbs).toMatchObject({ path: path.join(docs, 'readme.md'), exists: true, root: { name: 'docs' } });
    expect(byAbs.uri).toBe(pathToFileURL(path.join(docs, 'readme.md')).href);
    expect((await guard.resolve(byAbs.uri, 'read')).path).toBe(byAbs.path);
    expect((await guard.resolve('sub/deep.txt', 'read')).path).toBe(path.join(docs, 'sub', 'deep.txt'));
  });

  it('refuses ".." even when it would stay inside, and names the roots', async () => {
    for (const input of ['../outside/secret.txt', 'sub/../readme.md', `${docs}/../outside`, `${pathToFileURL(docs).href}/../outside`]) {
      const err = await guard.resolve(input, 'read').catch((e) => e);
      expect(err, input).toBeInstanceOf(PathRefusedError);
      expect(err.message).toContain('".."');
      expect(err.message).toContain(`"docs" (${docs}, read-only)`);
      expect(err.message).toContain(`"out" (${out}, writable)`);
    }
  });

  it('refuses absolute paths outside every root, listing the allowed roots', async () => {
    const err = await guard.resolve(path.join(outside, 'secret.txt'), 'read').catch((e) => e);
    expect(err).toBeInstanceOf(PathRefusedError);
    expect(err.message).toMatch(/outside the roots this server may use\. Allowed roots: "docs" .*"out"/);
    await expect(guard.resolve('/etc/passwd', 'read')).rejects.toBeInstanceOf(PathRefusedError);
  });

  it('refuses symbolic links that escape the roots (file and folder links), by real path', async () => {
    const fileErr = await guard.resolve(path.join(docs, 'escape-file'), 'read').catch((e) => e);
    expect(fileErr).toBeInstanceOf(PathRefusedError);
    expect(fileErr.message).toContain(`to ${path.join(outside, 'secret.txt')}, outside every root`);
    await expect(guard.resolve('escape-dir/secret.txt', 'read')).rejects.toBeInstanceOf(PathRefusedError);
    // Creating a file through an escaping folder link is refused too (the nearest existing folder is checked).
    await expect(guard.resolve('escape-dir/new.txt', 'read', { allowMissing: true })).rejects.toBeInstanceOf(PathRefusedError);
  });

  it('follows links that stay inside a root, unless followSymlinks is off', async () => {
    expect((await guard.resolve('inside-link', 'read')).path).toBe(path.join(docs, 'readme.md'));
    const strict = await guardFor({ roots: [{ path: docs }], followSymlinks: false });
    const err = await strict.resolve('inside-link', 'read').catch((e) => e);
    expect(err).toBeInstanceOf(PathRefusedError);
    expect(err.message).toContain('followSymlinks is off');
  });

  it('says "not found" for a missing path unless asked to allow it, and refuses creating through a dangling link', async () => {
    await expect(guard.resolve('missing.txt', 'read')).rejects.toBeInstanceOf(PathNotFoundError);
    expect(await guard.resolve(path.join(out, 'new', 'file.txt'), 'write', { allowMissing: true })).toMatchObject({ path: path.join(out, 'new', 'file.txt'), exists: false });
    const err = await guard.resolve(path.join(out, 'dangling'), 'write', { allowMissing: true }).catch((e) => e);
    expect(err).toBeInstanceOf(PathRefusedError);
    expect(err.message).toContain('target does not exist');
  });

  it('refuses writes in a read-only root and names the root that would allow it', async () => {
    const err = await guard.resolve(path.join(docs, 'new.txt'), 'write', { allowMissing: true }).catch((e) => e);
    expect(err).toBeInstanceOf(PathRefusedError);
    expect(err.message).toContain(`is in root "docs" (${docs}), which is read-only. Writable roots: "out" (${out}, writable).`);
    // A link in the writable root that points into the read-only one does not make its target writable.
    await expect(guard.resolve(path.join(out, 'to-docs'), 'write')).rejects.toThrow(/root "docs".*read-only/);
    const readOnly = await guardFor({ roots: [{ path: docs }] });
    await expect(readOnly.resolve('x.txt', 'write', { allowMissing: true })).rejects.toThrow(/No root is writable; an operator can set "writable": true/);
  });

  it('resolveEntry keeps the last part (a link stays a link) and never lets a root be moved or deleted', async () => {
    const link = await guard.resolveEntry(path.join(out, 'to-docs'), 'write');
    expect(link).toMatchObject({ path: path.join(out, 'to-docs'), exists: true, root: { name: 'out' } });
    await expect(guard.resolveEntry(out, 'write')).rejects.toThrow(/is a root itself/);
  });

  it('refuses NUL characters and foreign file:// hosts', async () => {
    await expect(guard.resolve('readme.md\0.txt', 'read')).rejects.toBeInstanceOf(PathRefusedError);
    await expect(guard.resolve('file://server/share/x', 'read')).rejects.toBeInstanceOf(PathRefusedError);
  });
});

describe('resolveFilesystemConfig', () => {
  it('defaults to the working directory, read-only, with the documented limits', async () => {
    const settings = await resolveFilesystemConfig(undefined, docs);
    expect(settings.roots).toEqual([{ name: 'docs', path: docs, real: docs, writable: false }]);
    expect(settings).toMatchObject({ maxReadBytes: 1048576, followSymlinks: true, ignore: ['.git', 'node_modules'], watch: { enabled: true, debounceMs: 100 } });
  });

  it('names every problem of a bad section', async () => {
    const err = await resolveFilesystemConfig({ roots: [{ path: 'nope' }, { path: docs, name: 'x' }, { path: out, name: 'x' }], maxReadBytes: -1, bogus: true }, scratch).catch((e) => e);
    expect(err.message).toMatch(/^invalid filesystem config: /);
    expect(err.message).toContain('maxReadBytes');
    expect(err.message).toContain('bogus');
    const err2 = await resolveFilesystemConfig({ roots: [{ path: 'nope' }, { path: docs, name: 'x' }, { path: out, name: 'x' }] }, scratch).catch((e) => e);
    expect(err2.message).toContain(`roots.0.path: ${path.join(scratch, 'nope')} does not exist`);
    expect(err2.message).toContain('the name "x" is used twice');
    await expect(resolveFilesystemConfig({ roots: [{ path: path.join(docs, 'readme.md') }] }, scratch)).rejects.toThrow(/is not a folder/);
    await expect(resolveFilesystemConfig({ roots: [] }, scratch)).rejects.toThrow(/at least one root/);
  });
});

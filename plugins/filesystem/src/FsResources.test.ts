import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ErrorCode, McpError, ResourceNotFoundError } from '@mcp-host/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFilesystemConfig } from './config.js';
import { FsResources } from './FsResources.js';
import { PathGuard } from './PathGuard.js';

let scratch: string;
let root: string;
let resources: FsResources;

beforeAll(async () => {
  scratch = realpathSync(mkdtempSync(path.join(tmpdir(), 'fs-res-')));
  root = path.join(scratch, 'root');
  mkdirSync(path.join(root, 'dir'), { recursive: true });
  writeFileSync(path.join(root, 'a.md'), '# A');
  writeFileSync(path.join(root, 'b.bin'), Buffer.from([0, 255]));
  writeFileSync(path.join(root, 'big.txt'), 'x'.repeat(100));
  writeFileSync(path.join(scratch, 'secret'), 's');
  const settings = await resolveFilesystemConfig({ roots: [{ path: root }], maxReadBytes: 50 }, scratch);
  resources = new FsResources(new PathGuard(settings), settings);
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('FsResources (file:// template)', () => {
  it('reads text with a mime type, binary as a blob, and a folder as a JSON listing', async () => {
    expect(await resources.file(`file://${root}/a.md`)).toEqual({ uri: `file://${root}/a.md`, mimeType: 'text/markdown', text: '# A' });
    expect(await resources.file(`file://${root}/b.bin`)).toEqual({ uri: `file://${root}/b.bin`, mimeType: 'application/octet-stream', blob: Buffer.from([0, 255]).toString('base64') });
    const listing = await resources.file(`file://${root}`);
    expect(listing).toMatchObject({ mimeType: 'application/json' });
    expect(JSON.parse((listing as { text: string }).text).map((e: { name: string }) => e.name).sort()).toEqual(['a.md', 'b.bin', 'big.txt', 'dir']);
  });

  it('answers not-found for a missing file, and invalid params (with the reason) for refused or oversized ones', async () => {
    await expect(resources.file(`file://${root}/missing`)).rejects.toBeInstanceOf(ResourceNotFoundError);
    const outside = await resources.file(`file://${scratch}/secret`).catch((e) => e);
    expect(outside).toBeInstanceOf(McpError);
    expect(outside.code).toBe(ErrorCode.InvalidParams);
    expect(outside.message).toContain('outside the roots');
    const big = await resources.file(`file://${root}/big.txt`).catch((e) => e);
    expect(big.code).toBe(ErrorCode.InvalidParams);
    expect(big.message).toContain('read limit');
  });

  it('completes paths: the roots first, then the entries of the folder typed so far', async () => {
    expect(await resources.completePath('')).toEqual([root]);
    expect(await resources.completePath(`${root}/`)).toEqual(expect.arrayContaining([`${root}/a.md`, `${root}/dir/`]));
    expect(await resources.completePath(`${root}/b`)).toEqual([`${root}/b.bin`, `${root}/big.txt`]);
    expect(await resources.completePath(`${scratch}/s`)).toEqual([]);
  });
});

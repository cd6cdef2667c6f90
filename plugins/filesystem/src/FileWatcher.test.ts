import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { HostNotifications } from '@mcp-host/sdk';
import { createTestLogger } from '@mcp-host/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveFilesystemConfig } from './config.js';
import { FileWatcher } from './FileWatcher.js';

let scratch: string;
let watcher: FileWatcher;
const announced: string[] = [];
const notifications: HostNotifications = { resourceUpdated: (uri) => void announced.push(uri), listChanged: () => undefined };
const logger = createTestLogger();

beforeAll(async () => {
  scratch = realpathSync(mkdtempSync(path.join(tmpdir(), 'fs-watch-')));
  mkdirSync(path.join(scratch, 'node_modules'));
  writeFileSync(path.join(scratch, 'watched.txt'), 'v1');
  const settings = await resolveFilesystemConfig({ roots: [{ path: scratch }], watch: { debounceMs: 50 } }, scratch);
  watcher = new FileWatcher(settings, notifications, logger);
  await watcher.start();
});

afterAll(async () => {
  await watcher?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('FileWatcher', () => {
  it('announces a changed file once per burst, by its file:// URI', async () => {
    const uri = `file://${scratch}/watched.txt`;
    for (let i = 0; i < 5; i++) writeFileSync(path.join(scratch, 'watched.txt'), `v${i + 2}`);
    await vi.waitFor(() => expect(announced).toContain(uri), { timeout: 5_000, interval: 50 });
    await new Promise((r) => setTimeout(r, 300));
    expect(announced.filter((u) => u === uri)).toHaveLength(1);
  });

  it('announces a new file and its folder, and ignores ignored folders', async () => {
    announced.length = 0;
    writeFileSync(path.join(scratch, 'node_modules', 'x.js'), 'ignored');
    writeFileSync(path.join(scratch, 'new.txt'), 'hello');
    await vi.waitFor(() => expect(announced).toEqual(expect.arrayContaining([`file://${scratch}/new.txt`, `file://${scratch}`])), { timeout: 5_000, interval: 50 });
    await new Promise((r) => setTimeout(r, 300));
    expect(announced.filter((u) => u.includes('node_modules'))).toEqual([]);
  });

  it('stops announcing once closed', async () => {
    await watcher.close();
    announced.length = 0;
    writeFileSync(path.join(scratch, 'watched.txt'), 'after close');
    await new Promise((r) => setTimeout(r, 400));
    expect(announced).toEqual([]);
  });
});

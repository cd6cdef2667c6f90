/**
 * First-party plugins sharing context (issue 16): a real `mcp-host` (worker runtime) runs the
 * filesystem, tasks and notes plugins beside the context-writer fixture (any other plugin, here
 * one that writes whatever it is told). A legacy SDK 1.x client sets the session's working folder
 * with the filesystem plugin and runs a tasks tool that prints where it runs; reads the value as
 * the resource `context://session/workspace.cwd`; a second session does not see it. Hostile: a
 * folder outside the roots is refused, and a value written straight to the key that points outside
 * is re-checked (tasks runs in its own folder and says why; filesystem refuses relative paths).
 * The 2026-07-28 era names its session with `_meta["mcp-host/contextId"]`. Notes keep the last
 * note per session and a default tag per principal, readable as resources.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttpClient, pluginPath, startTestHost, type TestHost } from '../harness/index.js';
import { modernMeta, modernRequest, postModern } from '../harness/modernClients.js';

interface ToolResult {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, any>;
}

const CALL = { timeout: 15_000 } as const;
const WRITER = fileURLToPath(new URL('../fixtures/context/context-writer', import.meta.url));
const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'mcp-host-context-plugins-')));
const project = join(scratch, 'project');
const app = join(project, 'packages', 'app');
const outside = join(scratch, 'outside');
const KEY_URI = 'context://session/workspace.cwd';

let host: TestHost;
let client: Client;
let second: Client;

const call = async (c: Client, name: string, args: Record<string, unknown> = {}) => (await c.callTool({ name, arguments: args }, undefined, CALL)) as ToolResult;
const textOf = (r: ToolResult) => r.content.map((c) => c.text ?? '').join('\n');
const readJson = async (c: Client, uri: string) => JSON.parse(((await c.readResource({ uri })).contents[0] as { text: string }).text);

beforeAll(async () => {
  for (const dir of [app, outside]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(app, 'index.ts'), 'export const app = 1;\n');
  writeFileSync(join(project, 'README.md'), '# Project\n');
  symlinkSync(outside, join(project, 'escape'));
  const config = join(scratch, 'mcp-host.json');
  const settings = {
    filesystem: { config: { roots: [{ path: project, name: 'project' }], watch: { enabled: false } } },
    tasks: { config: { tasks: { pwd: { description: 'Prints the folder it runs in.', command: process.execPath, args: ['-e', 'console.log(process.cwd())'], cwd: project, useWorkingFolder: true } } } },
  };
  writeFileSync(config, JSON.stringify({ plugins: { watch: false, callTimeoutMs: 15_000, settings } }));
  host = await startTestHost({ plugins: [pluginPath('filesystem'), pluginPath('tasks'), pluginPath('example-notes'), WRITER], args: ['--config', config] });
  ({ client } = await connectHttpClient(host.url));
  ({ client: second } = await connectHttpClient(host.url));
});

afterAll(async () => {
  await client?.close().catch(() => undefined);
  await second?.close().catch(() => undefined);
  await host?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('working folder: set by filesystem, honoured by tasks (legacy sessions)', () => {
  it('a task runs in its own folder until the session sets a working folder, then there', async () => {
    expect((await call(client, 'pwd')).structuredContent).toMatchObject({ cwd: project, tail: project });
    const set = await call(client, 'set_working_folder', { path: 'packages/app' });
    expect(set.isError).toBeFalsy();
    expect(set.structuredContent).toEqual({ path: app, uri: pathToFileURL(app).href, root: 'project', set: true });
    const ran = await call(client, 'pwd');
    expect(ran.isError).toBe(false);
    expect(ran.structuredContent).toMatchObject({ cwd: app, tail: app, workingFolder: { path: app, used: true } });
    expect(textOf(ran)).toContain(`Task pwd in the working folder ${app} exited with code 0`);
    // The client sees the same value as a resource of its session.
    expect(await readJson(client, KEY_URI)).toEqual({ path: app, uri: pathToFileURL(app).href });
    expect(await readJson(client, 'context://session')).toMatchObject({ keys: expect.arrayContaining(['workspace.cwd']) });
    // Relative paths of the filesystem tools start there.
    expect(textOf(await call(client, 'read_file', { path: 'index.ts' }))).toBe('export const app = 1;\n');
    expect((await call(client, 'get_working_folder')).structuredContent).toMatchObject({ path: app, set: true });
  });

  it('another session has its own working folder (none): its task runs in the task folder', async () => {
    expect((await call(second, 'pwd')).structuredContent).toMatchObject({ cwd: project, tail: project });
    expect((await call(second, 'get_working_folder')).structuredContent).toMatchObject({ path: project, set: false });
    await expect(second.readResource({ uri: KEY_URI })).rejects.toThrow(/not found/i);
  });

  it('refuses a working folder outside the roots, through an escaping link, or with ".."; the value stays', async () => {
    const refusals = [
      [outside, 'is outside the roots this server may use'],
      [join(project, 'escape'), 'outside every root'],
      ['../..', 'contains ".."'],
      // Relative to the current working folder (packages/app), like cd.
      ['README.md', 'No such file or folder: README.md'],
      [join(project, 'README.md'), 'is a file, not a folder'],
    ] as const;
    for (const [path, reason] of refusals) {
      const refused = await call(client, 'set_working_folder', { path });
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toContain(reason);
    }
    expect(await readJson(client, KEY_URI)).toMatchObject({ path: app });
  });

  it('a value another plugin writes straight to the key, pointing outside, is re-checked: tasks and filesystem do not honour it', async () => {
    const written = await call(client, 'ctx_set', { scope: 'session', key: 'workspace.cwd', value: { path: outside } });
    expect(written.isError).toBeFalsy();
    expect(await readJson(client, KEY_URI)).toEqual({ path: outside });
    const ran = await call(client, 'pwd');
    expect(ran.structuredContent).toMatchObject({ cwd: project, tail: project, workingFolder: { path: outside, used: false, reason: `outside the task's folder ${project}` } });
    expect(textOf(ran)).toContain(`the session's working folder ${outside} was not used`);
    const read = await call(client, 'read_file', { path: 'secret.txt' });
    expect(read.isError).toBe(true);
    expect(textOf(read)).toContain(`The session's working folder (workspace.cwd = ${outside}) cannot be used`);
    expect((await call(client, 'list_directory')).isError).toBe(true);
    // Through a link inside the root that leads out: refused the same way.
    await call(client, 'ctx_set', { scope: 'session', key: 'workspace.cwd', value: { path: join(project, 'escape') } });
    expect((await call(client, 'pwd')).structuredContent).toMatchObject({ tail: project, workingFolder: { used: false } });
    expect(textOf(await call(client, 'read_file', { path: 'x' }))).toContain('outside every root');
    // Clearing (or setting again) through the filesystem tool puts things right.
    expect((await call(client, 'set_working_folder', {})).structuredContent).toMatchObject({ path: project, set: false });
    expect((await call(client, 'pwd')).structuredContent).toMatchObject({ tail: project });
    expect(textOf(await call(client, 'read_file', { path: 'README.md' }))).toBe('# Project\n');
  });
});

describe('working folder in the 2026-07-28 era: the session is the context id', () => {
  const callModern = async (id: number, name: string, args: Record<string, unknown>, contextId?: string) => {
    const res = await postModern(host.url, modernRequest(id, 'tools/call', { name, arguments: args, _meta: modernMeta(contextId ? { 'mcp-host/contextId': contextId } : {}) }), { timeoutMs: 15_000 });
    return res.response!.result as unknown as ToolResult;
  };

  it('set under one context id, honoured under that id only; without an id there is no session to set it in', async () => {
    expect((await callModern(1, 'set_working_folder', { path: app }, 'proj-a')).structuredContent).toMatchObject({ path: app, set: true });
    expect((await callModern(2, 'pwd', {}, 'proj-a')).structuredContent).toMatchObject({ cwd: app, tail: app });
    expect((await callModern(3, 'pwd', {}, 'proj-b')).structuredContent).toMatchObject({ cwd: project, tail: project });
    expect((await callModern(4, 'pwd', {})).structuredContent).toMatchObject({ cwd: project, tail: project });
    const refused = await callModern(5, 'set_working_folder', { path: app });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toContain('mcp-host/contextId');
  });
});

describe('notes: last note per session, default tag per principal', () => {
  it('add_note and open_note keep the last note in the session; set_default_tag a principal preference; both readable as resources', async () => {
    expect((await call(client, 'set_default_tag', { tag: 'ctx' })).structuredContent).toEqual({ tag: 'ctx' });
    expect(await readJson(second, 'context://principal/notes.defaultTag')).toBe('ctx');
    const added = await call(client, 'add_note', { title: 'Working folder', body: 'packages/app' });
    expect(added.structuredContent).toMatchObject({ title: 'Working folder', tag: 'ctx' });
    const id = added.structuredContent!.id as string;
    expect(await readJson(client, 'context://session/notes.last')).toEqual({ id, title: 'Working folder' });
    expect(textOf(await call(client, 'open_note'))).toBe('# Working folder\n\npackages/app\n\nTag: ctx\n');
    // The other session has no last note, but the same principal's default tag.
    expect((await call(second, 'open_note')).isError).toBe(true);
    expect((await call(second, 'add_note', { title: 'From the second client', body: 'x' })).structuredContent).toMatchObject({ tag: 'ctx' });
    // A default tag another plugin stored that is not a tag is not used.
    await call(client, 'ctx_set', { scope: 'principal', key: 'notes.defaultTag', value: '--not a tag' });
    expect((await call(client, 'add_note', { title: 'Untagged', body: 'x' })).structuredContent).toEqual({ id: expect.any(String), title: 'Untagged' });
    await call(client, 'set_default_tag', {});
    await expect(client.readResource({ uri: 'context://principal/notes.defaultTag' })).rejects.toThrow(/not found/i);
  });
});

import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WORKING_FOLDER_KEY, type CallToolResult } from '@mcp-host/sdk';
import { createContextStore, createTestLogger, createToolContext, MODERN_PROTOCOL_VERSION, type ContextStore } from '@mcp-host/testing';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveTasksConfig } from './config.js';
import { TaskRunner } from './TaskRunner.js';
import { TaskTools } from './TaskTools.js';

/**
 * The session's working folder (shared context `workspace.cwd`) as the tasks plugin honours it.
 * `writer` stands for the filesystem plugin (or any plugin) of the same session, `tasks` for this
 * one: two contexts on one store. Every task prints the folder it runs in.
 */
const scratch = realpathSync(mkdtempSync(path.join(tmpdir(), 'tasks-cwd-')));
const project = path.join(scratch, 'project');
const sub = path.join(project, 'packages', 'app');
const elsewhere = path.join(scratch, 'elsewhere');
for (const dir of [sub, elsewhere]) mkdirSync(dir, { recursive: true });
symlinkSync(elsewhere, path.join(project, 'escape'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const PWD = ['-e', 'console.log(process.cwd())'];
let store: ContextStore;
beforeEach(() => {
  store = createContextStore();
});
const writer = () => createToolContext({ contextStore: store, plugin: { id: 'filesystem', name: 'filesystem', version: '1.0.0', root: scratch } });
const tasksCtx = () => createToolContext({ contextStore: store, plugin: { id: 'tasks', name: 'tasks', version: '1.0.0', root: scratch } });

async function tools() {
  const settings = await resolveTasksConfig(
    { tasks: { pwd: { command: process.execPath, args: PWD, cwd: project, useWorkingFolder: true }, fixed: { command: process.execPath, args: PWD, cwd: project } } },
    scratch,
  );
  const [pwd, fixed] = new TaskTools(settings, new TaskRunner(createTestLogger())).definitions();
  return { pwd: pwd!, fixed: fixed! };
}
type Result = CallToolResult & { structuredContent: { cwd: string; tail: string; workingFolder?: { path: string; used: boolean; reason?: string } } };
const run = async (tool: { handler: (...a: any[]) => unknown }, ctx = tasksCtx()) => (await tool.handler({}, ctx)) as Result;

describe('tasks: the session working folder', () => {
  it('a task with useWorkingFolder runs in the folder another plugin set, when it lies inside the task cwd', async () => {
    const { pwd, fixed } = await tools();
    expect((await run(pwd)).structuredContent).toMatchObject({ cwd: project, tail: project });
    expect((await run(pwd)).structuredContent.workingFolder).toBeUndefined();
    await writer().context.session.set(WORKING_FOLDER_KEY, { path: sub, uri: `file://${sub}` });
    const result = await run(pwd);
    expect(result.structuredContent).toMatchObject({ cwd: sub, tail: sub, workingFolder: { path: sub, used: true } });
    expect((result.content[0] as { text: string }).text).toMatch(new RegExp(`^Task pwd in the working folder ${sub} exited with code 0`));
    // A task without the option keeps its own folder.
    expect((await run(fixed)).structuredContent).toMatchObject({ cwd: project, tail: project });
    expect((await run(fixed)).structuredContent.workingFolder).toBeUndefined();
    // Another session has its own (no) working folder.
    expect((await run(pwd, createToolContext({ contextStore: store, client: { sessionId: 'other' } }))).structuredContent.tail).toBe(project);
    expect(pwd.description).toContain(`In the session's working folder when it lies inside ${project}, else in ${project}`);
  });

  it('a value outside the task cwd, through a link, relative, missing or not a path is not used, and the result says why', async () => {
    const { pwd } = await tools();
    const cases = [
      [{ path: elsewhere }, `outside the task's folder ${project}`],
      [{ path: '/' }, `outside the task's folder ${project}`],
      [{ path: path.join(project, 'escape') }, `outside the task's folder ${project}`],
      [{ path: 'packages/app' }, 'not an absolute path'],
      [{ path: path.join(project, 'missing') }, 'not an existing folder'],
      [sub, 'not an absolute path'],
      [{ path: 42 }, 'not an absolute path'],
    ] as const;
    for (const [value, reason] of cases) {
      await writer().context.session.set(WORKING_FOLDER_KEY, value);
      const result = await run(pwd);
      expect(result.structuredContent.cwd).toBe(project);
      expect(result.structuredContent.tail).toBe(project);
      expect(result.structuredContent.workingFolder).toMatchObject({ used: false, reason });
      expect((result.content[0] as { text: string }).text).toContain(`was not used: ${reason}`);
    }
  });

  it('a 2026-07-28 call without a context id has no session scope: the task runs in its cwd', async () => {
    const { pwd } = await tools();
    await writer().context.session.set(WORKING_FOLDER_KEY, { path: sub });
    const modern = createToolContext({ contextStore: store, client: { protocolVersion: MODERN_PROTOCOL_VERSION } });
    expect((await run(pwd, modern)).structuredContent).toMatchObject({ cwd: project, tail: project });
  });
});

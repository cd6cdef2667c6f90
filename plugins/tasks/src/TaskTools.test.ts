import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ToolError } from '@mcp-host/sdk';
import { createTestLogger, createToolContext } from '@mcp-host/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveTasksConfig } from './config.js';
import { TaskRunner } from './TaskRunner.js';
import { TaskResultSchema, TaskTools } from './TaskTools.js';

const scratch = realpathSync(mkdtempSync(path.join(tmpdir(), 'tasks-tools-')));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const silent = createTestLogger();
const ctx = (signal?: AbortSignal) => createToolContext({ signal });

async function toolsFor(tasks: Record<string, unknown>) {
  const settings = await resolveTasksConfig({ tasks }, scratch);
  return new TaskTools(settings, new TaskRunner(silent)).definitions();
}

describe('TaskTools', () => {
  it('builds one tool per task, named after it, with the params as input schema and a description of what it runs', async () => {
    const [echo] = await toolsFor({
      echo: { description: 'Echoes a word.', command: process.execPath, args: ['-e', 'console.log(process.argv[1])', '{{word}}'], params: { word: { pattern: '\\w+' } } },
    });
    expect(echo).toMatchObject({ name: 'echo', title: 'Run echo', output: TaskResultSchema });
    expect(echo!.description).toContain('Echoes a word.');
    expect(echo!.description).toContain(`Runs (no shell): ${process.execPath} -e console.log(process.argv[1]) {{word}}`);
    const result = await echo!.handler({ word: 'hello' }, ctx());
    expect(result).toMatchObject({
      isError: false,
      structuredContent: { task: 'echo', argv: [process.execPath, '-e', 'console.log(process.argv[1])', 'hello'], cwd: scratch, exitCode: 0, signal: null, timedOut: false, outputLines: 1, tail: 'hello', tailTruncated: false },
    });
    expect(TaskResultSchema.safeParse((result as { structuredContent: unknown }).structuredContent).success).toBe(true);
    expect((result as { content: Array<{ text: string }> }).content[0]!.text).toMatch(/^Task echo exited with code 0 after \d+\.\d s\.\nOutput:\nhello$/);
  });

  it('a failing or timed-out run is a tool error that still carries the structured result', async () => {
    const [fail, slow] = await toolsFor({
      fail: { command: process.execPath, args: ['-e', 'for (let i = 0; i < 5; i++) console.log(i); process.exit(2)'], tailLines: 2 },
      slow: { command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'], timeoutMs: 200 },
    });
    const failed = (await fail!.handler({}, ctx())) as { isError: boolean; structuredContent: Record<string, unknown>; content: Array<{ text: string }> };
    expect(failed).toMatchObject({ isError: true, structuredContent: { exitCode: 2, tail: '3\n4', tailTruncated: true, outputLines: 5 } });
    expect(failed.content[0]!.text).toContain('exited with code 2');
    expect(failed.content[0]!.text).toContain('Last 2 of 5 lines:\n3\n4');
    const timedOut = (await slow!.handler({}, ctx())) as { isError: boolean; structuredContent: Record<string, unknown>; content: Array<{ text: string }> };
    expect(timedOut).toMatchObject({ isError: true, structuredContent: { timedOut: true, exitCode: null, signal: 'SIGTERM' } });
    expect(timedOut.content[0]!.text).toContain('was stopped after its 200 ms timeout (SIGTERM)');
  });

  it('a cancelled run ends in a tool error once its tree is stopped', async () => {
    const [wait] = await toolsFor({ wait: { command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'] } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const err = await Promise.resolve(wait!.handler({}, ctx(controller.signal))).catch((e) => e);
    expect(err).toBeInstanceOf(ToolError);
    expect(err.message).toBe('Task "wait" was cancelled; its process tree was stopped.');
  });
});

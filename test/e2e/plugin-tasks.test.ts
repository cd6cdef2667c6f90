/**
 * The tasks plugin end to end: a real `mcp-host` (worker runtime) started with a JSON --config whose
 * `plugins.settings.tasks.config` declares tasks that run `node -e …`. An official SDK 1.x client
 * calls them: success, non-zero exit, timeout, an argument that fails its pattern, the concurrency
 * limit, streamed output (log notifications) with progress, and cancellation, after which the run's
 * child and grandchild processes must be gone. Two more hosts check that no tasks means no tools
 * and that a bad section fails the load with a readable message.
 */
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { LoggingMessageNotificationSchema, type LoggingMessageNotification, type Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectHttpClient, pluginPath, startTestHost, type TestHost } from '../harness/index.js';

interface ToolResult {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, any>;
}

const CALL = { timeout: 15_000 } as const;
const WAIT = { timeout: 10_000, interval: 100 } as const;
const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'mcp-host-tasks-e2e-')));
const node = process.execPath;

/** A child that starts a grandchild in its process group, prints both pids, and waits. */
const TREE = `
const { spawn } = require('node:child_process');
const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
console.log('pids ' + process.pid + ' ' + grandchild.pid);
setInterval(() => {}, 1000);
`;
/** Prints one line every 150 ms, six in all. */
const STREAM = `let i = 0; const t = setInterval(() => { console.log('step ' + ++i); if (i === 6) { clearInterval(t); console.error('done'); } }, 150);`;

const TASKS = {
  echo: {
    description: 'Prints the word it is given.',
    command: node,
    args: ['-e', 'console.log("echo:" + process.argv[1])', '{{word}}'],
    params: { word: { type: 'string', pattern: '[\\w./-]*', description: 'A word (letters, digits, "." "/" "-")' } },
  },
  fail: { command: node, args: ['-e', 'console.log("failing on purpose"); process.exit(3)'] },
  slow: { command: node, args: ['-e', 'setInterval(() => {}, 1000)'], timeoutMs: 500 },
  tree: { command: node, args: ['-e', TREE], maxConcurrent: 1, timeoutMs: 12_000 },
  stream: { command: node, args: ['-e', STREAM] },
  env: { command: node, args: ['-e', 'console.log([process.env.GREETING, process.env.TASKS_E2E_SECRET ?? "no-secret", process.cwd()].join(" "))'], env: { GREETING: 'hi' }, cwd: scratch },
};

function writeConfig(name: string, tasks: unknown): string {
  const file = join(scratch, name);
  writeFileSync(file, JSON.stringify({ plugins: { watch: false, callTimeoutMs: 15_000, settings: { tasks: { config: tasks } } } }, null, 2));
  return file;
}

/** Alive and not a zombie (a zombie waiting for its reaper counts as gone). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

let host: TestHost;
let client: Client;
const logs: LoggingMessageNotification['params'][] = [];
const pidsSeen = new Set<number>();

const call = async (name: string, args: Record<string, unknown> = {}) => (await client.callTool({ name, arguments: args }, undefined, CALL)) as ToolResult;

/** Pids printed by the tree task, from the log notifications. */
function treePids(): number[] {
  const line = logs.filter((l) => l.logger === 'tree/stdout').flatMap((l) => String(l.data).split('\n')).find((l) => l.startsWith('pids '));
  const pids = line ? line.slice(5).split(' ').map(Number) : [];
  for (const pid of pids) pidsSeen.add(pid);
  return pids;
}

beforeAll(async () => {
  host = await startTestHost({ plugins: [pluginPath('tasks')], args: ['--config', writeConfig('mcp-host.json', { tasks: TASKS })], env: { TASKS_E2E_SECRET: 'must-not-leak' } });
  ({ client } = await connectHttpClient(host.url));
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push(n.params));
});

afterEach(() => {
  // Whatever a failed test left running goes.
  for (const pid of pidsSeen) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

afterAll(async () => {
  await client?.close().catch(() => undefined);
  await host?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('tasks plugin: one tool per configured task', () => {
  it('publishes a tool per task with its params as input schema and the result schema as output', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(Object.keys(TASKS).sort());
    const echo = tools.find((t) => t.name === 'echo')!;
    expect(echo.inputSchema).toMatchObject({
      type: 'object',
      properties: { word: { type: 'string', pattern: '^(?!-)(?:[\\w./-]*)$', description: 'A word (letters, digits, "." "/" "-")' } },
      required: ['word'],
      additionalProperties: false,
    });
    expect(echo.outputSchema).toMatchObject({ type: 'object', properties: { exitCode: expect.anything(), durationMs: expect.anything(), tail: expect.anything() } });
    expect(echo.description).toContain('Prints the word it is given.');
    expect(echo.description).toContain('Runs (no shell):');
  });

  it('runs a task: exit code, duration, argv and output tail, as structured content and text', async () => {
    const result = await call('echo', { word: 'hello/world.txt' });
    expect(result.isError).toBe(false);
    expect(result.structuredContent).toMatchObject({ task: 'echo', argv: [node, '-e', 'console.log("echo:" + process.argv[1])', 'hello/world.txt'], exitCode: 0, signal: null, timedOut: false, tail: 'echo:hello/world.txt' });
    expect(result.structuredContent!.durationMs).toBeGreaterThan(0);
    expect(result.content[0]!.text).toMatch(/^Task echo exited with code 0 after \d+\.\d s\.\nOutput:\necho:hello\/world\.txt$/);
  });

  it('an argument that fails its pattern (or starts with "-") is refused before anything runs', async () => {
    for (const word of ['a; rm -rf /', '$(id)', '--help']) {
      const result = await call('echo', { word });
      expect(result.isError, word).toBe(true);
      expect(result.content[0]!.text).toMatch(/^Invalid arguments for tool echo: .*pattern/);
    }
    expect((await call('echo', { word: 'x', extra: 1 })).isError).toBe(true);
  });

  it('a non-zero exit is a tool error carrying the exit code and output', async () => {
    const result = await call('fail');
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toMatchObject({ exitCode: 3, timedOut: false, tail: 'failing on purpose' });
    expect(result.content[0]!.text).toContain('Task fail exited with code 3');
  });

  it('a run past its timeout is killed and reported as timed out', async () => {
    const started = Date.now();
    const result = await call('slow');
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGTERM' });
    expect(result.content[0]!.text).toContain('was stopped after its 500 ms timeout');
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it('passes its own env, not the host secrets, and runs in its folder', async () => {
    const result = await call('env');
    expect(result.structuredContent!.tail).toBe(`hi no-secret ${scratch}`);
  });
});

describe('tasks plugin: streaming, concurrency and cancellation', () => {
  it('streams output as log notifications and reports progress while it runs', async () => {
    const progress: Progress[] = [];
    const before = logs.length;
    const result = (await client.callTool({ name: 'stream', arguments: {} }, undefined, { ...CALL, onprogress: (p) => void progress.push(p) })) as ToolResult;
    expect(result.structuredContent).toMatchObject({ exitCode: 0, outputLines: 7 });
    const streamed = logs.slice(before).filter((l) => l.logger?.startsWith('stream/'));
    expect(streamed.filter((l) => l.logger === 'stream/stdout').flatMap((l) => String(l.data).split('\n'))).toEqual(['step 1', 'step 2', 'step 3', 'step 4', 'step 5', 'step 6']);
    expect(streamed.filter((l) => l.logger === 'stream/stdout').length).toBeGreaterThan(1); // batches, not one dump at the end
    expect(streamed.find((l) => l.logger === 'stream/stderr')).toMatchObject({ level: 'warning', data: 'done' });
    expect(streamed.every((l) => l.logger === 'stream/stderr' || l.level === 'info')).toBe(true);
    expect(progress.length).toBeGreaterThan(1);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.progress).toBeGreaterThan(progress[i - 1]!.progress);
    expect(progress.at(-1)!.message).toMatch(/lines of output/);
  });

  it('refuses a run past maxConcurrent, and cancelling a run kills its whole process tree', async () => {
    const controller = new AbortController();
    const running = client.callTool({ name: 'tree', arguments: {} }, undefined, { ...CALL, signal: controller.signal });
    await vi.waitFor(() => expect(treePids()).toHaveLength(2), WAIT);
    const [child, grandchild] = treePids() as [number, number];
    expect({ child: isAlive(child), grandchild: isAlive(grandchild) }).toEqual({ child: true, grandchild: true });

    const second = await call('tree');
    expect(second.isError).toBe(true);
    expect(second.content[0]!.text).toBe('Task "tree" is already running 1 time, its limit (maxConcurrent 1); try again when a run has finished.');

    controller.abort();
    await expect(running).rejects.toThrow();
    await vi.waitFor(() => expect({ child: isAlive(child), grandchild: isAlive(grandchild) }).toEqual({ child: false, grandchild: false }), WAIT);
    const lines = host.logs.filter((l) => l.plugin === 'tasks' && l.msg === 'stopping task' && l.reason === 'cancelled');
    expect(lines.length).toBeGreaterThanOrEqual(1);
  });
});

describe('tasks plugin: default and bad config', () => {
  it('with no tasks configured serves no tools (and an empty catalog)', async () => {
    const plain = await startTestHost({ plugins: [pluginPath('tasks')], args: ['--no-watch'] });
    const { client: c } = await connectHttpClient(plain.url);
    try {
      expect((await c.listTools()).tools).toEqual([]);
      const catalog = await c.readResource({ uri: 'tasks://catalog' });
      expect(JSON.parse((catalog.contents[0] as { text: string }).text)).toEqual([]);
    } finally {
      await c.close().catch(() => undefined);
      await plain.stop();
    }
  });

  it('stopping the host stops the process trees of running tasks', async () => {
    const config = writeConfig('tree-only.json', { tasks: { tree: TASKS.tree } });
    const own = await startTestHost({ plugins: [pluginPath('tasks')], args: ['--config', config] });
    const { client: c } = await connectHttpClient(own.url);
    const seen: string[] = [];
    c.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void seen.push(String(n.params.data)));
    // The host ends without answering the call it cancelled, so the client gives up on its own.
    const giveUp = new AbortController();
    const running = c.callTool({ name: 'tree', arguments: {} }, undefined, { ...CALL, signal: giveUp.signal }).catch((e: Error) => e);
    let pids: number[] = [];
    await vi.waitFor(() => {
      const line = seen.flatMap((d) => d.split('\n')).find((l) => l.startsWith('pids '));
      pids = line ? line.slice(5).split(' ').map(Number) : [];
      expect(pids).toHaveLength(2);
    }, WAIT);
    for (const pid of pids) pidsSeen.add(pid);
    await own.stop();
    giveUp.abort();
    await running;
    await vi.waitFor(() => expect(pids.map(isAlive)).toEqual([false, false]), WAIT);
    expect(own.logs.find((l) => l.msg === 'task ended' && l.plugin === 'tasks')).toBeDefined();
    await c.close().catch(() => undefined);
  });

  it('a bad section fails the load naming every problem, and the host keeps running', async () => {
    const config = writeConfig('bad.json', { tasks: { t: { command: 'x', args: ['{{nope}}'], params: { p: { pattern: '(' } }, cwd: join(scratch, 'missing') } } });
    const bad = await startTestHost({ plugins: [pluginPath('tasks')], args: ['--config', config] });
    try {
      // Checked by the config schema the plugin declares, each problem named by its path in the host config.
      const problem = bad.logs.find((l) => l.code === 'MCPH_PLUGIN_BAD_CONFIG' && l.plugin === 'tasks');
      expect(problem, JSON.stringify(bad.logs.filter((l) => l.code))).toBeDefined();
      const at = 'plugins.settings.tasks.config.tasks.t';
      for (const part of ['invalid config', `${at}.args: {{nope}} names no parameter`, `${at}.params.p: not used in args`, `${at}.params.p.pattern: not a valid regular expression`, `${at}.cwd: `, 'is not an existing folder']) {
        expect(String(problem!.msg)).toContain(part);
      }
      const { client: c } = await connectHttpClient(bad.url);
      expect((await c.listTools()).tools).toEqual([]);
      await c.close();
    } finally {
      await bad.stop();
    }
  });
});

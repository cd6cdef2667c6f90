import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ToolError, type ToolContext } from '@mcp-host/sdk';
import { createTestLogger, createToolContext, type FakeToolContext } from '@mcp-host/testing';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_INHERITED_ENV, type TaskSettings } from './config.js';
import { TaskRunner } from './TaskRunner.js';

/**
 * Real processes: every task runs `node -e <script>`. Pids printed by the scripts are collected so
 * that a failing test still leaves nothing running (afterEach kills them).
 */
const scratch = realpathSync(mkdtempSync(path.join(tmpdir(), 'tasks-runner-')));
const silent = createTestLogger();
const runner = new TaskRunner(silent);
const seenPids = new Set<number>();
const WAIT = { timeout: 8_000, interval: 50 } as const;

afterEach(() => {
  for (const pid of seenPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  seenPids.clear();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs a task with its own args (what TaskTools passes after expanding templates), plus `extra`. */
const start = (t: TaskSettings, ctx: ToolContext, extra: string[] = []) => runner.run(t, [...t.args, ...extra], ctx);

function task(name: string, script: string, extra: Partial<TaskSettings> = {}): TaskSettings {
  return {
    name, command: process.execPath, args: ['-e', script], params: {}, cwd: scratch, env: {}, inheritEnv: [...DEFAULT_INHERITED_ENV],
    timeoutMs: 10_000, maxConcurrent: 1, tailLines: 50, killGraceMs: 500, useWorkingFolder: false, ...extra,
  };
}

interface Recorder {
  ctx: FakeToolContext;
  logs: FakeToolContext['logs'];
  progress: FakeToolContext['progressReports'];
  abort(): void;
  /** Pids the script printed as `pids <a> <b> …`. */
  pids(): number[];
}

function recorder(): Recorder {
  const ctx = createToolContext();
  return {
    ctx, logs: ctx.logs, progress: ctx.progressReports,
    abort: () => ctx.abort(new Error('cancelled by the test')),
    pids: () => {
      const line = ctx.logs.flatMap((l) => String(l.data).split('\n')).find((l) => l.startsWith('pids '));
      const pids = line ? line.slice(5).split(' ').map(Number) : [];
      for (const pid of pids) seenPids.add(pid);
      return pids;
    },
  };
}

/** Alive and not a zombie (a zombie waiting for a reaper counts as gone). */
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

const SPAWN_GRANDCHILD = `
const { spawn } = require('node:child_process');
const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
grandchild.unref();
console.log('pids ' + process.pid + ' ' + grandchild.pid);
`;

describe('TaskRunner (real processes)', () => {
  it('runs a command without a shell and reports exit code, duration, output tail, logs and progress', async () => {
    const r = recorder();
    const script = `for (let i = 1; i <= 3; i++) console.log('line ' + i); console.error('to stderr'); console.log(JSON.stringify(process.argv.slice(1)));`;
    const outcome = await start(task('hello', script), r.ctx, ['a b', '$(whoami)', ';|&']);
    expect(outcome).toMatchObject({ exitCode: 0, signal: null, stoppedBecause: undefined, outputLines: 5, tailTruncated: false });
    // stdout and stderr are two pipes: their lines interleave in arrival order.
    expect(outcome.tail.split('\n').sort()).toEqual(['line 1', 'line 2', 'line 3', 'to stderr', '["a b","$(whoami)",";|&"]'].sort());
    expect(outcome.durationMs).toBeGreaterThan(0);
    expect(r.logs).toContainEqual({ level: 'info', data: 'line 1\nline 2\nline 3\n["a b","$(whoami)",";|&"]', logger: 'hello/stdout' });
    expect(r.logs).toContainEqual({ level: 'warning', data: 'to stderr', logger: 'hello/stderr' });
    expect(r.progress.length).toBeGreaterThan(0);
  });

  it('reports a non-zero exit code', async () => {
    const outcome = await start(task('fail', `console.log('about to fail'); process.exit(3)`), recorder().ctx);
    expect(outcome).toMatchObject({ exitCode: 3, signal: null, tail: 'about to fail' });
  });

  it('kills a run at its timeout (SIGTERM), and escalates to SIGKILL when SIGTERM is ignored', async () => {
    const started = Date.now();
    const outcome = await start(task('slow', 'setInterval(() => {}, 1000)', { timeoutMs: 300 }), recorder().ctx);
    expect(outcome).toMatchObject({ stoppedBecause: 'timeout', exitCode: null, signal: 'SIGTERM' });
    expect(Date.now() - started).toBeLessThan(5_000);

    const stubborn = `process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('ready'); setInterval(() => {}, 1000);`;
    const outcome2 = await start(task('stubborn', stubborn, { timeoutMs: 1_000, killGraceMs: 300 }), recorder().ctx);
    expect(outcome2).toMatchObject({ stoppedBecause: 'timeout', exitCode: null, signal: 'SIGKILL' });
    expect(outcome2.tail).toBe('ready\nignoring SIGTERM');
  });

  it('cancellation kills the whole process tree, grandchild included', async () => {
    const r = recorder();
    const running = start(task('tree', `${SPAWN_GRANDCHILD} setInterval(() => {}, 1000);`), r.ctx);
    await vi.waitFor(() => expect(r.pids()).toHaveLength(2), WAIT);
    const [child, grandchild] = r.pids() as [number, number];
    expect(isAlive(child) && isAlive(grandchild)).toBe(true);
    r.abort();
    const outcome = await running;
    expect(outcome).toMatchObject({ stoppedBecause: 'cancelled', signal: 'SIGTERM' });
    await vi.waitFor(() => expect({ child: isAlive(child), grandchild: isAlive(grandchild) }).toEqual({ child: false, grandchild: false }), WAIT);
  });

  it('stops what a command left running when it exits', async () => {
    const r = recorder();
    const outcome = await start(task('leaver', SPAWN_GRANDCHILD), r.ctx);
    expect(outcome.exitCode).toBe(0);
    const [, grandchild] = r.pids() as [number, number];
    await vi.waitFor(() => expect(isAlive(grandchild)).toBe(false), WAIT);
  });

  it('enforces maxConcurrent per task with a tool error, and frees the slot when a run ends', async () => {
    const long = task('single', `console.log('pids ' + process.pid); setInterval(() => {}, 1000)`, { maxConcurrent: 1 });
    const first = recorder();
    const running = start(long, first.ctx);
    await vi.waitFor(() => expect(first.pids()).toHaveLength(1), WAIT);
    const refused = await start(long, recorder().ctx).catch((e) => e);
    expect(refused).toBeInstanceOf(ToolError);
    expect(refused.message).toBe('Task "single" is already running 1 time, its limit (maxConcurrent 1); try again when a run has finished.');
    first.abort();
    await running;
    expect((await start({ ...long, args: ['-e', 'process.exit(0)'] }, recorder().ctx)).exitCode).toBe(0);

    const pair = task('pair', 'setTimeout(() => {}, 300)', { maxConcurrent: 2 });
    const both = await Promise.all([start(pair, recorder().ctx), start(pair, recorder().ctx)]);
    expect(both.map((o) => o.exitCode)).toEqual([0, 0]);
  });

  it('passes the task env and only the allowed host variables, in the task folder', async () => {
    process.env.TASKS_TEST_SECRET = 'host-secret';
    try {
      const script = `console.log([process.env.GREETING, process.env.TASKS_TEST_SECRET ?? 'none', typeof process.env.PATH, process.cwd()].join(' '))`;
      const own = await start(task('env', script, { env: { GREETING: 'hi' } }), recorder().ctx);
      expect(own.tail).toBe(`hi none string ${scratch}`);
      const all = await start(task('env-all', script, { env: { GREETING: 'hey' }, inheritEnv: true }), recorder().ctx);
      expect(all.tail).toBe(`hey host-secret string ${scratch}`);
    } finally {
      delete process.env.TASKS_TEST_SECRET;
    }
  });

  it('a command that does not exist is a tool error', async () => {
    const err = await start(task('missing', '', { command: 'mcp-host-no-such-command-xyz', args: [] }), recorder().ctx).catch((e) => e);
    expect(err).toBeInstanceOf(ToolError);
    expect(err.message).toMatch(/Task "missing" could not start mcp-host-no-such-command-xyz: .*ENOENT/);
  });

  it('stopAll (the plugin dispose) stops every running tree', async () => {
    const r = recorder();
    const running = start(task('daemon', `${SPAWN_GRANDCHILD} setInterval(() => {}, 1000);`), r.ctx);
    await vi.waitFor(() => expect(r.pids()).toHaveLength(2), WAIT);
    await runner.stopAll();
    expect(await running).toMatchObject({ stoppedBecause: 'shutdown' });
    for (const pid of r.pids()) await vi.waitFor(() => expect(isAlive(pid)).toBe(false), WAIT);
  });
});

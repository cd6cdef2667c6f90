import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { LOGGER, ToolError, inject, injectable, type Logger, type ToolContext } from '@mcp-host/sdk';
import type { TaskSettings } from './config.js';
import { groupAlive, killTree, OWN_PROCESS_GROUP } from './killTree.js';
import { OutputCollector } from './OutputCollector.js';

/** How one run ended. */
export interface RunOutcome {
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Why the plugin stopped the run, if it did. */
  readonly stoppedBecause?: 'timeout' | 'cancelled' | 'shutdown';
  readonly durationMs: number;
  readonly outputLines: number;
  readonly tail: string;
  readonly tailTruncated: boolean;
}

type StopReason = NonNullable<RunOutcome['stoppedBecause']>;

const HEARTBEAT_MS = 1000;
/** After the command's process group is gone, how long its pipes may take to close. */
const CLOSE_WAIT_MS = 1000;
/** Longest SIGTERM-to-SIGKILL wait when the plugin is disposed. */
const SHUTDOWN_GRACE_MS = 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs task commands: no shell (spawn with an argv array), each run in its own process group so
 * that stopping it (timeout, cancellation, plugin shutdown) reaches the whole tree. Output goes to
 * the client as log notifications in line batches, with progress notifications while it runs.
 * Counts runs per task for `maxConcurrent`.
 */
@injectable()
export class TaskRunner {
  private readonly active = new Map<string, number>();
  private readonly runs = new Set<{ stop(reason: StopReason): void; done: Promise<unknown> }>();

  constructor(@inject(LOGGER) private readonly logger: Logger) {}

  /** Runs `task` with `argv` in `cwd` (default: its own); fails at once (a tool error) when the task is at its concurrency limit. */
  async run(task: TaskSettings, argv: string[], ctx: ToolContext, cwd: string = task.cwd): Promise<RunOutcome> {
    const active = this.active.get(task.name) ?? 0;
    if (active >= task.maxConcurrent) {
      throw new ToolError(`Task "${task.name}" is already running ${active} time${active === 1 ? '' : 's'}, its limit (maxConcurrent ${task.maxConcurrent}); try again when a run has finished.`);
    }
    ctx.signal.throwIfAborted();
    this.active.set(task.name, active + 1);
    try {
      return await this.execute(task, argv, ctx, cwd);
    } finally {
      this.active.set(task.name, this.active.get(task.name)! - 1);
    }
  }

  /** Stops every run (whole trees) and waits, bounded, for them to end; for the plugin's dispose. */
  async stopAll(): Promise<void> {
    const runs = [...this.runs];
    for (const run of runs) run.stop('shutdown');
    await Promise.allSettled(runs.map((r) => r.done));
  }

  private execute(task: TaskSettings, argv: string[], ctx: ToolContext, cwd: string): Promise<RunOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let lastProgress = 0;
    const progress = (message: string) => {
      lastProgress = Math.max(lastProgress + 1, elapsed()); // must grow from one notification to the next
      ctx.progress(lastProgress, undefined, message).catch(() => undefined);
    };
    const output = new OutputCollector({
      tailLines: task.tailLines,
      onBatch: (stream, lines) => {
        ctx.log(stream === 'stdout' ? 'info' : 'warning', lines.join('\n'), `${task.name}/${stream}`).catch(() => undefined);
        progress(`${output.lines} lines of output`);
      },
    });

    let child: ChildProcess;
    try {
      child = spawn(task.command, argv, { cwd, env: envFor(task), detached: OWN_PROCESS_GROUP, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    } catch (e) {
      return Promise.reject(new ToolError(`Task "${task.name}" could not start ${task.command}: ${(e as Error).message}`));
    }
    this.logger.info({ task: task.name, pid: child.pid, argv: [task.command, ...argv], cwd }, 'task started');
    child.stdout!.on('data', (chunk: Buffer) => output.push('stdout', chunk));
    child.stderr!.on('data', (chunk: Buffer) => output.push('stderr', chunk));
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));

    let stoppedBecause: StopReason | undefined;
    let escalation: NodeJS.Timeout | undefined;
    // The host waits only a few seconds for a generation's dispose hooks, so shutdown escalates sooner.
    const grace = () => (stoppedBecause === 'shutdown' ? Math.min(task.killGraceMs, SHUTDOWN_GRACE_MS) : task.killGraceMs);
    const stop = (reason: StopReason) => {
      if (stoppedBecause) return;
      stoppedBecause = reason;
      this.logger.info({ task: task.name, pid: child.pid, reason }, 'stopping task');
      killTree(child, 'SIGTERM');
      escalation = setTimeout(() => killTree(child, 'SIGKILL'), grace());
    };
    const timeout = setTimeout(() => stop('timeout'), task.timeoutMs);
    const heartbeat = setInterval(() => progress(`running for ${(elapsed() / 1000).toFixed(1)} s, ${output.lines} lines of output`), HEARTBEAT_MS);
    const onAbort = () => stop('cancelled');
    ctx.signal.addEventListener('abort', onAbort, { once: true });

    const done = new Promise<RunOutcome>((resolve, reject) => {
      const finish = () => {
        clearTimeout(timeout);
        clearInterval(heartbeat);
        ctx.signal.removeEventListener('abort', onAbort);
      };
      child.once('error', (e) => {
        // Only spawn failures (ENOENT, EACCES) reach here: the plugin never uses child.kill.
        finish();
        clearTimeout(escalation);
        reject(new ToolError(`Task "${task.name}" could not start ${task.command}: ${e.message}`));
      });
      child.once('exit', (exitCode, signal) => {
        finish();
        void this.reap(child, grace(), closed).then(() => {
          clearTimeout(escalation);
          output.end();
          const outcome: RunOutcome = { argv, exitCode, signal, stoppedBecause, durationMs: elapsed(), outputLines: output.lines, tail: output.tailText(), tailTruncated: output.truncated };
          this.logger.info({ task: task.name, pid: child.pid, exitCode, signal, stoppedBecause, durationMs: outcome.durationMs }, 'task ended');
          resolve(outcome);
        });
      });
    });
    const run = { stop, done };
    this.runs.add(run);
    return done.finally(() => this.runs.delete(run));
  }

  /**
   * After the command exits: whatever it left running in its process group is stopped too
   * (SIGTERM, then SIGKILL after the grace time), and the pipes get a bounded time to close.
   */
  private async reap(child: ChildProcess, graceMs: number, closed: Promise<void>): Promise<void> {
    if (groupAlive(child)) {
      killTree(child, 'SIGTERM');
      for (let waited = 0; groupAlive(child) && waited < graceMs; waited += 50) await sleep(50);
      if (groupAlive(child)) killTree(child, 'SIGKILL');
    }
    await Promise.race([closed, sleep(CLOSE_WAIT_MS)]);
  }
}

/** The task's environment: the inherited host variables, then its own. */
function envFor(task: TaskSettings): NodeJS.ProcessEnv {
  const inherited =
    task.inheritEnv === true ? { ...process.env } : task.inheritEnv === false ? {} : Object.fromEntries(task.inheritEnv.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
  return { ...inherited, ...task.env };
}

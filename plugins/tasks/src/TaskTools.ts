import { z } from 'zod';
import { ToolError, inject, injectable, type CallToolResult, type ToolContext, type ToolDefinition } from '@mcp-host/sdk';
import { expandArgs, inputSchemaOf } from './argv.js';
import { TASKS, type TaskSettings } from './config.js';
import { TaskRunner } from './TaskRunner.js';
import { runFolderOf } from './workingFolder.js';

/** The structured result of every task tool. */
export const TaskResultSchema = z.object({
  task: z.string(),
  /** The command and its arguments as run. */
  argv: z.array(z.string()),
  /** The folder it ran in. */
  cwd: z.string(),
  /** For a task with useWorkingFolder and a working folder set in the session: the folder, whether it was used, and if not, why. */
  workingFolder: z.object({ path: z.string(), used: z.boolean(), reason: z.string().optional() }).optional(),
  /** Null when a signal ended it. */
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  timedOut: z.boolean(),
  durationMs: z.number(),
  outputLines: z.number().int(),
  /** The last lines of stdout and stderr, in the order they came. */
  tail: z.string(),
  /** True when earlier lines are not in the tail. */
  tailTruncated: z.boolean(),
});
export type TaskResult = z.infer<typeof TaskResultSchema>;

/**
 * Builds one tool per configured task. Tools are plain definitions rather than decorated methods
 * because their names and input schemas come from the config, which only exists at setup.
 */
@injectable()
export class TaskTools {
  constructor(
    @inject(TASKS) private readonly tasks: readonly TaskSettings[],
    private readonly runner: TaskRunner,
  ) {}

  definitions(): ToolDefinition[] {
    return this.tasks.map((task) => ({
      name: task.name,
      title: task.title ?? `Run ${task.name}`,
      description: describe(task),
      input: inputSchemaOf(task.params),
      output: TaskResultSchema,
      handler: (args: Record<string, string | number | boolean | undefined>, ctx: ToolContext) => this.run(task, args, ctx),
    }));
  }

  private async run(task: TaskSettings, args: Record<string, string | number | boolean | undefined>, ctx: ToolContext): Promise<CallToolResult> {
    const folder = await runFolderOf(task, ctx);
    const outcome = await this.runner.run(task, expandArgs(task.args, args), ctx, folder.cwd);
    if (outcome.stoppedBecause === 'cancelled') throw new ToolError(`Task "${task.name}" was cancelled; its process tree was stopped.`);
    if (outcome.stoppedBecause === 'shutdown') throw new ToolError(`Task "${task.name}" was stopped because the tasks plugin is shutting down or reloading.`);
    const result: TaskResult = {
      task: task.name,
      argv: [task.command, ...outcome.argv],
      cwd: folder.cwd,
      ...(folder.workingFolder ? { workingFolder: folder.workingFolder } : {}),
      exitCode: outcome.exitCode,
      signal: outcome.signal,
      timedOut: outcome.stoppedBecause === 'timeout',
      durationMs: outcome.durationMs,
      outputLines: outcome.outputLines,
      tail: outcome.tail,
      tailTruncated: outcome.tailTruncated,
    };
    // A run that failed or timed out is a tool error the model can read, with the same details.
    return { content: [{ type: 'text', text: summary(task, result) }], structuredContent: result, isError: result.timedOut || result.exitCode !== 0 };
  }
}

function describe(task: TaskSettings): string {
  const line = [task.command, ...task.args].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ');
  const head = task.description ?? `Runs the configured task "${task.name}".`;
  const folder = task.useWorkingFolder ? `In the session's working folder when it lies inside ${task.cwd}, else in ${task.cwd}` : `In ${task.cwd}`;
  return `${head}\n\nRuns (no shell): ${line}\n${folder}; stopped after ${task.timeoutMs} ms; at most ${task.maxConcurrent} at once. Output is streamed as log messages; the result has the exit code and the last ${task.tailLines} lines.`;
}

function summary(task: TaskSettings, r: TaskResult): string {
  const seconds = `${(r.durationMs / 1000).toFixed(1)} s`;
  const how = r.timedOut ? `was stopped after its ${task.timeoutMs} ms timeout (${r.signal ?? 'exited'})` : r.exitCode !== null ? `exited with code ${r.exitCode}` : `was ended by ${r.signal}`;
  const tail = r.tail === '' ? 'It printed nothing.' : `${r.tailTruncated ? `Last ${task.tailLines} of ${r.outputLines} lines` : 'Output'}:\n${r.tail}`;
  const where = r.workingFolder?.used === false ? ` in ${r.cwd} (the session's working folder ${r.workingFolder.path} was not used: ${r.workingFolder.reason})` : r.workingFolder ? ` in the working folder ${r.cwd}` : '';
  return `Task ${task.name}${where} ${how} after ${seconds}.\n${tail}`;
}

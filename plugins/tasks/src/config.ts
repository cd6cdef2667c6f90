import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseConfigAsync } from '@mcp-host/sdk';
import { z } from 'zod';
import { placeholdersOf } from './placeholders.js';

/** Host variables a task inherits unless it says otherwise: enough to find programs and a home, no secrets. */
export const DEFAULT_INHERITED_ENV = [
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR', 'TEMP', 'TMP', 'TERM',
  'SystemRoot', 'SystemDrive', 'ComSpec', 'PATHEXT', 'WINDIR', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA',
] as const;

const ParamSchema = z
  .object({
    type: z.enum(['string', 'integer', 'number', 'boolean']).default('string'),
    description: z.string().optional(),
    /** Regular expression the whole value must match (strings). */
    pattern: z.string().optional(),
    /** The only values allowed (strings). */
    enum: z.array(z.string()).min(1).optional(),
    minLength: z.number().int().min(0).optional(),
    /** Longest value (strings); default 1000. */
    maxLength: z.number().int().min(1).optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    /** Used when the caller leaves the parameter out (makes it optional). */
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
    /** Default: true, unless a default is given. An optional parameter left out drops the arguments that mention it. */
    required: z.boolean().optional(),
    /** Let a string value start with "-" (it could then pass as an option to the command). Default false. */
    allowLeadingDash: z.boolean().default(false),
  })
  .strict();

const TaskSchema = z
  .object({
    title: z.string().optional(),
    description: z.string().optional(),
    /** The program to run (looked up on the task's PATH); never a shell line. */
    command: z.string().min(1),
    /** Its arguments; `{{param}}` inside an argument is replaced by that parameter's value (never split, never parsed by a shell). */
    args: z.array(z.string()).default([]),
    params: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'parameter names are letters, digits and "_"' }), ParamSchema).default({}),
    /** Working folder; relative to the host's working directory. Default: the host's working directory. */
    cwd: z.string().min(1).optional(),
    /**
     * Run in the session's working folder (shared context `workspace.cwd`, set by the filesystem
     * plugin's set_working_folder) when it lies inside `cwd`. Default false: always `cwd`.
     */
    useWorkingFolder: z.boolean().default(false),
    /** Variables set for the command (on top of the inherited ones). */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'variable names are letters, digits and "_"' }), z.string()).default({}),
    /** Host variables passed on: true (all), false (none) or a list of names. Default: a short list without secrets. */
    inheritEnv: z.union([z.boolean(), z.array(z.string())]).default([...DEFAULT_INHERITED_ENV]),
    /** The run is killed (its whole process tree) after this long. Keep it under the host's plugins.callTimeoutMs. */
    timeoutMs: z.number().int().min(100).default(30_000),
    /** Runs of this task at once; a call past it fails at once with a tool error. */
    maxConcurrent: z.number().int().min(1).default(1),
    /** Lines of output kept for the result. */
    tailLines: z.number().int().min(1).max(10_000).default(50),
    /** Time between SIGTERM and SIGKILL when a run is stopped. */
    killGraceMs: z.number().int().min(0).max(60_000).default(2_000),
  })
  .strict();

/** The plugin's config section (`plugins.settings.tasks.config` in the host config). */
export const TasksConfigSchema = z
  .object({
    tasks: z.record(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'task names become tool names: 1–64 letters, digits, "_", "." or "-"' }), TaskSchema).default({}),
  })
  .strict();

export type ParamSpec = z.output<typeof ParamSchema>;
export type TaskConfig = z.output<typeof TaskSchema>;

/** One task, checked, with its working folder made absolute. */
export interface TaskSettings extends TaskConfig {
  readonly name: string;
  readonly cwd: string;
}

/** Injection token of the checked tasks (`readonly TaskSettings[]`), registered by setup. */
export const TASKS = Symbol('tasks:settings');

type Problem = [path: PropertyKey[], message: string];

function paramProblems(where: PropertyKey[], spec: ParamSpec): Problem[] {
  const problems: Problem[] = [];
  const isString = spec.type === 'string';
  const isNumber = spec.type === 'integer' || spec.type === 'number';
  for (const key of ['pattern', 'enum', 'minLength', 'maxLength'] as const) if (spec[key] !== undefined && !isString) problems.push([[...where, key], 'only for type "string"']);
  for (const key of ['minimum', 'maximum'] as const) if (spec[key] !== undefined && !isNumber) problems.push([[...where, key], 'only for types "integer" and "number"']);
  if (spec.pattern !== undefined) {
    try {
      new RegExp(spec.pattern, 'u');
    } catch (e) {
      problems.push([[...where, 'pattern'], `not a valid regular expression (${(e as Error).message})`]);
    }
  }
  if (spec.default !== undefined) {
    const ok = isString ? typeof spec.default === 'string' : isNumber ? typeof spec.default === 'number' && (spec.type === 'number' || Number.isInteger(spec.default)) : typeof spec.default === 'boolean';
    if (!ok) problems.push([[...where, 'default'], `must be of type "${spec.type}"`]);
  }
  return problems;
}

/**
 * The plugin's config (declared with `definePlugin({ config: tasksConfig(process.cwd()) })`): the
 * section's schema, then what a schema alone cannot check: every `{{placeholder}}` names a
 * parameter, every parameter is used, patterns compile, defaults have the right type, and working
 * folders exist. Each problem is an issue at its path; the value is the checked tasks.
 */
export function tasksConfig(hostCwd: string) {
  return TasksConfigSchema.transform(async ({ tasks: configured }, ctx): Promise<TaskSettings[]> => {
    const problems: Problem[] = [];
    const tasks: TaskSettings[] = [];
    for (const [name, task] of Object.entries(configured)) {
      const where = ['tasks', name];
      if (placeholdersOf(task.command).length > 0) problems.push([[...where, 'command'], 'is fixed; put {{placeholders}} in args']);
      const used = new Set(task.args.flatMap(placeholdersOf));
      for (const p of used) if (!(p in task.params)) problems.push([[...where, 'args'], `{{${p}}} names no parameter (declare it under params)`]);
      for (const [param, spec] of Object.entries(task.params)) {
        if (!used.has(param)) problems.push([[...where, 'params', param], 'not used in args']);
        problems.push(...paramProblems([...where, 'params', param], spec));
      }
      const cwd = path.resolve(hostCwd, task.cwd ?? '.');
      const isDir = await stat(cwd).then((s) => s.isDirectory(), () => false);
      if (!isDir) problems.push([[...where, 'cwd'], `${cwd} is not an existing folder`]);
      tasks.push({ ...task, name, cwd });
    }
    for (const [at, message] of problems) ctx.addIssue({ code: 'custom', path: at, message });
    return problems.length > 0 ? z.NEVER : tasks;
  });
}

/** The checked tasks of a raw section, as the host parses it (for tests and tools); throws naming every problem. */
export const resolveTasksConfig = (raw: unknown, hostCwd: string): Promise<TaskSettings[]> => parseConfigAsync(tasksConfig(hostCwd), raw, 'tasks');

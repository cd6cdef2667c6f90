import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { ContextError, WORKING_FOLDER_KEY, type ToolContext, type WorkingFolder } from '@mcp-host/sdk';
import type { TaskSettings } from './config.js';

/** Where a run happens, and what became of the session's working folder. */
export interface RunFolder {
  /** The folder the command runs in. */
  readonly cwd: string;
  /** The session's working folder when the task follows it and one is set: used, or why not. */
  readonly workingFolder?: { readonly path: string; readonly used: boolean; readonly reason?: string };
}

const isInside = (child: string, parent: string): boolean => {
  const rel = path.relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
};

/**
 * The folder a run of `task` uses. A task with `useWorkingFolder` runs in the session's working
 * folder (the shared-context key `workspace.cwd`, which the filesystem plugin's
 * `set_working_folder` writes) when that folder lies inside the task's own `cwd`; else, and for
 * every other task, in its `cwd`. Any tool may write the key, so the value is checked on every
 * run: an absolute path to an existing folder whose real path (links resolved) is inside the real
 * path of the task's `cwd`. A value that fails is not used, and the result says why.
 */
export async function runFolderOf(task: TaskSettings, ctx: ToolContext): Promise<RunFolder> {
  if (!task.useWorkingFolder) return { cwd: task.cwd };
  let value: unknown;
  try {
    value = (await ctx.context.session.get<WorkingFolder>(WORKING_FOLDER_KEY))?.value;
  } catch (e) {
    // A 2026-07-28 call without a context id has no session scope: there is no working folder.
    if (e instanceof ContextError && e.reason === 'no-session') return { cwd: task.cwd };
    throw e;
  }
  if (value === undefined) return { cwd: task.cwd };
  const wanted = (value as Partial<WorkingFolder> | null)?.path;
  const ignored = (reason: string): RunFolder => ({ cwd: task.cwd, workingFolder: { path: typeof wanted === 'string' ? wanted : JSON.stringify(value), used: false, reason } });
  if (typeof wanted !== 'string' || !path.isAbsolute(wanted)) return ignored('not an absolute path');
  const real = await realpath(wanted).catch(() => undefined);
  if (real === undefined || !(await stat(real)).isDirectory()) return ignored('not an existing folder');
  const allowed = await realpath(task.cwd);
  if (!isInside(real, allowed)) return ignored(`outside the task's folder ${allowed}`);
  return { cwd: real, workingFolder: { path: wanted, used: true } };
}

import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { Tool, WORKING_FOLDER_KEY, injectable, type ToolContext, type WorkingFolder } from '@mcp-host/sdk';
import { PathArg, READ_ONLY } from './args.js';
import { PathGuard, PathRefusedError, type GuardedPath } from './PathGuard.js';

const SetWorkingFolderInput = z.object({
  path: PathArg.optional().describe('Folder inside a root (relative paths start at the current working folder); leave out to clear it'),
});
const WorkingFolderOutput = z.object({
  path: z.string(),
  uri: z.string(),
  root: z.string(),
  /** False when no working folder is set and relative paths start at the first root. */
  set: z.boolean(),
});
type WorkingFolderOut = z.infer<typeof WorkingFolderOutput>;

/**
 * The caller's working folder, kept in the session's shared context under `WORKING_FOLDER_KEY`
 * (`workspace.cwd`), so other plugins of the same session see it too (the tasks plugin runs
 * opted-in tasks there) and clients read it as `context://session/workspace.cwd`.
 */
@injectable()
export class FsWorkingFolderTools {
  constructor(private readonly guard: PathGuard) {}

  @Tool({
    name: 'set_working_folder',
    title: 'Set working folder',
    description: 'Sets the folder that relative paths start from in this session, for this server and for other plugins that honour the shared working folder (e.g. tasks). It must be a folder inside a root. Leave path out to clear it.',
    input: SetWorkingFolderInput,
    output: WorkingFolderOutput,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  async setWorkingFolder({ path: input }: z.infer<typeof SetWorkingFolderInput>, ctx: ToolContext): Promise<WorkingFolderOut> {
    if (input === undefined) {
      await ctx.context.session.delete(WORKING_FOLDER_KEY);
      return this.describe(await this.firstRoot(), false);
    }
    // The same checks as every other path (roots, "..", links), then: a folder.
    const folder = await this.guard.resolve(input, 'read', { ctx });
    if (!(await stat(folder.path)).isDirectory()) throw new PathRefusedError(`${input} is a file, not a folder; a working folder must be a folder inside a root.`);
    const value: WorkingFolder = { path: folder.path, uri: folder.uri };
    await ctx.context.session.set(WORKING_FOLDER_KEY, value);
    return this.describe(folder, true);
  }

  @Tool({
    name: 'get_working_folder',
    title: 'Get working folder',
    description: 'Tells the folder that relative paths start from in this session (the first root when none is set).',
    output: WorkingFolderOutput,
    annotations: READ_ONLY,
  })
  async getWorkingFolder(_args: unknown, ctx: ToolContext): Promise<WorkingFolderOut> {
    const folder = await this.guard.workingFolder(ctx);
    return folder ? this.describe(folder, true) : this.describe(await this.firstRoot(), false);
  }

  private firstRoot(): Promise<GuardedPath> {
    return this.guard.resolve(this.guard.configuredRoots[0]!.real, 'read');
  }

  private describe(folder: GuardedPath, set: boolean): WorkingFolderOut {
    return { path: folder.path, uri: folder.uri, root: folder.root.name, set };
  }
}

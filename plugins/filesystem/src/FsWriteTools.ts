import { cp, lstat, mkdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { Tool, ToolError, inject, injectable, type ToolContext } from '@mcp-host/sdk';
import { PathArg } from './args.js';
import { FS_SETTINGS, type FilesystemSettings } from './config.js';
import { PathGuard } from './PathGuard.js';

const WriteFileInput = z.object({
  path: PathArg,
  content: z.string().describe('The new content (UTF-8 text, or base64 when encoding is base64)'),
  encoding: z.enum(['utf8', 'base64']).default('utf8'),
  createParents: z.boolean().default(false).describe('Create missing folders on the way'),
  overwrite: z.boolean().default(true).describe('Replace an existing file (false: fail when it exists)'),
});
const WriteFileOutput = z.object({ path: z.string(), uri: z.string(), bytes: z.number(), created: z.boolean() });

const CreateDirectoryInput = z.object({ path: PathArg });
const MoveInput = z.object({ source: PathArg, destination: PathArg, overwrite: z.boolean().default(false).describe('Replace an existing destination file') });
const DeleteInput = z.object({ path: PathArg, recursive: z.boolean().default(false).describe('Delete a folder with everything in it') });
const Changed = z.object({ path: z.string(), uri: z.string() });

const errnoText = (e: unknown, what: string): never => {
  const err = e as NodeJS.ErrnoException;
  const reason: Record<string, string> = {
    ENOENT: 'a folder on the way does not exist (createParents creates them)',
    ENOTEMPTY: 'the folder is not empty (set recursive to delete it with its contents)',
    EEXIST: 'it already exists',
    EISDIR: 'it is a folder',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EACCES: 'permission denied by the operating system',
    EPERM: 'not permitted by the operating system',
  };
  throw new ToolError(`${what} failed: ${reason[err.code ?? ''] ?? err.message}`, { cause: e });
};

/**
 * The tools that change files. The plugin serves them only when a root is writable, and every call
 * still checks that the roots of its paths are writable (PathGuard, access "write").
 */
@injectable()
export class FsWriteTools {
  constructor(
    private readonly guard: PathGuard,
    @inject(FS_SETTINGS) private readonly settings: FilesystemSettings,
  ) {}

  @Tool({
    name: 'write_file',
    title: 'Write file',
    description: 'Creates or replaces a file in a writable root.',
    input: WriteFileInput,
    output: WriteFileOutput,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  })
  async writeFile({ path: input, content, encoding, createParents, overwrite }: z.infer<typeof WriteFileInput>, ctx?: ToolContext): Promise<z.infer<typeof WriteFileOutput>> {
    const bytes = Buffer.from(content, encoding);
    if (bytes.length > this.settings.maxWriteBytes) throw new ToolError(`The content is ${bytes.length} bytes, more than the ${this.settings.maxWriteBytes}-byte write limit (maxWriteBytes).`);
    const file = await this.guard.resolve(input, 'write', { allowMissing: true, ctx });
    if (file.exists && (await stat(file.path)).isDirectory()) throw new ToolError(`${input} is a folder; give a file path.`);
    if (file.exists && !overwrite) throw new ToolError(`${input} already exists (set overwrite to replace it).`);
    try {
      if (createParents) await mkdir(path.dirname(file.path), { recursive: true });
      await writeFile(file.path, bytes, overwrite ? undefined : { flag: 'wx' });
    } catch (e) {
      errnoText(e, `Writing ${input}`);
    }
    return { path: file.path, uri: file.uri, bytes: bytes.length, created: !file.exists };
  }

  @Tool({
    name: 'create_directory',
    title: 'Create directory',
    description: 'Creates a folder (and missing parents) in a writable root; an existing folder is fine.',
    input: CreateDirectoryInput,
    output: Changed,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  async createDirectory({ path: input }: z.infer<typeof CreateDirectoryInput>, ctx?: ToolContext): Promise<z.infer<typeof Changed>> {
    const dir = await this.guard.resolve(input, 'write', { allowMissing: true, ctx });
    await mkdir(dir.path, { recursive: true }).catch((e) => errnoText(e, `Creating ${input}`));
    return { path: dir.path, uri: dir.uri };
  }

  @Tool({
    name: 'move_file',
    title: 'Move file',
    description: 'Moves or renames a file or folder; both places must be in writable roots. A symbolic link is moved as a link.',
    input: MoveInput,
    output: Changed,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  })
  async moveFile({ source, destination, overwrite }: z.infer<typeof MoveInput>, ctx?: ToolContext): Promise<z.infer<typeof Changed>> {
    const from = await this.guard.resolveEntry(source, 'write', { ctx });
    const to = await this.guard.resolveEntry(destination, 'write', { allowMissing: true, ctx });
    if (to.exists) {
      if (!overwrite) throw new ToolError(`${destination} already exists (set overwrite to replace a file).`);
      if ((await lstat(to.path)).isDirectory()) throw new ToolError(`${destination} is an existing folder; it is never replaced.`);
    }
    try {
      await rename(from.path, to.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EXDEV') errnoText(e, `Moving ${source}`);
      // Roots on different file systems: copy (links as links), then remove the source.
      await cp(from.path, to.path, { recursive: true, force: overwrite, errorOnExist: !overwrite, verbatimSymlinks: true }).catch((err) => errnoText(err, `Moving ${source}`));
      await rm(from.path, { recursive: true }).catch((err) => errnoText(err, `Removing ${source} after copying it`));
    }
    return { path: to.path, uri: to.uri };
  }

  @Tool({
    name: 'delete_file',
    title: 'Delete file',
    description: 'Deletes a file, a symbolic link (not its target) or an empty folder in a writable root; recursive deletes a folder with its contents.',
    input: DeleteInput,
    output: Changed,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  })
  async deleteFile({ path: input, recursive }: z.infer<typeof DeleteInput>, ctx?: ToolContext): Promise<z.infer<typeof Changed>> {
    const entry = await this.guard.resolveEntry(input, 'write', { ctx });
    const isDir = (await lstat(entry.path)).isDirectory();
    await (isDir ? (recursive ? rm(entry.path, { recursive: true }) : rmdir(entry.path)) : rm(entry.path)).catch((e) => errnoText(e, `Deleting ${input}`));
    return { path: entry.path, uri: entry.uri };
  }
}

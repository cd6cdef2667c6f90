import { lstat, readdir, readlink, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { Tool, ToolError, inject, injectable, type CallToolResult, type ContentBlock, type ToolContext } from '@mcp-host/sdk';
import { PathArg, READ_ONLY } from './args.js';
import { FS_SETTINGS, type FilesystemSettings } from './config.js';
import { decodeText, mimeTypeOf } from './fileKinds.js';
import { PathGuard } from './PathGuard.js';
import { readBytes } from './readBytes.js';
import { entryType } from './walk.js';

const RootOut = z.object({ name: z.string(), path: z.string(), uri: z.string(), writable: z.boolean() });
const ListRootsOutput = z.object({ roots: z.array(RootOut) });

const ListDirectoryInput = z.object({ path: PathArg.optional().describe('Folder to list (default: the working folder, else the first root)') });
const EntryOut = z.object({ name: z.string(), type: z.enum(['file', 'directory', 'symlink', 'other']), size: z.number().optional() });
const ListDirectoryOutput = z.object({ path: z.string(), uri: z.string(), root: z.string(), entries: z.array(EntryOut), truncated: z.boolean() });

const ReadFileInput = z.object({
  path: PathArg,
  offset: z.number().int().min(0).optional().describe('First byte to read (default 0)'),
  length: z.number().int().positive().optional().describe('Bytes to read (default: to the end; at most the read limit)'),
  encoding: z.enum(['auto', 'text', 'base64']).default('auto').describe('auto: text when the bytes are UTF-8 text, else a blob; text: always text; base64: always a blob'),
});

const FileInfoInput = z.object({ path: PathArg });
const FileInfoOutput = z.object({
  path: z.string(),
  uri: z.string(),
  root: z.string(),
  type: z.enum(['file', 'directory', 'symlink', 'other']),
  size: z.number(),
  modified: z.string(),
  created: z.string(),
  accessed: z.string(),
  mode: z.string(),
  writable: z.boolean(),
  symlinkTarget: z.string().optional(),
});

/** The read-only tools on single paths: roots, listing, reading, file info. */
@injectable()
export class FsReadTools {
  constructor(
    private readonly guard: PathGuard,
    @inject(FS_SETTINGS) private readonly settings: FilesystemSettings,
  ) {}

  @Tool({ name: 'list_roots', title: 'List roots', description: 'Lists the folders this server may use, and which of them are writable.', output: ListRootsOutput, annotations: READ_ONLY })
  listRoots(): z.infer<typeof ListRootsOutput> {
    return { roots: this.guard.configuredRoots.map((r) => ({ name: r.name, path: r.real, uri: pathToFileURL(r.real).href, writable: r.writable })) };
  }

  @Tool({ name: 'list_directory', title: 'List directory', description: 'Lists the entries of a folder (name, type, size of files).', input: ListDirectoryInput, output: ListDirectoryOutput, annotations: READ_ONLY })
  async listDirectory({ path: input }: z.infer<typeof ListDirectoryInput>, ctx?: ToolContext): Promise<CallToolResult> {
    const dir = input !== undefined ? await this.guard.resolve(input, 'read', { ctx }) : ((ctx && (await this.guard.workingFolder(ctx))) ?? (await this.guard.resolve(this.guard.configuredRoots[0]!.real, 'read')));
    if (!(await stat(dir.path)).isDirectory()) throw new ToolError(`${input} is a file, not a folder; read it with read_file.`);
    const dirents = await readdir(dir.path, { withFileTypes: true });
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const kept = dirents.slice(0, this.settings.maxListEntries);
    const entries = await Promise.all(
      kept.map(async (d) => {
        const type = entryType(d);
        const size = type === 'file' ? await lstat(path.join(dir.path, d.name)).then((s) => s.size, () => undefined) : undefined;
        return size === undefined ? { name: d.name, type } : { name: d.name, type, size };
      }),
    );
    const truncated = dirents.length > kept.length;
    const lines = entries.map((e) => (e.type === 'directory' ? `${e.name}/` : e.type === 'symlink' ? `${e.name} -> (link)` : e.size !== undefined ? `${e.name} (${e.size} bytes)` : e.name));
    if (truncated) lines.push(`… ${dirents.length - kept.length} more entries not shown (maxListEntries ${this.settings.maxListEntries})`);
    const structured = { path: dir.path, uri: dir.uri, root: dir.root.name, entries, truncated };
    return { content: [{ type: 'text', text: `${dir.path}:\n${lines.join('\n') || '(empty)'}` }], structuredContent: structured };
  }

  @Tool({
    name: 'read_file',
    title: 'Read file',
    description: 'Reads a file: UTF-8 text as text, anything else as a base64 blob. Files over the read limit are read in parts with offset and length.',
    input: ReadFileInput,
    annotations: READ_ONLY,
  })
  async readFile({ path: input, offset, length, encoding }: z.infer<typeof ReadFileInput>, ctx?: ToolContext): Promise<ContentBlock[]> {
    const file = await this.guard.resolve(input, 'read', { ctx });
    const part = await readBytes(file.path, input, this.settings.maxReadBytes, offset, length);
    const text = encoding === 'base64' ? undefined : encoding === 'text' ? part.bytes.toString('utf8') : decodeText(part.bytes, part.partial);
    const blocks: ContentBlock[] =
      text !== undefined
        ? [{ type: 'text', text }]
        : [{ type: 'resource', resource: { uri: file.uri, mimeType: mimeTypeOf(file.path, true), blob: part.bytes.toString('base64') } }];
    if (part.partial) blocks.push({ type: 'text', text: `[bytes ${part.offset}–${part.offset + part.bytes.length} of ${part.size}]` });
    return blocks;
  }

  @Tool({ name: 'file_info', title: 'File info', description: 'Type, size, times and permissions of a file or folder (a symbolic link is described as a link, with its target).', input: FileInfoInput, output: FileInfoOutput, annotations: READ_ONLY })
  async fileInfo({ path: input }: z.infer<typeof FileInfoInput>, ctx?: ToolContext): Promise<z.infer<typeof FileInfoOutput>> {
    const entry = await this.guard.resolveEntry(input, 'read', { ctx });
    const info = await lstat(entry.path);
    const type = entryType(info);
    const target = type === 'symlink' ? await readlink(entry.path) : undefined;
    if (target !== undefined) await this.guard.resolve(entry.path, 'read'); // a link that escapes is refused, not described
    return {
      path: entry.path,
      uri: entry.uri,
      root: entry.root.name,
      type,
      size: info.size,
      modified: info.mtime.toISOString(),
      created: info.birthtime.toISOString(),
      accessed: info.atime.toISOString(),
      mode: `0${(info.mode & 0o777).toString(8)}`,
      writable: entry.root.writable,
      ...(target !== undefined ? { symlinkTarget: target } : {}),
    };
  }
}

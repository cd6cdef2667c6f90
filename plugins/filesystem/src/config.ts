import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseConfigAsync } from '@mcp-host/sdk';
import { z } from 'zod';

const MiB = 1024 * 1024;

const RootSchema = z
  .object({
    /** Folder served; relative paths are taken from the host's working directory. */
    path: z.string().min(1),
    /** Name shown to clients and used in messages; defaults to the folder's base name. */
    name: z
      .string()
      .regex(/^[\w.-]+$/, { error: 'may contain only letters, digits, "_", "." and "-"' })
      .optional(),
    /** Whether write_file, create_directory, move_file and delete_file may change it. */
    writable: z.boolean().default(false),
  })
  .strict();

/** The plugin's config section (`plugins.settings.filesystem.config` in the host config). */
export const FilesystemConfigSchema = z
  .object({
    /** Folders the plugin may touch. Default: the host's working directory, read-only. */
    roots: z.array(RootSchema).min(1, { error: 'give at least one root, or leave "roots" out to serve the working directory' }).optional(),
    /** Largest read (read_file, resources/read) in bytes; bigger files are read in parts with offset/length. */
    maxReadBytes: z.number().int().positive().default(MiB),
    /** Largest write_file content in bytes (after base64 decoding). */
    maxWriteBytes: z.number().int().positive().default(MiB),
    /** Follow symbolic links whose target stays inside a root (links that escape are always refused). */
    followSymlinks: z.boolean().default(true),
    /** Folder (or file) names skipped by searches and by the watcher; reading them by path still works. */
    ignore: z.array(z.string().min(1)).default(['.git', 'node_modules']),
    /** Most entries list_directory returns. */
    maxListEntries: z.number().int().positive().default(1000),
    /** Most matches search_files and search_content return. */
    maxSearchResults: z.number().int().positive().default(200),
    /** Most directory entries one search walks before it stops (and says it was cut short). */
    maxSearchEntries: z.number().int().positive().default(20_000),
    watch: z
      .object({
        /** Announce `resources/updated` for changed files under the roots (chokidar). */
        enabled: z.boolean().default(true),
        /** Quiet time per file before the announcement, so one save is one notification. */
        debounceMs: z.number().int().min(0).max(10_000).default(100),
        /** How many folder levels below each root are watched (default: all). */
        depth: z.number().int().min(0).optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type FilesystemConfig = z.output<typeof FilesystemConfigSchema>;

/** A configured root, checked and resolved. */
export interface Root {
  readonly name: string;
  /** The path as configured, made absolute. */
  readonly path: string;
  /** Its real path (symbolic links resolved): every check compares against this. */
  readonly real: string;
  readonly writable: boolean;
}

/** The validated config with its roots resolved; what the plugin's services receive. */
export interface FilesystemSettings extends Omit<FilesystemConfig, 'roots'> {
  readonly roots: readonly Root[];
}

/** Injection token of the plugin's `FilesystemSettings` (registered by setup; the same value as PLUGIN_CONFIG). */
export const FS_SETTINGS = Symbol('filesystem:settings');

/**
 * The plugin's config (declared with `definePlugin({ config: filesystemConfig(process.cwd()) })`):
 * the section's schema, then its roots resolved (each must be an existing folder; relative paths
 * are taken from `cwd`) and their names checked. Each problem is an issue at its path.
 */
export function filesystemConfig(cwd: string) {
  return FilesystemConfigSchema.transform(async ({ roots: configured, ...rest }, ctx): Promise<FilesystemSettings> => {
    const roots: Root[] = [];
    for (const [index, root] of (configured ?? [{ path: cwd, writable: false }]).entries()) {
      const abs = path.resolve(cwd, root.path);
      const name = root.name ?? (path.basename(abs) || 'root');
      try {
        if (!(await stat(abs)).isDirectory()) throw new Error('is not a folder');
        roots.push({ name, path: abs, real: await realpath(abs), writable: root.writable });
      } catch (e) {
        const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : (e as Error).message;
        ctx.addIssue({ code: 'custom', path: ['roots', index, 'path'], message: `${abs} ${reason}` });
      }
    }
    const names = roots.map((r) => r.name);
    for (const dup of new Set(names.filter((n, i) => names.indexOf(n) !== i))) ctx.addIssue({ code: 'custom', path: ['roots'], message: `the name "${dup}" is used twice; give each root its own "name"` });
    return { ...rest, roots };
  });
}

/** The settings of a raw section, as the host parses it (for tests and tools); throws naming every problem. */
export const resolveFilesystemConfig = (raw: unknown, cwd: string): Promise<FilesystemSettings> => parseConfigAsync(filesystemConfig(cwd), raw, 'filesystem');

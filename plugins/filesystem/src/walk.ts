import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** One entry met by a walk. */
export interface WalkEntry {
  /** Absolute path. */
  readonly path: string;
  /** Path from the walk's base, with "/" separators (what glob patterns match). */
  readonly rel: string;
  readonly type: EntryType;
}

export type EntryType = 'file' | 'directory' | 'symlink' | 'other';

export const entryType = (d: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): EntryType =>
  d.isSymbolicLink() ? 'symlink' : d.isDirectory() ? 'directory' : d.isFile() ? 'file' : 'other';

export interface WalkOptions {
  /** Names of folders and files skipped (not entered, not visited). */
  readonly ignore: ReadonlySet<string>;
  /** Most entries visited before the walk stops. */
  readonly maxEntries: number;
  readonly signal: AbortSignal;
}

export interface WalkOutcome {
  readonly visited: number;
  /** True when maxEntries stopped the walk before the tree was done. */
  readonly truncated: boolean;
}

/**
 * Visits the tree under `base` breadth-first, in name order. Symbolic links are visited as entries
 * but never entered, so a walk cannot leave the roots or loop. Unreadable folders are skipped.
 * `visit` returns false to stop early.
 */
export async function walk(base: string, options: WalkOptions, visit: (entry: WalkEntry) => boolean | Promise<boolean>): Promise<WalkOutcome> {
  const queue: Array<{ dir: string; rel: string }> = [{ dir: base, rel: '' }];
  let visited = 0;
  while (queue.length > 0) {
    options.signal.throwIfAborted();
    const { dir, rel } = queue.shift()!;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const dirent of entries) {
      if (options.ignore.has(dirent.name)) continue;
      if (visited >= options.maxEntries) return { visited, truncated: true };
      visited++;
      const entry: WalkEntry = { path: path.join(dir, dirent.name), rel: rel ? `${rel}/${dirent.name}` : dirent.name, type: entryType(dirent) };
      if (!(await visit(entry))) return { visited, truncated: false };
      if (entry.type === 'directory') queue.push({ dir: entry.path, rel: entry.rel });
    }
  }
  return { visited, truncated: false };
}

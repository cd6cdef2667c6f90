import { lstat, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ContextError, ToolError, WORKING_FOLDER_KEY, inject, injectable, type ToolContext, type WorkingFolder } from '@mcp-host/sdk';
import { FS_SETTINGS, type FilesystemSettings, type Root } from './config.js';

/** What a path is wanted for: writes need a writable root. */
export type Access = 'read' | 'write';

/** A path that passed every check. */
export interface GuardedPath {
  /** The absolute real path to operate on. */
  readonly path: string;
  /** Its `file://` URI (the form the watcher announces and subscribers should use). */
  readonly uri: string;
  /** The root that holds it. */
  readonly root: Root;
  /** False when it does not exist yet (only with `allowMissing`). */
  readonly exists: boolean;
}

/** A path the plugin will not touch; the message says why and which roots would do. */
export class PathRefusedError extends ToolError {
  override name = 'PathRefusedError';
}

/** How a tool asks for a path: `ctx` makes relative paths start at the caller's working folder. */
export interface ResolveOptions {
  /** A path still to be created may be missing (its nearest existing folder is checked). */
  readonly allowMissing?: boolean;
  /** The call: relative paths resolve against its session's working folder (`WORKING_FOLDER_KEY`), if set. */
  readonly ctx?: ToolContext;
}

/** A path inside the roots that names nothing. */
export class PathNotFoundError extends ToolError {
  override name = 'PathNotFoundError';
}

const isInside = (child: string, parent: string): boolean => {
  const rel = path.relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
};

const safeDecode = (uri: string): string => {
  try {
    return decodeURIComponent(uri);
  } catch {
    return uri;
  }
};

const describeRoot = (r: Root) => `"${r.name}" (${r.real}, ${r.writable ? 'writable' : 'read-only'})`;

/**
 * The one place that decides whether a path may be used. A path is refused when it contains `..`,
 * lies outside every root, or reaches outside them through a symbolic link (its real path is
 * checked, also for the nearest existing folder of a path still to be created); writes also need
 * its root to be writable. Relative paths are taken from the caller's working folder (the session
 * value `workspace.cwd`, checked again on every use like any other path) or else the first root.
 *
 * Checks happen before the operation, so a local user who swaps a folder for a link between the
 * two could still win the race; the guard keeps clients inside the roots, not local users.
 */
@injectable()
export class PathGuard {
  private readonly roots: readonly Root[];

  constructor(@inject(FS_SETTINGS) private readonly settings: FilesystemSettings) {
    // Deepest first, so a root nested in another governs its own files.
    this.roots = [...settings.roots].sort((a, b) => b.real.length - a.real.length);
  }

  /** The roots in config order. */
  get configuredRoots(): readonly Root[] {
    return this.settings.roots;
  }

  /** Resolves `input` (absolute, a file:// URI, or relative to the working folder or first root) following every link. */
  async resolve(input: string, access: Access, options: ResolveOptions = {}): Promise<GuardedPath> {
    return this.resolveLexical(input, this.lexical(input, await this.baseFor(input, options.ctx)), access, options);
  }

  /**
   * The caller's working folder: the session value under `WORKING_FOLDER_KEY`, or undefined when
   * none is set (or the call has no session scope). Any tool of any plugin may write that key, so
   * the value is checked like a path a client gave: a value that is not an absolute path, lies
   * outside the roots, escapes through a link or is no folder is refused — never silently replaced
   * by the first root, so a relative write cannot land somewhere the caller did not mean.
   */
  async workingFolder(ctx: ToolContext): Promise<GuardedPath | undefined> {
    let entry;
    try {
      entry = await ctx.context.session.get<WorkingFolder>(WORKING_FOLDER_KEY);
    } catch (e) {
      if (e instanceof ContextError && e.reason === 'no-session') return undefined;
      throw e;
    }
    if (entry === undefined) return undefined;
    const value = entry.value as Partial<WorkingFolder> | null;
    const shown = typeof value?.path === 'string' ? value.path : JSON.stringify(entry.value);
    const fix = 'Set it again with set_working_folder (an absolute path, or none to clear it), or give absolute paths.';
    if (typeof value?.path !== 'string' || !path.isAbsolute(value.path)) {
      throw new PathRefusedError(`The session's working folder (${WORKING_FOLDER_KEY} = ${shown}) is not an absolute path. ${fix}`);
    }
    let folder: GuardedPath;
    try {
      folder = await this.resolve(value.path, 'read');
    } catch (e) {
      throw new PathRefusedError(`The session's working folder (${WORKING_FOLDER_KEY} = ${shown}) cannot be used: ${(e as Error).message} ${fix}`);
    }
    if (!(await stat(folder.path)).isDirectory()) throw new PathRefusedError(`The session's working folder (${WORKING_FOLDER_KEY} = ${shown}) is a file, not a folder. ${fix}`);
    return folder;
  }

  /**
   * Resolves `input` following links in its folders but not in its last part: the entry itself,
   * as delete and move need it (deleting a link removes the link, not its target).
   */
  async resolveEntry(input: string, access: Access, options: ResolveOptions = {}): Promise<GuardedPath> {
    const lexical = this.lexical(input, await this.baseFor(input, options.ctx));
    if (this.roots.some((r) => r.real === lexical || r.path === lexical)) {
      if (access === 'write') throw new PathRefusedError(`${input} is a root itself; roots cannot be moved or deleted (roots: ${this.listRoots()})`);
      return this.resolve(lexical, access);
    }
    const parent = await this.resolveLexical(input, path.dirname(lexical), access, {});
    const entry = path.join(parent.path, path.basename(lexical));
    const exists = await lstat(entry).then(
      () => true,
      () => false,
    );
    if (!exists && !options.allowMissing) throw new PathNotFoundError(`No such file or folder: ${input}`);
    return { ...parent, path: entry, uri: pathToFileURL(entry).href, exists };
  }

  /** The root holding `real`, if any (the deepest one). */
  rootOf(real: string): Root | undefined {
    return this.roots.find((r) => isInside(real, r.real));
  }

  /** The roots, described for messages. */
  listRoots(): string {
    return this.settings.roots.map(describeRoot).join(', ');
  }

  /** `label` names the path in messages: what the client gave, also when a part of it is checked. */
  private async resolveLexical(label: string, lexical: string, access: Access, options: { allowMissing?: boolean }): Promise<GuardedPath> {
    const { real, exists } = await this.realOf(label, lexical);
    if (!exists && !options.allowMissing) throw new PathNotFoundError(`No such file or folder: ${label}`);
    return this.check(label, lexical, real, exists, access);
  }

  /** Where a relative `input` starts: the working folder of `ctx` when set; undefined for absolute paths and URIs (no store read). */
  private async baseFor(input: string, ctx: ToolContext | undefined): Promise<string | undefined> {
    if (!ctx || /^file:/i.test(input) || path.isAbsolute(input)) return undefined;
    return (await this.workingFolder(ctx))?.path;
  }

  private lexical(input: string, base?: string): string {
    if (input.includes('\0')) throw new PathRefusedError('The path contains a NUL character.');
    let raw = input;
    const isUri = /^file:/i.test(input);
    // URL parsing drops ".." (also "%2e%2e") segments, so look for them in the text as given.
    const segments = (isUri ? safeDecode(input) : input).split(/[\\/]+/);
    if (segments.includes('..')) {
      throw new PathRefusedError(`${input} contains "..": paths may not climb out of a folder. Give a path inside a root: ${this.listRoots()}.`);
    }
    if (isUri) {
      try {
        raw = fileURLToPath(input);
      } catch (e) {
        throw new PathRefusedError(`${input} is not a usable file:// URI (${(e as Error).message}).`);
      }
    }
    const abs = path.resolve(base ?? this.settings.roots[0]!.real, raw);
    const root = this.roots.find((r) => isInside(abs, r.real)) ?? this.roots.find((r) => isInside(abs, r.path));
    if (!root) throw new PathRefusedError(`${input} is outside the roots this server may use. Allowed roots: ${this.listRoots()}.`);
    // Express it from the root's real path, so comparisons with real paths hold.
    return isInside(abs, root.real) ? abs : path.join(root.real, path.relative(root.path, abs));
  }

  /** The real path of `lexical`; for a missing path, that of its nearest existing folder plus the rest. */
  private async realOf(input: string, lexical: string): Promise<{ real: string; exists: boolean }> {
    try {
      return { real: await realpath(lexical), exists: true };
    } catch (e) {
      if (!['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code!)) throw new PathRefusedError(`${input} cannot be resolved: ${(e as Error).message}`);
    }
    const rest: string[] = [];
    let current = lexical;
    for (;;) {
      // A part that exists but has no real path is a link to nothing: following it on create could land anywhere.
      const isLink = await lstat(current).then(
        (s) => s.isSymbolicLink(),
        () => false,
      );
      if (isLink) throw new PathRefusedError(`${input} goes through ${current}, a symbolic link whose target does not exist.`);
      rest.unshift(path.basename(current));
      const parent = path.dirname(current);
      if (parent === current) throw new PathNotFoundError(`No such file or folder: ${input}`);
      current = parent;
      try {
        return { real: path.join(await realpath(current), ...rest), exists: false };
      } catch {
        // keep climbing
      }
    }
  }

  private check(input: string, lexical: string, real: string, exists: boolean, access: Access): GuardedPath {
    const root = this.rootOf(real);
    if (!root) {
      throw new PathRefusedError(`${input} leads through a symbolic link to ${real}, outside every root; only links that stay inside a root are followed. Allowed roots: ${this.listRoots()}.`);
    }
    if (real !== lexical && !this.settings.followSymlinks) {
      throw new PathRefusedError(`${input} goes through a symbolic link (to ${real}) and followSymlinks is off in the filesystem config. Use the real path.`);
    }
    if (access === 'write') {
      const lexicalRoot = this.rootOf(lexical) ?? root;
      const readOnly = [lexicalRoot, root].find((r) => !r.writable);
      if (readOnly) {
        const writable = this.settings.roots.filter((r) => r.writable);
        const hint = writable.length > 0
          ? `Writable roots: ${writable.map(describeRoot).join(', ')}.`
          : 'No root is writable; an operator can set "writable": true on a root in plugins.settings.filesystem.config.roots.';
        throw new PathRefusedError(`${input} is in root "${readOnly.name}" (${readOnly.real}), which is read-only. ${hint}`);
      }
    }
    return { path: real, uri: pathToFileURL(real).href, root, exists };
  }
}

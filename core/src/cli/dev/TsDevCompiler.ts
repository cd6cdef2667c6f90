import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { compileTsFile } from './compileTsFile.js';
import { formatCompileProblem, type CompileProblem } from './CompileProblem.js';
import type { TsLayout } from './readTsLayout.js';

/** What the dev loop reports: pino's call shape, so the host's logger takes it as is. */
export interface DevLog {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** Sources the dev loop compiles: TypeScript, but not declarations and not tests (vitest compiles those). */
const SOURCE = /\.(m?ts)$/;
const SKIPPED = /\.d\.m?ts$|\.(test|spec)\.m?ts$/;
const IGNORED = /(^|[\\/])(node_modules|\.[^\\/]+)([\\/]|$)/;

const isSource = (file: string) => SOURCE.test(file) && !SKIPPED.test(file);

/**
 * Compiles one TypeScript plugin's sources to its outDir on every save, file by file with swc (a
 * few milliseconds each, so save → reload stays within the hot-reload target). The host's plugin
 * watcher sees the written `.js` and reloads the plugin. A file that does not compile writes
 * nothing: its last good output stays, so the serving generation is not replaced by a broken one,
 * and the error is logged as `file:line:column: message`. Types are not checked (that is `tsc`'s
 * job in `build`): the loop is about seeing a change served at once.
 */
export class TsDevCompiler {
  private watcher: FSWatcher | undefined;
  /** Serializes compiles of one file, so an older save never overwrites a newer one's output. */
  private readonly pending = new Map<string, Promise<unknown>>();

  constructor(
    readonly layout: TsLayout,
    private readonly log: DevLog,
  ) {}

  /** Where a source's compiled file goes (`src/a/b.ts` → `dist/a/b.js`). */
  outputOf(source: string): string {
    return join(this.layout.outDir, relative(this.layout.rootDir, source)).replace(/\.ts$/, '.js').replace(/\.mts$/, '.mjs');
  }

  /** Compiles every source once; resolves with the problems (none when the plugin compiled). */
  async buildAll(): Promise<CompileProblem[]> {
    const sources = listSources(this.layout.rootDir);
    const started = performance.now();
    const problems = (await Promise.all(sources.map((s) => this.compile(s, false)))).filter((p): p is CompileProblem => p !== undefined);
    if (problems.length === 0) this.log.info({ plugin: this.layout.pluginDir, files: sources.length, ms: Math.round(performance.now() - started) }, `dev: compiled ${sources.length} file(s) of ${this.layout.pluginDir}`);
    return problems;
  }

  /** Starts compiling on save; resolves once the watcher is ready. */
  start(): Promise<void> {
    const root = this.layout.rootDir;
    this.watcher = watch(root, {
      ignoreInitial: true,
      ignored: (p: string) => p.startsWith(root + sep) && IGNORED.test(p.slice(root.length)),
      // A save in place truncates, then writes: compiled at the first event, a half-written source
      // would replace the serving generation with an empty module, and the write that completes it
      // may come within the same mtime and never be reported. Waiting for the size to hold still
      // for 40 ms compiles the saved file once, whole.
      awaitWriteFinish: { stabilityThreshold: 40, pollInterval: 10 },
    });
    this.watcher.on('all', (event, path) => {
      if (!isSource(path)) return;
      if (event === 'add' || event === 'change') void this.compile(path, true);
      else if (event === 'unlink') void this.remove(path);
    });
    this.watcher.on('error', (err) => this.log.error({ err, plugin: this.layout.pluginDir }, 'dev: source watcher error'));
    return new Promise((ready) => this.watcher!.once('ready', () => ready()));
  }

  private compile(source: string, saved: boolean): Promise<CompileProblem | undefined> {
    const previous = this.pending.get(source) ?? Promise.resolve();
    const run = previous.then(async () => {
      const started = performance.now();
      const problem = await compileTsFile(source, this.outputOf(source));
      const file = relative(this.layout.pluginDir, source);
      if (problem) {
        const shown = { ...problem, file: relative(this.layout.pluginDir, problem.file) || file };
        this.log.error(
          { plugin: this.layout.pluginDir, file: shown.file, line: shown.line, column: shown.column },
          `dev: compile error, ${saved ? 'the last good version keeps serving' : 'not built'}: ${formatCompileProblem(shown)}`,
        );
      } else if (saved) this.log.info({ plugin: this.layout.pluginDir, file, ms: Math.round(performance.now() - started) }, `dev: compiled ${file}`);
      return problem;
    });
    const settled = run.catch(() => undefined);
    this.pending.set(source, settled);
    void settled.then(() => this.pending.get(source) === settled && this.pending.delete(source));
    return run;
  }

  private async remove(source: string): Promise<void> {
    const out = this.outputOf(source);
    await Promise.all([rm(out, { force: true }), rm(`${out}.map`, { force: true })]);
    this.log.info({ plugin: this.layout.pluginDir, file: relative(this.layout.pluginDir, source) }, 'dev: source deleted, its output removed');
  }

  async close(): Promise<void> {
    await this.watcher?.close();
    await Promise.allSettled(this.pending.values());
  }
}

function listSources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (IGNORED.test(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listSources(path));
    else if (isSource(path)) out.push(path);
  }
  return out;
}

import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { FSWatcher } from 'chokidar';
import type { Logger } from 'pino';

/** Files whose change reloads a plugin: code and manifests. Sources (.ts), docs and data do not. */
const RELOADING = /\.(m?js|cjs|json)$/;

/**
 * Whether a file lies in a skill folder (one with a SKILL.md, up to the plugin folder): skills are
 * read at load, so their files reload too. A SKILL.md itself always does: once deleted, its folder
 * no longer says it is a skill, and the reload is what reports the skill the manifest still declares.
 */
function inSkill(path: string, pluginDir: string): boolean {
  if (basename(path) === 'SKILL.md') return true;
  for (let d = dirname(path); d.startsWith(pluginDir + sep); d = dirname(d)) if (existsSync(join(d, 'SKILL.md'))) return true;
  return false;
}
const IGNORED = /(^|[\\/])(node_modules|\.[^\\/]+)([\\/]|$)/;

/**
 * Watches the configured plugin paths and asks for a reload of the plugin folder a change belongs
 * to, debounced per folder: an editor's atomic save or a build writing many files is one reload,
 * and a half-written file that fails to import is followed by the reload of its final version.
 */
export class PluginWatcher {
  private watcher: FSWatcher | undefined;
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly paths: readonly string[],
    private readonly debounceMs: number,
    private readonly onChange: (pluginDir: string) => void,
    private readonly logger: Logger,
  ) {}

  /** Resolves once the initial scan is done, so changes after it are seen. */
  async start(): Promise<void> {
    // Imported when watching starts (after the plugins load): a stdio host answers its client first.
    const { watch } = await import('chokidar');
    const roots = this.paths.map((p) => resolve(p));
    // Only what lies below a configured path is filtered, so plugins may live under a dot-folder (~/.config/…).
    const ignored = (p: string) => roots.some((root) => p.startsWith(root + sep) && IGNORED.test(p.slice(root.length)));
    this.watcher = watch([...this.paths], { ignoreInitial: true, ignored, persistent: true });
    this.watcher.on('all', (event, path) => {
      const dir = this.pluginDirOf(resolve(path));
      if ((event === 'add' || event === 'change' || event === 'unlink') && !RELOADING.test(path) && !(dir && inSkill(resolve(path), dir))) return;
      if (dir) this.schedule(dir);
    });
    this.watcher.on('error', (err) => this.logger.error({ err }, 'plugin watcher error'));
    return new Promise((ready) => this.watcher!.once('ready', () => ready()));
  }

  /** The plugin folder a path belongs to: a configured plugin folder, or a direct child of a configured folder of plugins. */
  private pluginDirOf(path: string): string | undefined {
    for (const root of this.paths.map((p) => resolve(p))) {
      if (path !== root && !path.startsWith(root + sep)) continue;
      if (existsSync(join(root, 'package.json')) && statSync(root).isDirectory()) return root;
      const first = relative(root, path).split(sep)[0];
      return first ? join(root, first) : undefined;
    }
    return undefined;
  }

  private schedule(dir: string): void {
    clearTimeout(this.timers.get(dir));
    this.timers.set(
      dir,
      setTimeout(() => {
        this.timers.delete(dir);
        this.onChange(dir);
      }, this.debounceMs),
    );
  }

  async close(): Promise<void> {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await this.watcher?.close();
  }
}

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readTsLayout } from './readTsLayout.js';
import { TsDevCompiler, type DevLog } from './TsDevCompiler.js';

/** The running dev loop: one compiler per TypeScript plugin. */
export interface DevLoop {
  readonly compilers: readonly TsDevCompiler[];
  /** Starts compiling on save (after the host has loaded the first build). */
  watch(): Promise<void>;
  close(): Promise<void>;
}

/** Plugin folders under the configured paths, as the host finds them: a folder with a package.json, or the direct children of a folder of plugins that have one. */
function pluginDirsOf(paths: readonly string[]): string[] {
  const dirs: string[] = [];
  for (const p of paths.map((x) => resolve(x))) {
    if (!existsSync(p) || !statSync(p).isDirectory()) continue;
    if (existsSync(join(p, 'package.json'))) dirs.push(p);
    else for (const e of readdirSync(p, { withFileTypes: true })) if (e.isDirectory() && existsSync(join(p, e.name, 'package.json'))) dirs.push(join(p, e.name));
  }
  return dirs;
}

/**
 * Builds every TypeScript plugin under `paths` once (before the host loads them, so the first load
 * sees fresh output) and returns the loop that recompiles them on save. Plain JavaScript plugins
 * need nothing: the host's watcher reloads them as they are saved.
 */
export async function startDevLoop(paths: readonly string[], log: DevLog): Promise<DevLoop> {
  const compilers = pluginDirsOf(paths)
    .map((dir) => readTsLayout(dir))
    .filter((l) => l !== undefined)
    .map((layout) => new TsDevCompiler(layout, log));
  await Promise.all(compilers.map((c) => c.buildAll()));
  return {
    compilers,
    watch: async () => void (await Promise.all(compilers.map((c) => c.start()))),
    close: async () => void (await Promise.all(compilers.map((c) => c.close()))),
  };
}

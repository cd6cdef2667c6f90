import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Expands the configured plugin paths into plugin folders: a path holding a package.json is a plugin;
 * otherwise each sub-folder holding one is. Paths that do not exist are returned in `missing` (the CLI
 * refuses to start on them: a typo in a path should not silently serve nothing).
 */
export function discoverPluginDirs(paths: readonly string[]): { dirs: string[]; missing: string[] } {
  const dirs: string[] = [];
  const missing: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    if (!existsSync(abs) || !statSync(abs).isDirectory()) {
      missing.push(abs);
      continue;
    }
    if (existsSync(join(abs, 'package.json'))) {
      dirs.push(abs);
      continue;
    }
    for (const entry of readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isDirectory() || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const sub = join(abs, entry.name);
      if (existsSync(join(sub, 'package.json'))) dirs.push(sub);
    }
  }
  return { dirs: [...new Set(dirs)], missing };
}

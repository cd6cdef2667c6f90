import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where a TypeScript plugin keeps its sources and where its compiled files go. */
export interface TsLayout {
  readonly pluginDir: string;
  readonly rootDir: string;
  readonly outDir: string;
}

/** tsconfig.json allows comments and trailing commas; JSON.parse does not. */
function parseJsonc(text: string): unknown {
  const stripped = text.replace(/("(?:\\.|[^"\\])*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (m, str: string | undefined) => str ?? '').replace(/,(\s*[}\]])/g, '$1');
  return JSON.parse(stripped);
}

/**
 * The layout of a TypeScript plugin from its own tsconfig.json (`compilerOptions.rootDir` and
 * `outDir`, default `src` and `dist`), or undefined for a plugin without one (plain JavaScript:
 * the host's watcher reloads it without a compile). An `extends`ed config is not followed.
 */
export function readTsLayout(pluginDir: string): TsLayout | undefined {
  const file = join(pluginDir, 'tsconfig.json');
  if (!existsSync(file)) return undefined;
  let options: { rootDir?: unknown; outDir?: unknown } = {};
  try {
    options = ((parseJsonc(readFileSync(file, 'utf8')) as { compilerOptions?: typeof options }).compilerOptions ?? {});
  } catch {
    // An unreadable tsconfig is tsc's to report; the dev loop falls back to the defaults.
  }
  const rootDir = resolve(pluginDir, typeof options.rootDir === 'string' ? options.rootDir : 'src');
  const outDir = resolve(pluginDir, typeof options.outDir === 'string' ? options.outDir : 'dist');
  return existsSync(rootDir) ? { pluginDir, rootDir, outDir } : undefined;
}

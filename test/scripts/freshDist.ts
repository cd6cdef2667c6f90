/**
 * vitest globalSetup: refuses to run tests against a `dist` older than its sources. The end-to-end
 * suites spawn the compiled host (`core/bin/mcp-host.js` → `core/dist`) and load plugins from their
 * `dist`, and every unit test reaches `@mcp-host/sdk` and `@mcp-host/config` through their `dist`, so
 * a source edit without a build would otherwise be tested as the code before it.
 *
 * Each source file is compared with its own output (`src/a/b.ts` → `dist/a/b.js`), not the newest
 * source with the oldest output: a `dist` keeps the outputs of deleted sources, and those would make
 * the check fail forever. Files a package's tsconfig excludes (tests, `.testkit.ts`, test helpers)
 * have no output and are skipped. A stat per source file: a few milliseconds.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Package {
  /** Folder relative to the root, e.g. `core` or `plugins/http`. */
  readonly dir: string;
  readonly srcDir: string;
  readonly outDir: string;
  readonly exclude: RegExp[];
}

/** The stale files of one package: sources newer than their output, or with none. */
interface Stale {
  readonly pkg: Package;
  readonly files: Array<{ source: string; why: string }>;
}

/** A tsconfig `exclude` entry (`src/**\/*.test.ts`, `src/testing`) as a test on paths relative to the package. */
function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/^\.\//, '')
    .replace(/\/+$/, '')
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*\*\/|\*|\?/g, (m) => (m === '**/' ? '(?:.*/)?' : m === '*' ? '[^/]*' : '[^/]'));
  // A pattern that names a folder excludes everything under it.
  return new RegExp(`^${body}(?:/.*)?$`);
}

function readPackage(dir: string): Package | undefined {
  const tsconfig = join(root, dir, 'tsconfig.json');
  if (!existsSync(tsconfig)) return undefined;
  // tsconfig files may hold comments (JSONC): strings are kept whole (`src/**/*.test.ts` is no comment), comments dropped.
  const text = readFileSync(tsconfig, 'utf8').replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_m, str: string | undefined) => str ?? '');
  const json = JSON.parse(text) as { compilerOptions?: { rootDir?: string; outDir?: string }; exclude?: string[] };
  const { rootDir = 'src', outDir } = json.compilerOptions ?? {};
  if (!outDir) return undefined;
  return { dir, srcDir: rootDir, outDir, exclude: (json.exclude ?? []).map(globToRegExp) };
}

function packages(names: string[]): Package[] {
  return names.map(readPackage).filter((p): p is Package => p !== undefined);
}

function allPackages(): Package[] {
  const plugins = readdirSync(join(root, 'plugins'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `plugins/${d.name}`);
  return packages(['sdk', 'config', 'core', 'testing', ...plugins]);
}

/** Source files that compile to an output of their own. */
function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (/\.[cm]?tsx?$/.test(entry.name) && !/\.d\.[cm]?ts$/.test(entry.name) && !/\.(test|testkit)\.[cm]?tsx?$/.test(entry.name)) yield path;
  }
}

const outputName = (source: string) => source.replace(/\.tsx?$/, '.js').replace(/\.mts$/, '.mjs').replace(/\.cts$/, '.cjs');

export function findStale(pkgs: Package[]): Stale[] {
  const stale: Stale[] = [];
  for (const pkg of pkgs) {
    const base = join(root, pkg.dir);
    const srcRoot = join(base, pkg.srcDir);
    if (!existsSync(srcRoot)) continue;
    const files: Stale['files'] = [];
    for (const source of sources(srcRoot)) {
      const inPackage = relative(base, source).split('\\').join('/');
      if (pkg.exclude.some((re) => re.test(inPackage))) continue;
      const output = join(base, pkg.outDir, outputName(relative(srcRoot, source)));
      const sourceTime = statSync(source).mtimeMs;
      const outputTime = existsSync(output) ? statSync(output).mtimeMs : undefined;
      if (outputTime === undefined) files.push({ source: inPackage, why: 'has no output' });
      else if (sourceTime > outputTime) files.push({ source: inPackage, why: `changed ${Math.ceil((sourceTime - outputTime) / 1000)} s after its build` });
    }
    if (files.length) stale.push({ pkg, files });
  }
  return stale;
}

/**
 * Which packages' `dist` this run loads: all of them when an end-to-end suite is in it (it spawns the
 * compiled host with compiled plugins), else only those unit tests import by package name.
 */
function packagesFor(project: TestProject): Package[] {
  let files: string[] = [];
  try {
    // The files of this run, recorded just before the global setup runs.
    files = project.vitest.state.getPaths();
  } catch {
    // Not knowing the files, check everything.
  }
  const e2e = files.length === 0 || files.some((f) => relative(root, f).split('\\').join('/').startsWith('test/'));
  return e2e ? allPackages() : packages(['sdk', 'config', 'testing']);
}

export default function setup(project: TestProject): void {
  const stale = findStale(packagesFor(project));
  if (stale.length === 0) return;
  const lines = stale.map(({ pkg, files }) => {
    const shown = files.slice(0, 3).map((f) => `${pkg.dir}/${f.source} (${f.why})`);
    const more = files.length > shown.length ? ` and ${files.length - shown.length} more` : '';
    return `  ${pkg.dir}/${pkg.outDir} is older than ${shown.join(', ')}${more}`;
  });
  throw new Error(`The compiled code is stale, so tests would run the code before your edits:\n${lines.join('\n')}\nRun \`pnpm build\` first (\`pnpm test\` builds for you).`);
}

import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { parseSwcError, type CompileProblem } from './CompileProblem.js';

/**
 * swc's options for a plugin: TypeScript in, ES modules out, with the legacy decorators the sdk and
 * tsyringe use and constructor parameter types emitted as metadata — what tsc does with
 * experimentalDecorators + emitDecoratorMetadata (esbuild emits no metadata, so it cannot stand in).
 */
const SWC_OPTIONS = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'es6' },
  sourceMaps: true,
  swcrc: false,
  configFile: false,
} as const;

type Swc = typeof import('@swc/core');
let swc: Promise<Swc> | undefined;

/** Compiles one `.ts` file to `out` (and `out.map`); a syntax error writes nothing and comes back as a problem. */
export async function compileTsFile(source: string, out: string): Promise<CompileProblem | undefined> {
  // Loaded on the first compile only: a host that is not in dev mode never loads the native module.
  swc ??= import('@swc/core');
  let result;
  try {
    result = await (await swc).transformFile(source, { ...SWC_OPTIONS, filename: source, outputPath: out } as never);
  } catch (e) {
    return parseSwcError(source, e);
  }
  await mkdir(dirname(out), { recursive: true });
  // The map first: the host's watcher reloads on the .js, which then finds its map.
  if (result.map) await writeAtomically(`${out}.map`, result.map);
  await writeAtomically(out, result.map ? `${result.code}\n//# sourceMappingURL=${basename(out)}.map\n` : result.code);
  return undefined;
}

let written = 0;

/**
 * Writes through a temporary file and a rename, as editors save: written in place, the host's
 * watcher can see the truncated file, import a module without its exports, and — when the full
 * write lands within the same mtime — never hear of the rest.
 */
async function writeAtomically(file: string, text: string): Promise<void> {
  // The suffix is not one the plugin watcher reloads on (.js, .json…), so only the rename is seen.
  const temporary = `${file}.${process.pid}-${++written}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, file);
}

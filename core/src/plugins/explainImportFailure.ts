import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** What a failed import is reported as: the message and the fix of its plugin problem. */
export interface ImportFailureText {
  readonly message: string;
  readonly fix: string;
}

/** Where a syntax error is, as `node --check` finds it. */
export interface SyntaxErrorLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  /** The source line the error is on. */
  readonly source: string;
}

export const DECORATOR_FIX =
  'compile the decorators: set "experimentalDecorators": true and "emitDecoratorMetadata": true in tsconfig.json (compilerOptions), then rebuild; ' +
  'tsc reports the same problem as TS1206 "Decorators are not valid here" or TS1241 — see docs/plugins.md, "TypeScript and decorators"';

const MAX_MODULES = 200;
const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/** The plugin's own modules reachable from its entry by relative imports, entry first (a bounded, textual walk). */
export function pluginModules(entry: string): string[] {
  const seen = new Set<string>([entry]);
  for (const file of seen) {
    if (seen.size >= MAX_MODULES) break;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const m of text.matchAll(RELATIVE_IMPORT)) {
      const target = resolve(dirname(file), m[1]!);
      if (existsSync(target)) seen.add(target);
    }
  }
  return [...seen];
}

/**
 * The place of a syntax error in one file, or undefined when it parses. An import's SyntaxError
 * carries no file, line or column (Node prints them only for an uncaught error), so the file is
 * checked again with `node --check`, which prints `file:line`, the line, and a caret under the column.
 */
export function checkSyntax(file: string): Promise<SyntaxErrorLocation | undefined> {
  return new Promise((done) => {
    execFile(process.execPath, ['--check', file], { timeout: 10_000 }, (error, _stdout, stderr) => {
      if (!error) return done(undefined);
      done(parseCheckOutput(file, String(stderr)));
    });
  });
}

/** Reads `node --check`'s report: `<file>:<line>`, the source line, a caret line, then `SyntaxError: …`. */
export function parseCheckOutput(file: string, stderr: string): SyntaxErrorLocation | undefined {
  const lines = stderr.split('\n');
  const head = lines.findIndex((l) => /:\d+$/.test(l));
  const syntax = lines.find((l) => l.startsWith('SyntaxError:'));
  if (head === -1 || !syntax) return undefined;
  const caret = lines[head + 2] ?? '';
  return {
    file: lines[head]!.replace(/:\d+$/, '') || file,
    line: Number(/:(\d+)$/.exec(lines[head]!)![1]),
    column: caret.includes('^') ? caret.indexOf('^') + 1 : 1,
    message: syntax.replace(/^SyntaxError:\s*/, ''),
    source: lines[head + 1] ?? '',
  };
}

/**
 * Turns a failed import of a plugin entry into words that lead to the fix: a syntax error with its
 * file:line:column (found again, see checkSyntax), and the two faces of uncompiled or wrongly
 * compiled decorators — an `@` left in the output ("Invalid or unexpected token"), and TC39
 * standard decorators (`__esDecorate`), which the sdk's legacy decorators cannot run under.
 */
export async function explainImportFailure(entry: string, error: unknown): Promise<ImportFailureText> {
  const cause = error instanceof Error ? error.message : String(error);
  const plain = { message: `importing ${entry} failed: ${cause}`, fix: 'fix the error in the plugin entry (or rebuild it)' };
  const modules = pluginModules(entry);
  if (error instanceof SyntaxError) {
    for (const file of modules) {
      const at = await checkSyntax(file);
      if (!at) continue;
      const where = `${at.file}:${at.line}:${at.column}`;
      if (at.source.slice(at.column - 1).trimStart().startsWith('@')) {
        return { message: `decorators were not compiled: ${where} still has "${at.source.trim().slice(0, 60)}" (${at.message})`, fix: DECORATOR_FIX };
      }
      return { message: `syntax error at ${where}: ${at.message} (in "${at.source.trim().slice(0, 80)}")`, fix: `fix ${where} (or rebuild the plugin if that file is compiled output)` };
    }
    return plain;
  }
  const standard = modules.find((file) => {
    try {
      return /\b__esDecorate\(/.test(readFileSync(file, 'utf8'));
    } catch {
      return false;
    }
  });
  if (standard) {
    return { message: `decorators were compiled as standard (TC39) decorators in ${standard}, which the sdk's legacy decorators do not support: ${cause}`, fix: DECORATOR_FIX };
  }
  return plain;
}

/** The fix of a class the container could not construct; tsyringe's "TypeInfo not known" means no parameter metadata was emitted. */
export function constructFailureFix(error: unknown): string {
  const cause = error instanceof Error ? error.message : String(error);
  if (/TypeInfo not known/.test(cause)) {
    return 'the constructor\'s parameter types were not emitted: set "emitDecoratorMetadata": true (with "experimentalDecorators") in tsconfig.json and rebuild, or use @inject(token) on each parameter — see docs/plugins.md, "TypeScript and decorators"';
  }
  return 'check its constructor and that it is @injectable() with @inject(token) on parameters that are not classes';
}

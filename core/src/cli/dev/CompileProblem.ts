/** One compile error in a plugin's source: where it is, and what the compiler said. */
export interface CompileProblem {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

/** `file:line:column: message`, the form editors and terminals link to the place. */
export function formatCompileProblem(p: CompileProblem): string {
  const at = p.line !== undefined ? `${p.file}:${p.line}${p.column !== undefined ? `:${p.column}` : ''}` : p.file;
  return `${at}: ${p.message}`;
}

/**
 * Reads swc's error text into a CompileProblem. swc reports a syntax error as
 *
 * ```
 *   x <message>
 *     ,-[<file>:<first line shown>:1]
 *  23 |     return ( `x`;
 *     :                 ^
 * ```
 *
 * The header names the file but its line and column are those of the excerpt; the caret under a
 * numbered source line is the place, so it wins when present. Anything else keeps its first line.
 */
export function parseSwcError(file: string, error: unknown): CompileProblem {
  const text = error instanceof Error ? error.message : String(error);
  const message = /^\s*x\s+(.+)$/m.exec(text)?.[1]?.trim() ?? text.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'compile error';
  const header = /,-\[(.+):(\d+):(\d+)\]/.exec(text);
  if (!header) return { file, message };
  const lines = text.split('\n');
  const caretAt = lines.findIndex((l) => /^\s*:\s*\^/.test(l));
  const source = caretAt > 0 ? /^\s*(\d+) \|/.exec(lines[caretAt - 1]!) : null;
  if (caretAt > 0 && source) {
    const caretLine = lines[caretAt]!;
    // The code starts two characters after the gutter's bar, which the caret line's colon lines up with.
    const column = caretLine.indexOf('^') - (caretLine.indexOf(':') + 2) + 1;
    return { file: header[1]!, line: Number(source[1]), column, message };
  }
  return { file: header[1]!, line: Number(header[2]), column: Number(header[3]), message };
}

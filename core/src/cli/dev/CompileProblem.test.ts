import { describe, expect, it } from 'vitest';
import { formatCompileProblem, parseSwcError } from './CompileProblem.js';

// swc's own words for `return ( \`Howdy, ${name}!\`;` on line 23 (the `;` is column 31).
const SWC_SYNTAX = `  x Expected ',', got ';'
    ,-[/p/src/GreetingTools.ts:23:1]
 22 |     await ctx.log('info', \`greeting \${name}\`);
 23 |     return ( \`Howdy, \${name}!\`;
    :                               ^
 24 |   }
    \`----


Caused by:
    Syntax Error`;

describe('parseSwcError', () => {
  it('takes the line of the source above the caret and the caret column', () => {
    expect(parseSwcError('/p/src/GreetingTools.ts', new Error(SWC_SYNTAX))).toEqual({ file: '/p/src/GreetingTools.ts', line: 23, column: 31, message: "Expected ',', got ';'" });
  });

  it('falls back to the header without a caret, and to the first line without a header', () => {
    expect(parseSwcError('/a.ts', new Error("  x Unexpected eof\n   ,-[/a.ts:5:3]\n   `----"))).toEqual({ file: '/a.ts', line: 5, column: 3, message: 'Unexpected eof' });
    expect(parseSwcError('/a.ts', new Error('failed to read'))).toEqual({ file: '/a.ts', message: 'failed to read' });
  });

  it('formats as file:line:column: message', () => {
    expect(formatCompileProblem({ file: 'src/a.ts', line: 3, column: 7, message: 'boom' })).toBe('src/a.ts:3:7: boom');
    expect(formatCompileProblem({ file: 'src/a.ts', message: 'boom' })).toBe('src/a.ts: boom');
  });
});

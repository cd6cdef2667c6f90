import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { constructFailureFix, explainImportFailure, parseCheckOutput, pluginModules } from './explainImportFailure.js';

const root = mkdtempSync(join(tmpdir(), 'mcp-host-explain-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A plugin folder of ES modules: `files` relative to it. */
function plugin(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

// What Node's import rejects with: no file, no line, no column.
const importError = (message: string) => new SyntaxError(message);

describe('explainImportFailure', () => {
  it('names uncompiled decorators, with the place of the "@", and the tsconfig fix', async () => {
    const dir = plugin('raw-decorators', {
      'dist/index.js': "import { Tools } from './Tools.js';\nexport default Tools;\n",
      'dist/Tools.js': 'export class Tools {\n  @Tool({ name: "x" })\n  x() {}\n}\n',
    });
    const { message, fix } = await explainImportFailure(join(dir, 'dist/index.js'), importError('Invalid or unexpected token'));
    expect(message).toBe(`decorators were not compiled: ${join(dir, 'dist/Tools.js')}:2:3 still has "@Tool({ name: "x" })" (Invalid or unexpected token)`);
    expect(fix).toMatch(/experimentalDecorators.*emitDecoratorMetadata.*TS1206.*docs\/plugins\.md/);
  });

  it('gives a syntax error its file:line:column, in whichever module of the plugin it is', async () => {
    const dir = plugin('syntax', {
      'dist/index.js': "export { f } from './f.js';\n",
      'dist/f.js': 'export function f() {\n  const x = 1;\n  return ( x;\n}\n',
    });
    const { message, fix } = await explainImportFailure(join(dir, 'dist/index.js'), importError("Unexpected token ';'"));
    expect(message).toBe(`syntax error at ${join(dir, 'dist/f.js')}:3:13: Unexpected token ';' (in "return ( x;")`);
    expect(fix).toContain(`${join(dir, 'dist/f.js')}:3:13`);
  });

  it('names decorators compiled as TC39 standard decorators (tsc without experimentalDecorators)', async () => {
    const dir = plugin('standard', { 'dist/index.js': 'var __esDecorate = function () {};\n__esDecorate(null, null, [], {});\nthrow new Error("mcp-host decorators apply to methods with string names");\n' });
    const { message, fix } = await explainImportFailure(join(dir, 'dist/index.js'), new Error('mcp-host decorators apply to methods with string names'));
    expect(message).toMatch(/^decorators were compiled as standard \(TC39\) decorators in .*index\.js/);
    expect(fix).toMatch(/experimentalDecorators/);
  });

  it('keeps other failures as they were', async () => {
    const dir = plugin('other', { 'dist/index.js': 'throw new Error("no database");\n' });
    expect(await explainImportFailure(join(dir, 'dist/index.js'), new Error('no database'))).toEqual({
      message: `importing ${join(dir, 'dist/index.js')} failed: no database`,
      fix: 'fix the error in the plugin entry (or rebuild it)',
    });
  });

  it('walks relative imports only, once each', () => {
    const dir = plugin('graph', {
      'dist/index.js': "import './a.js';\nimport 'zod';\nconst b = await import('./b.js');\n",
      'dist/a.js': "import './b.js';\nimport './index.js';\n",
      'dist/b.js': '',
    });
    expect(pluginModules(join(dir, 'dist/index.js'))).toEqual(['index.js', 'a.js', 'b.js'].map((f) => join(dir, 'dist', f)));
  });
});

describe('parseCheckOutput', () => {
  it('reads node --check: file:line, the line, the caret', () => {
    expect(parseCheckOutput('/x.js', "/x.js:3\n  b: (2;\n       ^\n\nSyntaxError: Unexpected token ';'\n    at checkSyntax\n")).toEqual({ file: '/x.js', line: 3, column: 8, message: "Unexpected token ';'", source: '  b: (2;' });
    expect(parseCheckOutput('/x.js', 'something else')).toBeUndefined();
  });
});

describe('constructFailureFix', () => {
  it('points at emitDecoratorMetadata when tsyringe knows no parameter types', () => {
    expect(constructFailureFix(new Error('TypeInfo not known for "GreetingTools"'))).toMatch(/emitDecoratorMetadata/);
    expect(constructFailureFix(new Error('db down'))).toMatch(/@injectable\(\)/);
  });
});

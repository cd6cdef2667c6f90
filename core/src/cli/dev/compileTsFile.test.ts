import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileTsFile } from './compileTsFile.js';

const dir = mkdtempSync(join(tmpdir(), 'mcp-host-swc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compileTsFile (real swc)', () => {
  it('compiles legacy decorators with parameter metadata, as tsc does for the sdk and tsyringe', async () => {
    const src = join(dir, 'ok.ts');
    writeFileSync(src, 'declare const injectable: () => ClassDecorator;\nclass Dep {}\n@injectable()\nexport class A {\n  constructor(readonly dep: Dep) {}\n}\n');
    expect(await compileTsFile(src, join(dir, 'out/ok.js'))).toBeUndefined();
    const code = readFileSync(join(dir, 'out/ok.js'), 'utf8');
    expect(code).toContain('design:paramtypes');
    expect(code).not.toMatch(/^\s*@/m);
    expect(code).toContain('//# sourceMappingURL=ok.js.map');
    expect(existsSync(join(dir, 'out/ok.js.map'))).toBe(true);
  });

  it('reports a syntax error with file, line and column and writes nothing', async () => {
    const src = join(dir, 'bad.ts');
    writeFileSync(src, 'export function f() {\n  const x = 1;\n  return ( x;\n}\n');
    expect(await compileTsFile(src, join(dir, 'out/bad.js'))).toMatchObject({ file: src, line: 3, column: 13 });
    expect(existsSync(join(dir, 'out/bad.js'))).toBe(false);
  });
});

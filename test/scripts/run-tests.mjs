#!/usr/bin/env node
// The whole test run: installs the conformance tools if needed, type-checks every test file
// (tsconfig.tests.json), checks the layer rules (`pnpm lint:layers`), runs vitest (unit, end-to-end
// and the official conformance suite) and prints one closing line `tests: N passed, M failed` taken
// from vitest's own JSON report, so CI reads real counts. A failed type-check and a layer violation
// each count as one failure (passing, each counts as one passed check).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tools = join(root, 'test/conformance-tools');

if (!['.bin/node', '@modelcontextprotocol/conformance', 'conformance-2026'].every((p) => existsSync(join(tools, 'node_modules', p)))) {
  console.log('installing the conformance tools (official conformance CLI and the Node 24 it needs)…');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: tools, stdio: 'inherit' });
  if (r.status !== 0) {
    console.log('tests: 0 passed, 1 failed');
    process.exit(1);
  }
}

// Before vitest, so its errors are not lost above five minutes of test output.
console.log('type-checking the tests (tsconfig.tests.json)…');
const started = Date.now();
const typecheck = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.tests.json')], { cwd: root, stdio: 'inherit' });
const typecheckFailed = typecheck.status !== 0;
console.log(typecheckFailed ? 'type-check of the tests FAILED (see above; `pnpm typecheck:tests` repeats it)' : `type-check of the tests passed (${((Date.now() - started) / 1000).toFixed(1)} s)`);

console.log('checking the layer rules (pnpm lint:layers)…');
const lint = spawnSync('pnpm', ['-s', 'lint:layers'], { cwd: root, stdio: 'inherit' });
const lintFailed = lint.status !== 0;
console.log(lintFailed ? 'layer rules FAILED (see above; `pnpm lint:layers` repeats it)' : 'layer rules hold');

const report = join(mkdtempSync(join(tmpdir(), 'mcp-host-vitest-')), 'report.json');
const vitest = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR },
});

let passed = 0;
let failed = 0;
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed = r.numPassedTests;
  failed = r.numFailedTests + (r.numRuntimeErrors ?? 0);
  // A suite that failed to load has no tests counted: count it as a failure, never as nothing.
  failed += (r.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
}
if (vitest.status !== 0 && failed === 0) failed = 1;
for (const checkFailed of [typecheckFailed, lintFailed]) {
  if (checkFailed) failed += 1;
  else passed += 1;
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

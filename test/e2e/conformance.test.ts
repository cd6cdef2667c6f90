import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../harness/index.js';

const TOOLS = fileURLToPath(new URL('../conformance-tools/', import.meta.url));
const NODE24 = join(TOOLS, 'node_modules/.bin/node');
const CLI_2025 = join(TOOLS, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
const CLI_2026 = join(TOOLS, 'node_modules/conformance-2026/dist/index.js');

/** The 30 active server scenarios of @modelcontextprotocol/conformance@0.1.16 (checklist §D2). */
const SCENARIOS = [
  'server-initialize', 'logging-set-level', 'ping', 'completion-complete', 'tools-list', 'tools-call-simple-text',
  'tools-call-image', 'tools-call-audio', 'tools-call-embedded-resource', 'tools-call-mixed-content', 'tools-call-with-logging',
  'tools-call-error', 'tools-call-with-progress', 'tools-call-sampling', 'tools-call-elicitation', 'elicitation-sep1034-defaults',
  'server-sse-multiple-streams', 'elicitation-sep1330-enums', 'resources-list', 'resources-read-text', 'resources-read-binary',
  'resources-templates-read', 'resources-subscribe', 'resources-unsubscribe', 'prompts-list', 'prompts-get-simple',
  'prompts-get-with-args', 'prompts-get-embedded-resource', 'prompts-get-with-image', 'dns-rebinding-protection',
];

/**
 * Scenarios of 0.1.16 pending upstream (not in its default run), run one by one and held to no
 * failure and no warning: `server-sse-polling` (SEP-1699) checks the priming event, its `retry`,
 * and that a client resuming with Last-Event-ID after the tool closed the stream gets the result.
 */
const PENDING_SCENARIOS_2025 = ['server-sse-polling'];

/** The 37 required server scenarios of `conformance@0.2.0-alpha.12 --requirements 2026-07-28` (checklist §D3). */
const SCENARIOS_2026 = [
  'server-stateless', 'completion-complete', 'tools-list', 'tools-call-simple-text', 'tools-call-image', 'tools-call-audio',
  'tools-call-embedded-resource', 'tools-call-mixed-content', 'tools-call-error', 'tools-call-with-progress', 'server-sse-multiple-streams',
  'resources-list', 'resources-read-text', 'resources-read-binary', 'resources-templates-read', 'sep-2164-resource-not-found', 'prompts-list',
  'prompts-get-simple', 'prompts-get-with-args', 'prompts-get-embedded-resource', 'prompts-get-with-image', 'dns-rebinding-protection', 'caching',
  ...['basic-elicitation', 'basic-sampling', 'basic-list-roots', 'request-state', 'multiple-input-requests', 'multi-round', 'missing-input-response',
    'non-tool-request', 'result-type', 'unsupported-methods', 'tampered-state', 'capability-check', 'ignore-extra-params', 'validate-input'].map((s) => `input-required-result-${s}`),
  // Run but not scored by the suite (pending upstream); held to passing here all the same.
  'json-schema-2020-12', 'http-header-validation', 'http-custom-header-server-validation',
];

/**
 * The extension scenarios of 0.2.0-alpha.12 the host serves, run one by one (`--scenario`): they
 * are not part of `--requirements 2026-07-28`. `tasks-status-notifications` is left out: the suite
 * skips it (0 checks, "pending subscriptions/listen rewrite").
 */
const EXTENSION_SCENARIOS_2026 = [
  ...['lifecycle', 'capability-negotiation', 'wire-fields', 'request-state-removal', 'mrtr-input', 'request-headers', 'dispatch-and-envelope', 'required-task-error', 'mrtr-composition'].map((s) => `tasks-${s}`),
  ...['enumeration', 'manifest', 'directory'].map((s) => `sep-2640-skills-${s}`),
];

/**
 * Runs one official conformance CLI against a fresh host serving plugins/conformance and checks
 * that every listed scenario ran and passed. Both eras are served by the same host and endpoint.
 */
function conformanceSuite(title: string, cli: string, args: string[], scenarios: string[], oneByOne = false, noWarnings = false) {
  describe(title, () => {
    let host: TestHost;
    let output = '';
    let exitCode: number | null = null;
    const results = new Map<string, { passed: number; failed: number; warnings: number }>();

    beforeAll(async () => {
      if (!existsSync(NODE24) || !existsSync(cli)) throw new Error('conformance tools missing: run `pnpm test` (it installs test/conformance-tools)');
      host = await startTestHost();
      const outDir = mkdtempSync(join(tmpdir(), 'mcp-host-conformance-'));
      const run = async (extra: string[]) => {
        const child = spawn(NODE24, [cli, 'server', '--url', host.url, '-o', outDir, ...args, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout.on('data', (d) => (output += d));
        child.stderr.on('data', (d) => (output += d));
        const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
        exitCode = exitCode || code;
      };
      if (!oneByOne) await run([]);
      else for (const s of scenarios) await run(['--scenario', s]);
      for (const m of output.matchAll(/^[✓✗] ([\w-]+): (\d+) passed, (\d+) failed/gm)) results.set(m[1], { passed: Number(m[2]), failed: Number(m[3]), warnings: 0 });
      // One scenario's run reports "Running client scenario 'x'" … "Passed: p/n, f failed, w warnings".
      for (const m of output.matchAll(/Running client scenario '([\w-]+)'[\s\S]*?^Passed: (\d+)\/\d+, (\d+) failed(?:, (\d+) warnings)?/gm)) results.set(m[1], { passed: Number(m[2]), failed: Number(m[3]), warnings: Number(m[4] ?? 0) });
    }, 300_000);
    afterAll(async () => {
      await host?.stop();
    });

    it('runs every required scenario and exits 0', () => {
      for (const s of scenarios) expect(results.has(s), `scenario ${s} did not run:\n${output}`).toBe(true);
      expect(exitCode, output).toBe(0);
    });

    it.each(scenarios)('%s passes', (scenario) => {
      const r = results.get(scenario);
      expect(r, `scenario ${scenario} did not run:\n${output}`).toBeDefined();
      expect(r!.failed, output).toBe(0);
      expect(r!.passed).toBeGreaterThan(0);
      if (noWarnings) expect(r!.warnings, output).toBe(0);
    });
  });
}

conformanceSuite('official conformance suite 0.1.16 (2025-11-25) over HTTP, no expected-failures file', CLI_2025, [], SCENARIOS);
conformanceSuite('official conformance suite 0.1.16, scenarios pending upstream (server-sse-polling), no failure and no warning', CLI_2025, [], PENDING_SCENARIOS_2025, true, true);
conformanceSuite('official conformance suite 0.2.0-alpha.12 --requirements 2026-07-28 over HTTP, no expected-failures file', CLI_2026, ['--requirements', '2026-07-28'], SCENARIOS_2026);
conformanceSuite('official conformance suite 0.2.0-alpha.12, extension scenarios (tasks, skills), one by one', CLI_2026, [], EXTENSION_SCENARIOS_2026, true);

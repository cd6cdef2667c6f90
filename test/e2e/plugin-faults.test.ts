/**
 * Plugin faults, end to end: one real `mcp-host` process (started with a YAML --config) serving a
 * healthy plugin beside plugins that fail in every way we know of — at import, in a constructor,
 * in a handler (throw, infinite loop, memory exhaustion, process.exit, unhandled rejection) — each
 * in its own worker thread. After every fault the healthy plugin still answers, the host process is
 * alive, and the log names the plugin and the reason. Also: a plugin pinned to `in-process`, and
 * the features that cross the worker boundary (progress, log notifications, elicitation,
 * cancellation) with an official SDK 1.x client. A last suite gives a plugin that exhausts its memory
 * with a few large arrays a host of its own, and runs it with `isolation: process`: in a worker
 * thread that takes the whole host down (nodejs/node#47224).
 *
 * CPU: the machine has two shared cores, so loops that must spin are ended by the host (terminate
 * on load/call timeout), every other loop is bounded, and every wait has a bound.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHealthy, createPlugin, pingTool, pluginSource, servedHelpers, str, textOf, WAIT, type Served } from '../harness/faultPlugins.js';
import { createFeaturesPlugin, describeFeatures, featureTools } from '../harness/featureSuite.js';
import { connectHttpClient, startTestHost } from '../harness/index.js';

// ---- fixture plugins ----------------------------------------------------------------------------

/** Plugin ids (folder names too). */
const ID = {
  healthy: 'healthy',
  importThrow: 'fault-import-throw',
  ctorThrow: 'fault-ctor-throw',
  handlerThrow: 'fault-handler-throw',
  hang: 'fault-hang',
  importLoop: 'fault-import-loop',
  oom: 'fault-oom',
  exit: 'fault-exit',
  unhandled: 'fault-unhandled',
  bigAlloc: 'fault-big-alloc',
  inProcess: 'in-process-plugin',
  features: 'worker-features',
} as const;

const CALL_TIMEOUT_MS = 1500;
/** Counted from when the plugin's worker has booted; the hanging-import plugin costs this much start-up time. */
const LOAD_TIMEOUT_MS = 3000;

/** For the separate host of the large-allocation test. */
function writeBigAllocFixtures(plugins: string): void {
  createHealthy(plugins);
  // Exhausts its memory with a few large arrays (256 MB each) instead of many small ones. Bounded: 1 GB at most.
  createPlugin(
    plugins,
    ID.bigAlloc,
    pluginSource([
      { name: 'big_alloc', body: `const keep = [];\nfor (let i = 0; i < 4; i++) keep.push(new Array(32_000_000));\nreturn 'survived ' + keep.length + ' arrays';` },
      pingTool('big_ping'),
    ]),
  );
}

function writeFixtures(plugins: string): void {
  createHealthy(plugins);

  createPlugin(plugins, ID.importThrow, pluginSource([pingTool('import_throw_ping')], { prelude: `throw new Error('fault: import refuses to run');` }));

  createPlugin(
    plugins,
    ID.ctorThrow,
    pluginSource([pingTool('ctor_throw_ping')], { prelude: `class Refuser {\n  constructor() {\n    throw new Error('fault: constructor refuses to run');\n  }\n}`, classes: 'Refuser' }),
  );

  createPlugin(plugins, ID.handlerThrow, pluginSource([{ name: 'throw_boom', body: `throw new Error('fault: handler boom');` }, pingTool('throw_ping')]));

  // Spins until the host terminates the worker (call timeout + missed ping).
  createPlugin(plugins, ID.hang, pluginSource([{ name: 'hang_loop', body: `while (true) {}` }, pingTool('hang_ping')]));

  // Never finishes its import: an endless synchronous loop that blocks the thread (50 ms blocking
  // waits, so it costs no CPU while the host's load timeout runs) until the host terminates the worker.
  createPlugin(
    plugins,
    ID.importLoop,
    pluginSource([pingTool('import_loop_ping')], { prelude: `const cell = new Int32Array(new SharedArrayBuffer(4));\nwhile (true) Atomics.wait(cell, 0, 0, 50);` }),
  );

  // Grows the heap past the 64 MB worker limit. Bounded (≈400 MB at most), so a missing limit fails the test instead of the machine.
  createPlugin(
    plugins,
    ID.oom,
    pluginSource([
      { name: 'oom_alloc', body: `const keep = [];\nfor (let i = 0; i < 50; i++) keep.push(new Array(1_000_000).fill(i + 0.5));\nreturn 'survived ' + keep.length + ' arrays';` },
      pingTool('oom_ping'),
    ]),
  );

  createPlugin(plugins, ID.exit, pluginSource([{ name: 'exit_now', body: `process.exit(3);` }, pingTool('exit_ping')]));

  createPlugin(
    plugins,
    ID.unhandled,
    pluginSource([{ name: 'unhandled_fire', body: `Promise.reject(new Error('fault: nobody awaits me'));\nreturn 'returned fine';` }, pingTool('unhandled_ping')]),
  );

  createPlugin(plugins, ID.inProcess, pluginSource([{ name: 'inproc_throw', body: `throw new Error('fault: in-process boom');` }, pingTool('inproc_ping')]));

  createFeaturesPlugin(plugins, ID.features, 'feat');
}

// ---- helpers ------------------------------------------------------------------------------------

const scratch = mkdtempSync(join(tmpdir(), 'mcp-host-plugin-faults-'));
const pluginsDir = join(scratch, 'plugins');
mkdirSync(pluginsDir);

/** The host serving every fault plugin; the helpers below talk to it. */
const main = {} as Served;
const { call, callText, ping, expectHostHealthy, diedLogs, expectRestarted } = servedHelpers(main);

// ---- the host -----------------------------------------------------------------------------------

/** Writes the YAML config (passed with --config) and returns its path. */
function writeConfig(name: string, loadTimeoutMs: number, options: { paths?: string[]; callTimeoutMs?: number; processPlugins?: string[] } = {}): string {
  const file = join(scratch, name);
  writeFileSync(
    file,
    [
      'plugins:',
      `  paths: [${(options.paths ?? [pluginsDir]).map(str).join(', ')}]`,
      `  callTimeoutMs: ${options.callTimeoutMs ?? CALL_TIMEOUT_MS}`,
      `  loadTimeoutMs: ${loadTimeoutMs}`,
      '  workerMemoryMb: 64',
      '  watch: false',
      '  settings:',
      `    ${ID.inProcess}:`,
      '      isolation: in-process',
      ...(options.processPlugins ?? []).flatMap((id) => [`    ${id}:`, '      isolation: process']),
      '',
    ].join('\n'),
  );
  return file;
}

/** Every tool of the plugins that load (all but the three that fail at load). */
const SERVED_TOOLS = [
  'healthy_echo',
  'throw_boom', 'throw_ping',
  'hang_loop', 'hang_ping',
  'oom_alloc', 'oom_ping',
  'exit_now', 'exit_ping',
  'unhandled_fire', 'unhandled_ping',
  'inproc_throw', 'inproc_ping',
  ...featureTools('feat').map((t) => t.name),
].sort();

beforeAll(async () => {
  writeFixtures(pluginsDir);
  main.host = await startTestHost({ plugins: [], args: ['--config', writeConfig('mcp-host.yaml', LOAD_TIMEOUT_MS)], timeoutMs: LOAD_TIMEOUT_MS + 30_000 });
  ({ client: main.client } = await connectHttpClient(main.host.url));
});

afterAll(async () => {
  await main.client?.close().catch(() => undefined);
  await main.host?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

// ---- tests --------------------------------------------------------------------------------------

describe('a host serving a healthy plugin beside faulty ones (worker isolation)', () => {
  it('starts, serves the plugins that loaded and the healthy one answers', async () => {
    // Exactly the three plugins that fail at load are refused; the load timeout refuses no other.
    const problems = main.host.logs.filter((l) => typeof l.code === 'string' && String(l.code).startsWith('MCPH_PLUGIN_'));
    expect(problems.map((l) => `${l.plugin} ${l.code}`).sort(), JSON.stringify(problems.map((l) => l.msg), null, 1)).toEqual(
      [`${ID.importThrow} MCPH_PLUGIN_IMPORT_FAILED`, `${ID.ctorThrow} MCPH_PLUGIN_CONSTRUCT_FAILED`, `${ID.importLoop} MCPH_PLUGIN_IMPORT_FAILED`].sort(),
    );
    const { tools } = await main.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(SERVED_TOOLS);
    await expectHostHealthy();
    const listening = main.host.logs.find((l) => String(l.msg).includes('listening on'));
    expect(listening).toMatchObject({ plugins: 8, problems: 3 });
  });

  it('a top-level throw at import is a load problem naming the plugin and the cause', async () => {
    const [p, ...more] = main.host.logs.filter((l) => l.code === 'MCPH_PLUGIN_IMPORT_FAILED' && l.plugin === ID.importThrow);
    expect(more).toEqual([]);
    expect(p, 'no MCPH_PLUGIN_IMPORT_FAILED for the import-throw plugin').toBeDefined();
    expect(p!.path).toBe(join(pluginsDir, ID.importThrow));
    expect(String(p!.msg)).toContain(`[MCPH_PLUGIN_IMPORT_FAILED] plugin "${ID.importThrow}"`);
    expect(String(p!.msg)).toContain('fault: import refuses to run');
    await expectHostHealthy();
  });

  it('a class that throws in its constructor is a load problem naming the plugin, the class and the cause', async () => {
    const [p, ...more] = main.host.logs.filter((l) => l.code === 'MCPH_PLUGIN_CONSTRUCT_FAILED' && l.plugin === ID.ctorThrow);
    expect(more).toEqual([]);
    expect(p, 'no MCPH_PLUGIN_CONSTRUCT_FAILED for the constructor plugin').toBeDefined();
    expect(String(p!.msg)).toContain('constructing Refuser failed');
    expect(String(p!.msg)).toContain('fault: constructor refuses to run');
    await expectHostHealthy();
  });

  it('an infinite loop at import hits the load timeout: a problem naming the plugin, the host serves the rest', async () => {
    const [p, ...more] = main.host.logs.filter((l) => l.code === 'MCPH_PLUGIN_IMPORT_FAILED' && l.plugin === ID.importLoop);
    expect(more).toEqual([]);
    expect(p, 'no load-timeout problem for the import-loop plugin').toBeDefined();
    expect(String(p!.msg)).toContain(`loading did not finish within ${LOAD_TIMEOUT_MS} ms`);
    // None of the plugins that failed to load serves anything.
    const { tools } = await main.client.listTools();
    expect(tools.map((t) => t.name)).not.toContain('import_loop_ping');
    expect(tools.map((t) => t.name)).not.toContain('import_throw_ping');
    expect(tools.map((t) => t.name)).not.toContain('ctor_throw_ping');
    await expectHostHealthy();
  });

  it('a handler that throws gives an isError result, and the plugin keeps serving from the same worker', async () => {
    const before = await ping('throw_ping');
    expect(before.isMainThread).toBe(false);
    const r = await call('throw_boom');
    expect(r.isError, JSON.stringify(r)).toBe(true);
    expect(textOf(r)).toContain('fault: handler boom');
    expect(await ping('throw_ping')).toEqual(before);
    await vi.waitFor(() => expect(main.host.logs.filter((l) => l.msg === 'tool handler threw' && l.plugin === ID.handlerThrow)).toHaveLength(1), WAIT);
    expect(diedLogs(ID.handlerThrow)).toEqual([]);
    await expectHostHealthy();
  });

  it('an infinite loop in a handler: the call fails at the call timeout, the worker is terminated and restarted', async () => {
    const before = await ping('hang_ping');
    const started = performance.now();
    const r = await call('hang_loop');
    const took = performance.now() - started;
    expect(r.isError, JSON.stringify(r)).toBe(true);
    expect(textOf(r)).toContain(`did not answer within ${CALL_TIMEOUT_MS} ms`);
    expect(textOf(r)).toContain(ID.hang);
    expect(took).toBeGreaterThanOrEqual(CALL_TIMEOUT_MS - 50);
    expect(took).toBeLessThan(CALL_TIMEOUT_MS + 3000);
    // The host answers while the worker spins.
    await expectHostHealthy();
    // Terminated after the missed ping; the logged reason says it hung.
    await expectRestarted(ID.hang, 'hang_ping', before, /unresponsive/);
    await expectHostHealthy();
  });

  it('memory exhaustion in a handler: the worker dies at its heap limit, the call fails, the worker restarts', async () => {
    const before = await ping('oom_ping');
    const r = await call('oom_alloc');
    expect(r.isError, JSON.stringify(r)).toBe(true);
    // Reaching the heap limit takes V8 about a second of last-resort collections (more on a busy
    // machine), so the 1.5 s call timeout may answer the call first; either way the call fails.
    const stopped = textOf(r).includes(`plugin ${ID.oom}@1.0.0 stopped`);
    if (stopped) expect(textOf(r)).toMatch(/memory/i);
    else expect(textOf(r)).toContain(`plugin ${ID.oom}@1.0.0 did not answer within ${CALL_TIMEOUT_MS} ms`);
    await expectHostHealthy();
    await expectRestarted(ID.oom, 'oom_ping', before, stopped ? /memory/i : /memory|unresponsive/i);
    await expectHostHealthy();
  });

  it('process.exit(3) in a handler ends only the worker: the call fails with a clear error, the worker restarts', async () => {
    const before = await ping('exit_ping');
    const r = await call('exit_now');
    expect(r.isError, JSON.stringify(r)).toBe(true);
    expect(textOf(r)).toContain(`plugin ${ID.exit}@1.0.0 stopped: worker exited with code 3`);
    await expectHostHealthy();
    await expectRestarted(ID.exit, 'exit_ping', before, /exited with code 3/);
    await expectHostHealthy();
  });

  it('an unhandled rejection in a handler kills the worker, which restarts; the host keeps serving', async () => {
    const before = await ping('unhandled_ping');
    const r = await call('unhandled_fire');
    // The handler itself returned; whether its answer beat the worker's death is a race, but the host must answer the call either way.
    if (r.isError) expect(textOf(r)).toContain(`plugin ${ID.unhandled}@1.0.0 stopped`);
    else expect(textOf(r)).toBe('returned fine');
    await expectHostHealthy();
    await expectRestarted(ID.unhandled, 'unhandled_ping', before, /fault: nobody awaits me/);
    await expectHostHealthy();
  });

  it('no fault took down another plugin: every survivor answers from its own worker, and the host never died', async () => {
    const threads = new Set<number>();
    for (const name of ['throw_ping', 'hang_ping', 'oom_ping', 'exit_ping', 'unhandled_ping', 'feat_ping']) {
      const p = await ping(name);
      expect(p.isMainThread, name).toBe(false);
      threads.add(p.threadId);
    }
    expect(threads.size).toBe(6);
    // Exactly the four crashed plugins died, once each.
    const died = main.host.logs.filter((l) => String(l.msg).includes('plugin worker died')).map((l) => l.plugin).sort();
    expect(died).toEqual([ID.hang, ID.oom, ID.exit, ID.unhandled].sort());
    expect(main.host.logs.filter((l) => l.level === 60)).toEqual([]);
    await expectHostHealthy();
  });
});

describe('a plugin configured with isolation: in-process', () => {
  it('runs on the host thread, and a throw in its handler is an isError result', async () => {
    const p = await ping('inproc_ping');
    expect(p.isMainThread).toBe(true);
    const r = await call('inproc_throw');
    expect(r.isError, JSON.stringify(r)).toBe(true);
    expect(textOf(r)).toContain('fault: in-process boom');
    expect(await ping('inproc_ping')).toEqual(p);
    expect(diedLogs(ID.inProcess)).toEqual([]);
    await expectHostHealthy();
  });
});

describeFeatures(main, { plugin: ID.features, prefix: 'feat', isolation: 'worker' });

// Node's worker heap limit is best-effort (nodejs/node#47224): a few very large allocations (4 × 32M-element
// arrays in a 64 MB worker) abort the whole host process with V8's fatal OOM instead of ending the
// worker. Many smaller allocations are contained (the test above). A plugin that may do this runs with
// `isolation: process`: the fatal OOM then ends its child process only.
describe('memory exhaustion with a few large allocations, isolation: process, on a host of its own', () => {
  // Its own host, in case the whole process goes down after all, and with a call timeout that cannot
  // end the plugin first: this is about the heap limit alone.
  const big = {} as Served;
  const bigServed = servedHelpers(big);
  beforeAll(async () => {
    const dir = join(scratch, 'big-alloc-plugins');
    mkdirSync(dir);
    writeBigAllocFixtures(dir);
    big.host = await startTestHost({ plugins: [], args: ['--config', writeConfig('big-alloc.yaml', LOAD_TIMEOUT_MS, { paths: [dir], callTimeoutMs: 30_000, processPlugins: [ID.bigAlloc] })], timeoutMs: 40_000 });
    ({ client: big.client } = await connectHttpClient(big.host.url));
  });
  afterAll(async () => {
    await big.client?.close().catch(() => undefined);
    await big.host?.stop();
  });

  it('ends only the plugin process: the call fails, the process restarts, the host keeps serving', async () => {
    const before = await bigServed.ping('big_ping');
    expect(before.pid, 'a process of its own').not.toBe(big.host.process.pid);
    const outcome = await bigServed.call('big_alloc').then(
      (result) => ({ result, error: undefined }),
      (e: Error) => ({ result: undefined, error: e.message }),
    );
    // Let an exit of the host process register before looking at it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const fatal = big.host.logs.filter((l) => /FATAL|heap/.test(String(l.msg))).map((l) => l.msg);
    expect({ exitCode: big.host.process.exitCode, signal: big.host.process.signalCode }, `the host process must survive; its stderr: ${fatal.join(' | ')}`).toEqual({ exitCode: null, signal: null });
    expect(outcome.error, 'the call must be answered').toBeUndefined();
    expect(outcome.result!.isError, JSON.stringify(outcome.result)).toBe(true);
    expect(textOf(outcome.result!)).toContain(`plugin ${ID.bigAlloc}@1.0.0 stopped`);
    expect(textOf(outcome.result!)).toMatch(/memory/i);
    await bigServed.expectHostHealthy();
    await bigServed.expectRestarted(ID.bigAlloc, 'big_ping', before, /memory/i);
    await bigServed.expectHostHealthy();
  }, 60_000);
});

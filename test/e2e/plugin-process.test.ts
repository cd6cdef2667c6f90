/**
 * `isolation: process`, end to end: one real `mcp-host` process (JSON --config, `plugins.isolation:
 * process`) runs each plugin generation in a child process of its own, with a 192 MB resident
 * memory cap (`plugins.maxRssMb`). A tool that allocates and touches a 256 MB ArrayBuffer per call
 * (memory V8's heap limit does not count) is killed at the cap, its caller gets a clean error, it
 * restarts with backoff, and the host's own RSS does not grow; a healthy plugin keeps answering.
 * The faults of plugin-faults.test.ts (load failures, hang, heap exhaustion, process.exit, an
 * unhandled rejection) end only the plugin's process, and everything that crosses the boundary
 * behaves as it does for a worker (the shared feature suite). Results and logs that cannot cross
 * (nested 10,000 deep, holding a function) become a clean error or a dropped log, in a worker and
 * in a process, without failing the other calls of their batch. Plugin processes end with the host,
 * even when it is killed.
 *
 * Bounded: at most 3 large allocations of 256 MB, each held ≤ 3 s; every wait has a bound; spinning
 * plugins are ended by the host (load and call timeouts); everything talks to 127.0.0.1.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoggingMessageNotificationSchema, type LoggingMessageNotification } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHealthy, createPlugin, pingTool, pluginSource, servedHelpers, textOf, WAIT, type PingAnswer, type Served } from '../harness/faultPlugins.js';
import { createFeaturesPlugin, describeFeatures } from '../harness/featureSuite.js';
import { connectHttpClient, connectStdioClient, startTestHost } from '../harness/index.js';

const ID = {
  healthy: 'healthy',
  features: 'process-features',
  big: 'proc-big-buffer',
  importThrow: 'proc-import-throw',
  ctorThrow: 'proc-ctor-throw',
  importLoop: 'proc-import-loop',
  hang: 'proc-hang',
  oom: 'proc-oom',
  exit: 'proc-exit',
  unhandled: 'proc-unhandled',
  garbage: 'proc-garbage',
  disposing: 'proc-dispose',
  deepWorker: 'deep-worker',
  deepProcess: 'deep-process',
} as const;

const CALL_TIMEOUT_MS = 1500;
/**
 * Counted once a plugin's worker or process has booted. Generous: a dozen processes boot at once on
 * two shared cores, and only the hanging-import plugin waits it out (blocked, without using CPU).
 */
const LOAD_TIMEOUT_MS = 8000;
const MAX_RSS_MB = 192;
const BIG_MB = 256;

const scratch = mkdtempSync(join(tmpdir(), 'mcp-host-plugin-process-'));
const pluginsDir = join(scratch, 'plugins');
const markers = join(scratch, 'markers');
mkdirSync(pluginsDir);
mkdirSync(markers);

// ---- fixture plugins ----------------------------------------------------------------------------

/** Resolves every waiting call of a group at once, so their results leave the plugin in one batch (bounded: 5 s). */
const GATE = [
  `const gates = new Map();`,
  `function gate(group, n) {`,
  `  return new Promise((resolve) => {`,
  `    const waiting = gates.get(group) ?? [];`,
  `    gates.set(group, waiting);`,
  `    waiting.push(resolve);`,
  `    const open = () => { gates.delete(group); for (const r of waiting.splice(0)) r(); };`,
  `    if (waiting.length >= n) open(); else setTimeout(open, 5000);`,
  `  });`,
  `}`,
  `const nest = (depth) => { let v = { leaf: true }; for (let i = 0; i < depth; i++) v = { a: v }; return v; };`,
].join('\n');

const GATED = { type: 'object', properties: { group: { type: 'string' }, n: { type: 'number' } }, required: ['group', 'n'] };

function deepPlugin(id: string, prefix: string): void {
  createPlugin(
    pluginsDir,
    id,
    pluginSource(
      [
        pingTool(`${prefix}_ping`),
        { name: `${prefix}_ok`, inputSchema: GATED, body: `await gate(args.group, args.n);\nreturn 'ok';` },
        { name: `${prefix}_deep_result`, inputSchema: GATED, body: `await gate(args.group, args.n);\nreturn { content: [{ type: 'text', text: 'deep' }], structuredContent: nest(10_000) };` },
        { name: `${prefix}_function_result`, inputSchema: GATED, body: `await gate(args.group, args.n);\nreturn { content: [{ type: 'text', text: 'fn' }], structuredContent: { f() {} } };` },
        { name: `${prefix}_deep_log`, body: `await ctx.log('info', nest(10_000), 'deep');\nawait ctx.log('info', 'after the deep one', 'deep');\nreturn 'logged';` },
        {
          // Around the runtime: posts on the worker's own port a message as deep as the worker's stack can serialize (the host's is smaller), then waits (≤ 3 s).
          name: `${prefix}_raw_post`,
          body: `const { parentPort } = await import('node:worker_threads');\nfor (let depth = 20_000; depth > 1000; depth -= 500) {\n  try { parentPort.postMessage([nest(depth)]); break; } catch {}\n}\nawait new Promise((resolve) => setTimeout(resolve, 3000));\nreturn 'posted';`,
        },
      ],
      { prelude: GATE },
    ),
  );
}

function writeFixtures(): void {
  createHealthy(pluginsDir);
  createFeaturesPlugin(pluginsDir, ID.features, 'pfeat');
  createPlugin(
    pluginsDir,
    ID.big,
    pluginSource([
      {
        // External memory: not counted by V8's heap limit, only by the process's RSS. Held (≤ 3 s) so the call is in flight when the cap is met.
        name: 'big_buffer',
        body: `const buffer = new ArrayBuffer(${BIG_MB} * 1048576);\nnew Uint8Array(buffer).fill(1);\nawait new Promise((resolve) => setTimeout(resolve, 3000));\nreturn 'held ' + buffer.byteLength + ' bytes';`,
      },
      pingTool('big_ping'),
    ]),
  );
  createPlugin(pluginsDir, ID.importThrow, pluginSource([pingTool('pimport_throw_ping')], { prelude: `throw new Error('fault: import refuses to run');` }));
  createPlugin(pluginsDir, ID.ctorThrow, pluginSource([pingTool('pctor_throw_ping')], { prelude: `class Refuser {\n  constructor() {\n    throw new Error('fault: constructor refuses to run');\n  }\n}`, classes: 'Refuser' }));
  // Blocks its import (50 ms waits, no CPU) until the host kills the process at the load timeout.
  createPlugin(pluginsDir, ID.importLoop, pluginSource([pingTool('pimport_loop_ping')], { prelude: `const cell = new Int32Array(new SharedArrayBuffer(4));\nwhile (true) Atomics.wait(cell, 0, 0, 50);` }));
  createPlugin(pluginsDir, ID.hang, pluginSource([{ name: 'phang_loop', body: `while (true) {}` }, pingTool('phang_ping')]));
  // Past the 64 MB heap limit with small arrays (≈400 MB at most).
  createPlugin(
    pluginsDir,
    ID.oom,
    pluginSource([{ name: 'poom_alloc', body: `const keep = [];\nfor (let i = 0; i < 50; i++) keep.push(new Array(1_000_000).fill(i + 0.5));\nreturn 'survived ' + keep.length + ' arrays';` }, pingTool('poom_ping')]),
  );
  createPlugin(pluginsDir, ID.exit, pluginSource([{ name: 'pexit_now', body: `process.exit(3);` }, pingTool('pexit_ping')]));
  createPlugin(pluginsDir, ID.unhandled, pluginSource([{ name: 'punhandled_fire', body: `Promise.reject(new Error('fault: nobody awaits me'));\nreturn 'returned fine';` }, pingTool('punhandled_ping')]));
  // Writes bytes that are no message onto its channel to the host (fd 3), then waits (≤ 3 s).
  createPlugin(
    pluginsDir,
    ID.garbage,
    pluginSource([
      { name: 'pgarbage_write', body: `const { writeSync } = await import('node:fs');\nwriteSync(3, Buffer.from([0, 0, 0, 4, 255, 255, 255, 255]));\nawait new Promise((resolve) => setTimeout(resolve, 3000));\nreturn 'wrote';` },
      pingTool('pgarbage_ping'),
    ]),
  );
  writeDisposing('first');
  deepPlugin(ID.deepWorker, 'wdeep');
  deepPlugin(ID.deepProcess, 'pdeep');
}

/** A plugin whose dispose hook leaves a marker file named after its process and `label`. */
function writeDisposing(label: string): void {
  createPlugin(
    pluginsDir,
    ID.disposing,
    pluginSource([pingTool('pdispose_ping'), { name: 'pdispose_label', body: `return ${JSON.stringify(label)};` }], {
      prelude: `import { writeFileSync } from 'node:fs';`,
      more: `  setup(scope) { scope.onDispose(() => writeFileSync(${JSON.stringify(markers)} + '/disposed-' + process.pid, ${JSON.stringify(label)})); },`,
    }),
  );
}

// ---- the host -----------------------------------------------------------------------------------

function writeConfig(): string {
  const file = join(scratch, 'mcp-host.json');
  const plugins = {
    paths: [pluginsDir],
    isolation: 'process',
    callTimeoutMs: CALL_TIMEOUT_MS,
    loadTimeoutMs: LOAD_TIMEOUT_MS,
    workerMemoryMb: 64,
    maxRssMb: MAX_RSS_MB,
    watch: true,
    settings: { [ID.deepWorker]: { isolation: 'worker' } },
  };
  writeFileSync(file, JSON.stringify({ plugins }, null, 2));
  return file;
}

const main = {} as Served;
const { call, callText, ping, expectHostHealthy, diedLogs, replacedLogs, expectRestarted } = servedHelpers(main);

/** The resident memory of a process in MB, from /proc/<pid>/status. */
function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match![1]) / 1024;
}

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));

/** The children of a process, from /proc/<pid>/stat of every process (field 4 is the parent). */
function childrenOf(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

beforeAll(async () => {
  writeFixtures();
  main.host = await startTestHost({ plugins: [], args: ['--config', writeConfig()], timeoutMs: LOAD_TIMEOUT_MS + 40_000 });
  ({ client: main.client } = await connectHttpClient(main.host.url));
});

afterAll(async () => {
  await main.client?.close().catch(() => undefined);
  await main.host?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

// ---- tests --------------------------------------------------------------------------------------

describe.runIf(process.platform === 'linux')('a host with isolation: process', () => {
  it('starts: exactly the three plugins that fail at load are refused, each with its cause', async () => {
    const problems = main.host.logs.filter((l) => typeof l.code === 'string' && String(l.code).startsWith('MCPH_PLUGIN_'));
    expect(problems.map((l) => `${l.plugin} ${l.code}`).sort(), JSON.stringify(problems.map((l) => l.msg), null, 1)).toEqual(
      [`${ID.importThrow} MCPH_PLUGIN_IMPORT_FAILED`, `${ID.ctorThrow} MCPH_PLUGIN_CONSTRUCT_FAILED`, `${ID.importLoop} MCPH_PLUGIN_IMPORT_FAILED`].sort(),
    );
    const msgOf = (plugin: string) => String(problems.find((l) => l.plugin === plugin)!.msg);
    expect(msgOf(ID.importThrow)).toContain('fault: import refuses to run');
    expect(msgOf(ID.ctorThrow)).toContain('constructing Refuser failed');
    expect(msgOf(ID.ctorThrow)).toContain('fault: constructor refuses to run');
    expect(msgOf(ID.importLoop)).toContain(`loading did not finish within ${LOAD_TIMEOUT_MS} ms`);
    const { tools } = await main.client.listTools();
    for (const refused of ['pimport_throw_ping', 'pctor_throw_ping', 'pimport_loop_ping']) expect(tools.map((t) => t.name)).not.toContain(refused);
    await expectHostHealthy();
  });

  it('runs each plugin in a process of its own, and the worker plugin in a worker thread', async () => {
    const pids = new Set<number>();
    for (const name of ['big_ping', 'phang_ping', 'poom_ping', 'pexit_ping', 'punhandled_ping', 'pgarbage_ping', 'pdispose_ping', 'pdeep_ping', 'pfeat_ping']) {
      const p = await ping(name);
      expect(p.pid, name).not.toBe(main.host.process.pid);
      pids.add(p.pid);
    }
    expect(pids.size).toBe(9);
    expect(await ping('wdeep_ping')).toMatchObject({ isMainThread: false, pid: main.host.process.pid });
  });
});

describe.runIf(process.platform === 'linux')('a plugin over its resident memory cap (256 MB ArrayBuffers, maxRssMb 192)', () => {
  it('is killed, its caller gets a clean error naming the plugin and the limit, it restarts; the host RSS stays flat and a healthy plugin answers throughout', async () => {
    const hostPid = main.host.process.pid!;
    const hostBefore = rssMb(hostPid);
    let before: PingAnswer = await ping('big_ping');
    for (let round = 1; round <= 3; round++) {
      const started = performance.now();
      const pending = call('big_buffer');
      // The healthy plugin answers while the big one allocates.
      await expectHostHealthy();
      const r = await pending;
      expect(r.isError, JSON.stringify(r)).toBe(true);
      expect(textOf(r)).toMatch(new RegExp(`plugin ${ID.big}@1\\.0\\.0 stopped: memory limit exceeded: RSS \\d+ MB > ${MAX_RSS_MB} MB \\(plugins\\.maxRssMb\\)`));
      // Killed while it held the buffer, not after its 3 s wait.
      expect(performance.now() - started).toBeLessThan(2900);
      await expectRestarted(ID.big, 'big_ping', before, /^memory limit exceeded: RSS \d+ MB > 192 MB \(plugins\.maxRssMb\)/, round);
      before = await ping('big_ping');
      expect(alive(before.pid)).toBe(true);
    }
    const hostAfter = rssMb(hostPid);
    // In a worker each call would have added 256 MB to the host; here the host does not hold plugin memory.
    expect(hostAfter - hostBefore, `host RSS ${hostBefore.toFixed(0)} → ${hostAfter.toFixed(0)} MB`).toBeLessThan(96);
    expect(hostAfter).toBeLessThan(400);
    await expectHostHealthy();
  }, 60_000);
});

describe.runIf(process.platform === 'linux')('faults in a plugin process end only that process', () => {
  it('an infinite loop: the call fails at the call timeout, the process is killed after a missed ping and restarts', async () => {
    const before = await ping('phang_ping');
    const started = performance.now();
    const r = await call('phang_loop');
    expect(r.isError, JSON.stringify(r)).toBe(true);
    expect(textOf(r)).toContain(`plugin ${ID.hang}@1.0.0 did not answer within ${CALL_TIMEOUT_MS} ms`);
    expect(performance.now() - started).toBeLessThan(CALL_TIMEOUT_MS + 3000);
    await expectHostHealthy();
    await expectRestarted(ID.hang, 'phang_ping', before, /unresponsive/);
    expect(alive(before.pid)).toBe(false);
  });

  it('heap exhaustion (small arrays past workerMemoryMb): the process aborts, the call fails naming memory, it restarts', async () => {
    const before = await ping('poom_ping');
    const r = await call('poom_alloc');
    expect(r.isError, JSON.stringify(r)).toBe(true);
    // As for a worker, the call timeout may answer first on a busy machine; either way the call fails.
    if (textOf(r).includes('stopped')) expect(textOf(r)).toMatch(/memory/i);
    else expect(textOf(r)).toContain(`did not answer within ${CALL_TIMEOUT_MS} ms`);
    await expectHostHealthy();
    await expectRestarted(ID.oom, 'poom_ping', before, /memory|unresponsive/i);
  });

  it('process.exit(3): the call fails with the exit code, the process restarts', async () => {
    const before = await ping('pexit_ping');
    const r = await call('pexit_now');
    expect(r.isError, JSON.stringify(r)).toBe(true);
    expect(textOf(r)).toContain(`plugin ${ID.exit}@1.0.0 stopped: process exited with code 3`);
    await expectHostHealthy();
    await expectRestarted(ID.exit, 'pexit_ping', before, /^process exited with code 3$/);
  });

  it('an unhandled rejection ends the process with its message, as in a worker; it restarts', async () => {
    const before = await ping('punhandled_ping');
    const r = await call('punhandled_fire');
    if (r.isError) expect(textOf(r)).toContain(`plugin ${ID.unhandled}@1.0.0 stopped`);
    else expect(textOf(r)).toBe('returned fine');
    await expectHostHealthy();
    await expectRestarted(ID.unhandled, 'punhandled_ping', before, /^uncaught error: fault: nobody awaits me$/);
  });

  it('bytes the host cannot read on its channel end the process, not the host; it restarts', async () => {
    const before = await ping('pgarbage_ping');
    const r = await call('pgarbage_write');
    expect(r.isError, JSON.stringify(r)).toBe(true);
    expect(textOf(r)).toMatch(new RegExp(`plugin ${ID.garbage}@1\\.0\\.0 stopped: sent a message the host cannot read \\(.+\\); killed`));
    await expectHostHealthy();
    await expectRestarted(ID.garbage, 'pgarbage_ping', before, /^sent a message the host cannot read/);
  });

  it('a reload disposes the old generation in its process (its dispose hooks run), then ends that process', async () => {
    const before = await ping('pdispose_ping');
    expect(await callText('pdispose_label')).toBe('first');
    writeDisposing('second');
    await vi.waitFor(async () => expect(await callText('pdispose_label')).toBe('second'), WAIT);
    await vi.waitFor(() => expect(readFileSync(join(markers, `disposed-${before.pid}`), 'utf8')).toBe('first'), WAIT);
    await vi.waitFor(() => expect(alive(before.pid)).toBe(false), WAIT);
    expect((await ping('pdispose_ping')).pid).not.toBe(before.pid);
    expect(replacedLogs(ID.disposing)).toHaveLength(1);
    expect(diedLogs(ID.disposing)).toEqual([]);
  });
});

describeFeatures(main, { plugin: ID.features, prefix: 'pfeat', isolation: 'process' });

describe.each([
  { isolation: 'worker', prefix: 'wdeep', plugin: ID.deepWorker },
  { isolation: 'process', prefix: 'pdeep', plugin: ID.deepProcess },
])('results and logs that cannot cross, from a $isolation plugin', ({ prefix, plugin }) => {
  it('a result nested 10,000 deep and one holding a function become clean tool errors; the other calls of their batch are answered', async () => {
    const before = await ping(`${prefix}_ping`);
    const group = { group: `batch-${prefix}`, n: 4 };
    const [ok1, deep, fn, ok2] = await Promise.all([call(`${prefix}_ok`, group), call(`${prefix}_deep_result`, group), call(`${prefix}_function_result`, group), call(`${prefix}_ok`, group)]);
    expect([ok1, ok2].map((r) => [r.isError ?? false, textOf(r)])).toEqual([
      [false, 'ok'],
      [false, 'ok'],
    ]);
    expect(deep.isError, JSON.stringify(deep)).toBe(true);
    expect(textOf(deep)).toBe("the tool result is over the host's limits: nested deeper than 64 levels (server.limits.maxDepth)");
    expect(fn.isError, JSON.stringify(fn)).toBe(true);
    expect(textOf(fn)).toMatch(/^the tool result could not be sent: .*could not be cloned/);
    // Same thread or process: nothing died.
    expect(await ping(`${prefix}_ping`)).toEqual(before);
    expect(diedLogs(plugin)).toEqual([]);
    await expectHostHealthy();
  });

  it('a ctx.log payload nested 10,000 deep is dropped with a warning; the next log and the result arrive', async () => {
    const logs: LoggingMessageNotification['params'][] = [];
    main.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void (n.params.logger === 'deep' && logs.push(n.params)));
    expect(await callText(`${prefix}_deep_log`)).toBe('logged');
    await vi.waitFor(() => expect(logs).toEqual([{ level: 'info', logger: 'deep', data: 'after the deep one' }]), { timeout: 5_000, interval: 20 });
    await vi.waitFor(() => expect(main.host.logs.filter((l) => l.msg === 'a ctx.log payload over the host limits was dropped' && l.plugin === plugin)).toHaveLength(1), WAIT);
    expect(diedLogs(plugin)).toEqual([]);
    await expectHostHealthy();
  });
});

describe('a worker that posts, around the runtime, a message the host cannot read', () => {
  it('is terminated with that reason (its calls fail at once, not at their timeout) and restarts; the host keeps serving', async () => {
    const before = await ping('wdeep_ping');
    const r = await call('wdeep_raw_post');
    expect(r.isError, JSON.stringify(r)).toBe(true);
    expect(textOf(r)).toMatch(new RegExp(`plugin ${ID.deepWorker}@1\\.0\\.0 stopped: sent a message the host cannot read \\(.+\\); terminated`));
    await expectHostHealthy();
    await expectRestarted(ID.deepWorker, 'wdeep_ping', before, /^sent a message the host cannot read/);
  });
});

describe('console.log in an isolated plugin, with the host in --stdio mode', () => {
  it('goes to the host stderr from a worker and from a process: the protocol on stdout stays intact', async () => {
    const dir = join(scratch, 'stdio-plugins');
    mkdirSync(dir);
    for (const isolation of ['worker', 'process']) {
      createPlugin(dir, `chatty-${isolation}`, pluginSource([{ name: `chatty_${isolation}`, body: `console.log('{"jsonrpc":"2.0","method":"not/from/the/host"} chatty ${isolation}');\nreturn 'said it';` }]));
    }
    const config = join(scratch, 'stdio.json');
    writeFileSync(config, JSON.stringify({ plugins: { watch: false, settings: { 'chatty-worker': { isolation: 'worker' }, 'chatty-process': { isolation: 'process' } } } }));
    const { client, stderr } = await connectStdioClient([join(dir, 'chatty-worker'), join(dir, 'chatty-process')], undefined, ['--config', config]);
    try {
      for (let i = 0; i < 3; i++) {
        for (const isolation of ['worker', 'process']) {
          const r = (await client.callTool({ name: `chatty_${isolation}`, arguments: {} }, undefined, { timeout: 15_000 })) as { isError?: boolean; content: Array<{ text?: string }> };
          expect(r.isError, JSON.stringify(r)).toBeFalsy();
          expect(r.content[0]!.text).toBe('said it');
        }
      }
      await vi.waitFor(() => expect(stderr().match(/chatty (worker|process)/g)?.length).toBe(6), { timeout: 5_000, interval: 50 });
    } finally {
      await client.close();
    }
  });
});

describe.runIf(process.platform === 'linux')('plugin processes end with the host', () => {
  it('a host killed with SIGKILL leaves no plugin process behind (each exits when its IPC channel closes)', async () => {
    const dir = join(scratch, 'orphans');
    mkdirSync(dir);
    createHealthy(dir);
    const config = join(scratch, 'orphans.json');
    writeFileSync(config, JSON.stringify({ plugins: { paths: [dir], isolation: 'process', watch: false } }));
    const host = await startTestHost({ plugins: [], args: ['--config', config], timeoutMs: 30_000 });
    const hostPid = host.process.pid!;
    // The serving process and, a moment after it was taken, a spare.
    await vi.waitFor(() => expect(childrenOf(hostPid).length).toBeGreaterThanOrEqual(2), WAIT);
    const children = childrenOf(hostPid);
    host.process.kill('SIGKILL');
    await host.stop();
    await vi.waitFor(() => expect(children.filter(alive)).toEqual([]), WAIT);
  });

  it('a host stopped with SIGTERM exits promptly, its spare process does not keep it', async () => {
    const hostPid = main.host.process.pid!;
    const children = childrenOf(hostPid);
    expect(children.length).toBeGreaterThanOrEqual(10);
    const started = performance.now();
    await main.client.close().catch(() => undefined);
    await main.host.stop();
    expect(performance.now() - started).toBeLessThan(15_000);
    await vi.waitFor(() => expect(children.filter(alive)).toEqual([]), WAIT);
  });
});

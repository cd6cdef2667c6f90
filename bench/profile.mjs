#!/usr/bin/env node
// Profiles mcp-host's modern tools/call path: starts the host with `node --cpu-prof`, loads it with
// the scenario-1 request, stops it (the profiles are written at exit, one per thread), and prints
// the top self-time functions of each profile.
//
//   node bench/profile.mjs [--dir /tmp/prof] [--duration <s>] [--isolation worker|in-process] [--top <n>]
//   node bench/profile.mjs --summarize <file.cpuprofile> [--top <n>]
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_DIR, startHost, stopServer } from './lib/children.mjs';
import { loadOptions, measure } from './lib/load.mjs';
import { expectToolText, modernToolCall } from './lib/mcp.mjs';
import { pluginDir } from './lib/paths.mjs';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: '/tmp/prof' },
    duration: { type: 'string', default: '10' },
    isolation: { type: 'string' },
    top: { type: 'string', default: '25' },
    summarize: { type: 'string' },
  },
});
const top = Number(values.top);

const location = (callFrame) => {
  const { url, lineNumber } = callFrame;
  if (!url) return '';
  const path = url.startsWith('file://') ? relative(REPO_DIR, new URL(url).pathname) : url;
  return `${path.replace(/.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, 'npm:')}:${lineNumber + 1}`;
};
/** Frames whose presence marks a sample as serving a request (the measured window lies between the first and last such sample). */
const SERVING = /^(post|postModern|handleRequest|handleModernRequest)@.*core\/dist\/(transport|protocol)\/|@.*workerMain\.js/;
const META = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/**
 * Self and inclusive time per function (ms) from a .cpuprofile, over the window in which requests
 * were served (start-up and shutdown left out). Percentages are of the busy (non-idle) time.
 */
export function summarize(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (n) => `${n.callFrame.functionName || '(anonymous)'}\t${location(n.callFrame)}`;
  const stackOf = (id) => {
    const keys = [];
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) keys.push(byId.get(cur));
    return keys;
  };
  const serving = profile.samples.map((id) => stackOf(id).some((n) => SERVING.test(`${n.callFrame.functionName}@${n.callFrame.url}`)));
  let first = serving.indexOf(true);
  let last = serving.lastIndexOf(true);
  if (first < 0) (first = 0), (last = profile.samples.length - 1);
  const self = new Map();
  const inclusive = new Map();
  let total = 0;
  for (let i = first; i <= last; i++) {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    const stack = stackOf(profile.samples[i]);
    const leaf = keyOf(stack[0]);
    self.set(leaf, (self.get(leaf) ?? 0) + dt);
    for (const k of new Set(stack.map(keyOf))) inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
  }
  const idle = self.get('(idle)\t') ?? 0;
  const busy = total - idle;
  const pct = (ms) => `${((100 * ms) / busy).toFixed(1).padStart(5)}%`;
  const line = ([key, ms]) => {
    const [fn, where] = key.split('\t');
    return `${ms.toFixed(0).padStart(7)} ms ${pct(ms)}  ${fn}${where ? `  (${where})` : ''}`;
  };
  console.log(`\n${file}\n  window ${(total / 1000).toFixed(1)} s, busy ${(busy / 1000).toFixed(1)} s (${((100 * busy) / total).toFixed(0)}%); percentages are of busy time`);
  console.log(`  top self time:`);
  for (const e of [...self.entries()].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${line(e)}`);
  console.log(`  top inclusive time in core (mcp-host's own functions, callees included):`);
  const core = [...inclusive.entries()].filter(([k]) => k.includes('core/dist/')).sort((a, b) => b[1] - a[1]);
  for (const e of core.slice(0, top)) console.log(`  ${line(e)}`);
  const byScript = new Map();
  for (const [key, ms] of self) {
    const [fn, where] = key.split('\t');
    if (fn === '(idle)') continue;
    const script = where ? where.replace(/:\d+$/, '') : META.has(fn) ? fn : `native ${fn}`;
    byScript.set(script, (byScript.get(script) ?? 0) + ms);
  }
  console.log('  self time by script:');
  for (const e of [...byScript.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${line(e)}`);
}

if (values.summarize) {
  summarize(values.summarize);
} else {
  rmSync(values.dir, { recursive: true, force: true });
  mkdirSync(values.dir, { recursive: true });
  Object.assign(loadOptions, { durationS: Number(values.duration), warmupS: 1 });
  const config = values.isolation ? { plugins: { isolation: values.isolation } } : {};
  const host = await startHost('mcp-host (profiled)', [pluginDir('bench-tools')], { config, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${values.dir}`] });
  const request = modernToolCall('echo', { text: 'hello' });
  try {
    await expectToolText(host.url, request, 'hello', 'mcp-host');
    const m = await measure(host.url, request);
    console.log(`modern tools/call echo under --cpu-prof: ${m.rps} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms, ${m.errors} errors`);
  } finally {
    await stopServer(host);
  }
  const files = readdirSync(values.dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no .cpuprofile in ${values.dir} (the host must exit normally to write it)`);
  for (const f of files) summarize(join(values.dir, f));
}

#!/usr/bin/env node
// `pnpm bench`: mcp-host against the official MCP SDK servers and raw fastify, in one run on this
// machine with one load generator. Prints one table, the ratios with PASS/FAIL per target, and
// optionally writes it all as JSON. Exits 0 unless a scenario crashed.
//
//   node bench/run.mjs [--quick] [--only <scenario>[,<scenario>…]] [--json <file>]
//                      [--connections <n>] [--duration <s>] [--isolation worker|process|in-process]
//                      [--baseline <checkout>]
//
// Build first (`pnpm bench` does): the host runs from core/dist.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { hostDefaults, scratchDir, stopAll } from './lib/children.mjs';
import { loadOptions } from './lib/load.mjs';
import { formatTable, formatTargets, noteRow } from './lib/report.mjs';
import * as modernCall from './scenarios/1-modern-call.mjs';
import * as legacyCall from './scenarios/2-legacy-call.mjs';
import * as toolsList from './scenarios/3-tools-list.mjs';
import * as idleSessions from './scenarios/4-idle-sessions.mjs';
import * as worker from './scenarios/5-worker.mjs';
import * as republish from './scenarios/6-republish.mjs';
import * as hardening from './scenarios/7-hardening.mjs';
import * as telemetry from './scenarios/8-telemetry.mjs';
import * as stdioStart from './scenarios/9-stdio-start.mjs';
import * as cluster from './scenarios/10-cluster.mjs';
import * as context from './scenarios/11-context.mjs';

const SCENARIOS = [modernCall, legacyCall, toolsList, idleSessions, worker, republish, hardening, telemetry, stdioStart, cluster, context];
/** The whole run is bounded: past this the bench stops its servers and exits 1. */
const HARD_LIMIT_MS = 20 * 60_000;

const USAGE = `usage: node bench/run.mjs [--quick] [--only <scenario>[,…]] [--json <file>] [--connections <n>] [--duration <s>] [--isolation worker|process|in-process] [--baseline <checkout>]
  --quick        2 s per measurement (2 slices) after a 0.5 s warmup, 1,000 idle sessions only (a smoke run, < 90 s)
  --isolation    plugins.isolation for every mcp-host start but scenario 5's (default: the host's own default)
  --baseline     a built checkout of mcp-host (another commit) that scenarios 7 and 8 measure beside this build
scenarios 10 (cluster) and 11 (context) need the machine's Redis at 127.0.0.1:6379; they delete every key they made
scenarios (by name or number): ${SCENARIOS.map((s, i) => `${i + 1} ${s.id}`).join(', ')}
`;

function parse() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      json: { type: 'string' },
      connections: { type: 'string' },
      duration: { type: 'string' },
      isolation: { type: 'string' },
      baseline: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  let selected = SCENARIOS;
  if (values.only) {
    const wanted = values.only.split(',').map((s) => s.trim());
    selected = SCENARIOS.filter((s, i) => wanted.includes(s.id) || wanted.includes(String(i + 1)));
    const unknown = wanted.filter((w) => !SCENARIOS.some((s, i) => s.id === w || String(i + 1) === w));
    if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}\n${USAGE}`);
  }
  const int = (v, name) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  if (values.isolation !== undefined && !['worker', 'process', 'in-process'].includes(values.isolation)) throw new Error('--isolation must be worker, process or in-process');
  return {
    isolation: values.isolation,
    baseline: values.baseline,
    quick: values.quick,
    selected,
    json: values.json,
    connections: values.connections ? int(values.connections, 'connections') : 50,
    duration: values.duration ? int(values.duration, 'duration') : values.quick ? 2 : 10,
  };
}

async function main() {
  let opts;
  try {
    opts = parse();
  } catch (e) {
    process.stderr.write(`bench: ${e.message}\n`);
    process.exit(2);
  }
  Object.assign(loadOptions, { connections: opts.connections, durationS: opts.duration, warmupS: opts.quick ? 0.5 : 3, rounds: opts.quick ? 2 : 10 });
  if (opts.isolation) hostDefaults.plugins.isolation = opts.isolation;
  const hardLimit = setTimeout(() => {
    process.stderr.write(`bench: still running after ${HARD_LIMIT_MS / 60_000} min, giving up\n`);
    void stopAll().finally(() => process.exit(1));
  }, HARD_LIMIT_MS).unref();

  const tmpDir = scratchDir();
  const cpus = os.cpus();
  const machine = `${cpus.length} x ${cpus[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const isolation = opts.isolation ?? 'host default';
  process.stdout.write(`mcp-host bench: ${opts.connections} connections, ${opts.duration} s per server and scenario (${loadOptions.rounds} interleaved slices) after a ${loadOptions.warmupS} s warmup; mcp-host plugin isolation: ${isolation}\n`);
  process.stdout.write(`machine: ${machine}; load average at start ${load()} (other work on the machine skews results)\n`);

  const rows = [];
  const targets = [];
  const crashed = [];
  const started = Date.now();
  try {
    for (const [i, scenario] of opts.selected.entries()) {
      const t0 = Date.now();
      process.stdout.write(`[${i + 1}/${opts.selected.length}] ${scenario.id} …`);
      try {
        const r = await scenario.run({ tmpDir, quick: opts.quick, baseline: opts.baseline });
        for (const row of r.rows) row.loadAverage1m = Number(os.loadavg()[0].toFixed(2));
        rows.push(...r.rows);
        targets.push(...r.targets);
        process.stdout.write(` ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
      } catch (e) {
        process.stdout.write(' CRASHED\n');
        process.stderr.write(`bench: scenario ${scenario.id} crashed: ${e?.stack ?? e}\n`);
        crashed.push({ scenario: scenario.id, error: String(e?.message ?? e) });
        rows.push(noteRow(scenario.id, '-', `CRASHED: ${String(e?.message ?? e).split('\n')[0]}`));
        await stopAll();
      }
    }
  } finally {
    clearTimeout(hardLimit);
    await stopAll();
  }

  process.stdout.write(`\n${formatTable(rows)}\n\nRatios and targets (same run):\n${formatTargets(targets)}\n`);
  process.stdout.write(`\n${targets.filter((t) => t.pass).length}/${targets.length} targets met; ${((Date.now() - started) / 1000).toFixed(0)} s; load average at end ${load()}\n`);
  if (opts.json) {
    const options = { connections: opts.connections, durationS: opts.duration, warmupS: loadOptions.warmupS, rounds: loadOptions.rounds, quick: opts.quick, isolation };
    const report = { date: new Date().toISOString(), machine, loadAverageAtEnd: os.loadavg(), options, rows, targets, crashed };
    writeFileSync(opts.json, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`written to ${opts.json}\n`);
  }
  process.exitCode = crashed.length > 0 ? 1 : 0;
}

main().catch(async (e) => {
  process.stderr.write(`bench: ${e?.stack ?? e}\n`);
  await stopAll();
  process.exit(1);
});

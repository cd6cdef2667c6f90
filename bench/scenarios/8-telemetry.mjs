// 8. What watching costs: the scenario-1 call (modern tools/call echo) on mcp-host without telemetry,
// with Prometheus metrics on (an admin listener configured), and with metrics and tracing on (sampler
// always-on: every request gets a server span and its children, ended and handed to the span
// processor; no exporter endpoint, so nothing leaves the process), in one interleaved run. With
// `--baseline <checkout>`, a build from before telemetry existed runs beside them: this build with
// telemetry off against it is the cost of the instrumentation that is there when nothing is watched.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startHost } from '../lib/children.mjs';
import { compare, pairedRatio } from '../lib/load.mjs';
import { expectToolText, modernToolCall } from '../lib/mcp.mjs';
import { pluginDir } from '../lib/paths.mjs';
import { loadRow, target } from '../lib/report.mjs';

export const id = 'telemetry';
const NAME = '8 telemetry: modern tools/call echo';

// Port 0: each host's admin listener on a free loopback port (the bench never scrapes it; prom-client records either way).
const METRICS = { admin: { port: 0 } };
const TRACED = { admin: { port: 0 }, telemetry: { tracing: { enabled: true, sampleRatio: 1 } } };

export async function run({ baseline }) {
  const request = modernToolCall('echo', { text: 'hello' });
  const prepare = (what) => async (url) => ({ request, check: () => expectToolText(url, request, 'hello', what) });
  const plugins = [pluginDir('bench-tools')];
  const entries = [
    { key: 'off', start: () => startHost('mcp-host', plugins), prepare: prepare('mcp-host') },
    { key: 'metrics', start: () => startHost('mcp-host (metrics)', plugins, { config: METRICS }), prepare: prepare('mcp-host (metrics)') },
    { key: 'traced', start: () => startHost('mcp-host (metrics + tracing)', plugins, { config: TRACED }), prepare: prepare('mcp-host (metrics + tracing)') },
  ];
  const bin = baseline && join(baseline, 'core/bin/mcp-host.js');
  if (bin) {
    if (!existsSync(bin)) throw new Error(`--baseline ${baseline}: no core/bin/mcp-host.js there (a built checkout of mcp-host is needed)`);
    entries.push({ key: 'baseline', start: () => startHost('mcp-host (baseline)', plugins, { bin }), prepare: prepare('mcp-host (baseline)') });
  }
  const r = await compare(entries);
  const metrics = pairedRatio(r.metrics.m, r.off.m);
  const traced = pairedRatio(r.traced.m, r.off.m);
  const rows = [
    loadRow(NAME, 'mcp-host, telemetry off', r.off.m),
    loadRow(NAME, 'mcp-host, metrics on', r.metrics.m, `metrics/off ${metrics.toFixed(2)}`),
    loadRow(NAME, 'mcp-host, metrics + tracing (always-on)', r.traced.m, `traced/off ${traced.toFixed(2)}`),
  ];
  // Targets as issue 14 sets them: metrics cost at most 5%; tracing's cost when off at most 2%.
  const targets = [target('metrics cost: metrics on / off throughput', metrics, { min: 0.95 })];
  if (r.baseline) {
    const off = pairedRatio(r.off.m, r.baseline.m);
    rows.push(loadRow(NAME, `mcp-host baseline (${baseline})`, r.baseline.m, `telemetry off / baseline ${off.toFixed(2)}`));
    targets.push(target('instrumentation cost with telemetry off: this build / baseline throughput', off, { min: 0.98 }));
  }
  return { rows, targets };
}

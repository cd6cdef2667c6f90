// 5. Plugin isolation: modern tools/call echo against mcp-host with `plugins.isolation: in-process`,
// `worker` (a worker thread per plugin generation) and `process` (a child process per generation,
// the same messages over its IPC channel). The three hosts are measured round by round over the
// same slices, so the ratios are paired. A host whose config has no `plugins.isolation` (no worker
// runtime) refuses to start with it: the row then reads "n/a (no worker runtime yet)".
import { startHost } from '../lib/children.mjs';
import { compare, pairedRatio } from '../lib/load.mjs';
import { expectToolText, modernToolCall } from '../lib/mcp.mjs';
import { pluginDir } from '../lib/paths.mjs';
import { loadRow, noteRow, target } from '../lib/report.mjs';

export const id = 'worker';
const NAME = '5 modern tools/call echo, plugin isolation';

export async function run() {
  const request = modernToolCall('echo', { text: 'hello' });
  const prepare = async (url) => ({ request, check: () => expectToolText(url, request, 'hello', 'mcp-host') });
  const entry = (isolation) => ({ key: isolation, start: () => startHost(`mcp-host (${isolation})`, [pluginDir('bench-tools')], { config: { plugins: { isolation } } }), prepare });
  let results;
  try {
    results = await compare([entry('in-process'), entry('worker'), entry('process')]);
  } catch (e) {
    if (!/isolation/.test(String(e?.message))) throw e;
    return { rows: [noteRow(NAME, 'mcp-host', 'n/a (no worker runtime yet)')], targets: [] };
  }
  const inProcess = results['in-process'].m;
  const worker = results.worker.m;
  const child = results.process.m;
  return {
    rows: [
      loadRow(NAME, 'mcp-host, in-process', inProcess),
      loadRow(NAME, 'mcp-host, worker', worker, `worker/in-process ${pairedRatio(worker, inProcess).toFixed(2)}`),
      loadRow(NAME, 'mcp-host, process', child, `process/in-process ${pairedRatio(child, inProcess).toFixed(2)}, process/worker ${pairedRatio(child, worker).toFixed(2)}`),
    ],
    targets: [
      // "Worker isolation costs <= 15% of throughput against in-process."
      target('worker isolation: worker / in-process throughput', pairedRatio(worker, inProcess), { min: 0.85 }),
      // Reported, not a gate: a process pays a socket and a second event loop per crossing, for a hard memory cap.
      target('process isolation: process / in-process throughput (reported; target: worker / in-process)', pairedRatio(child, inProcess), { min: 0 }),
    ],
  };
}

// 8. What the metrics cost: modern tools/call echo on one build with metrics on (an admin listener
// on a free port, `telemetry.metrics` on: every request observed) against the same host with them
// off, in one paired run. Issue 14 asks for at most 5% (on / off >= 0.95).
import { startHost } from '../lib/children.mjs';
import { compare, pairedRatio } from '../lib/load.mjs';
import { expectToolText, modernToolCall } from '../lib/mcp.mjs';
import { pluginDir } from '../lib/paths.mjs';
import { loadRow, target } from '../lib/report.mjs';

export const id = 'metrics';
const NAME = '8 modern tools/call, metrics';

export async function run() {
  const request = modernToolCall('echo', { text: 'hello' });
  const prepare = (what) => async (url) => ({ request, check: () => expectToolText(url, request, 'hello', what) });
  const r = await compare([
    { key: 'off', start: () => startHost('mcp-host (metrics off)', [pluginDir('bench-tools')]), prepare: prepare('metrics off') },
    {
      key: 'metrics',
      start: () => startHost('mcp-host (metrics on)', [pluginDir('bench-tools')], { config: { admin: { port: 0 }, telemetry: { metrics: { enabled: true } } } }),
      prepare: prepare('metrics on'),
    },
  ]);
  const ratio = pairedRatio(r.metrics.m, r.off.m);
  return {
    rows: [loadRow(NAME, 'mcp-host, metrics off', r.off.m), loadRow(NAME, 'mcp-host, metrics on', r.metrics.m, `${((1 - ratio) * 100).toFixed(1)}% cost`)],
    targets: [target('modern tools/call: metrics on / off', ratio, { min: 0.95 })],
  };
}

// 7. What the hardening costs and what it buys: the scenario-1 call on mcp-host as it is, on
// mcp-host with the README's security configuration (a bearer token on every request, masking by
// four patterns and two fields, quotas), and — with `--baseline <checkout>` — on another build of
// mcp-host (e.g. the commit before the hardening), plain and secured, in the same interleaved run,
// so the cost of the checks on the hot path is a paired ratio. Then masking throughput on 1 MB inputs built to defeat
// regular expressions (bench/masking.mjs).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startHost } from '../lib/children.mjs';
import { compare, pairedRatio } from '../lib/load.mjs';
import { expectToolText, modernToolCall } from '../lib/mcp.mjs';
import { pluginDir } from '../lib/paths.mjs';
import { loadRow, noteRow, target } from '../lib/report.mjs';

export const id = 'hardening';
const NAME = '7 hardening: modern tools/call echo';
const TOKEN = 'bench-token-0123456789abcdef';

const SECURED = {
  auth: { serviceTokens: [{ name: 'bench', sha256: createHash('sha256').update(TOKEN).digest('hex'), scopes: [] }] },
  masking: { fields: ['password', 'ssn'], patterns: ['email', 'card', 'bearer', 'apiKey'] },
  // One audit line per call is a log write per call: measured apart from the checks.
  audit: { enabled: false },
};

export async function run({ baseline }) {
  const request = modernToolCall('echo', { text: 'hello' });
  const authed = { ...request, headers: { ...request.headers, authorization: `Bearer ${TOKEN}` } };
  const prepare = (req, what) => async (url) => ({ request: req, check: () => expectToolText(url, req, 'hello', what) });
  const entries = [
    { key: 'host', start: () => startHost('mcp-host', [pluginDir('bench-tools')]), prepare: prepare(request, 'mcp-host') },
    { key: 'secured', start: () => startHost('mcp-host (secured)', [pluginDir('bench-tools')], { config: SECURED }), prepare: prepare(authed, 'mcp-host (secured)') },
  ];
  const bin = baseline && join(baseline, 'core/bin/mcp-host.js');
  if (bin) {
    if (!existsSync(bin)) throw new Error(`--baseline ${baseline}: no core/bin/mcp-host.js there (a built checkout of mcp-host is needed)`);
    entries.push({ key: 'baseline', start: () => startHost('mcp-host (baseline)', [pluginDir('bench-tools')], { bin }), prepare: prepare(request, 'mcp-host (baseline)') });
    entries.push({ key: 'baselineSecured', start: () => startHost('mcp-host (baseline, secured)', [pluginDir('bench-tools')], { bin, config: SECURED }), prepare: prepare(authed, 'mcp-host (baseline, secured)') });
  }
  const r = await compare(entries);
  const rows = [
    loadRow(NAME, 'mcp-host', r.host.m),
    loadRow(NAME, 'mcp-host, README security config', r.secured.m, `secured/plain ${pairedRatio(r.secured.m, r.host.m).toFixed(2)}`),
  ];
  const targets = [target('security config (token, masking, quotas): secured / plain throughput', pairedRatio(r.secured.m, r.host.m), { min: 0.8 })];
  if (r.baseline) {
    const ratio = pairedRatio(r.host.m, r.baseline.m);
    rows.push(loadRow(NAME, `mcp-host baseline (${baseline})`, r.baseline.m, `this build / baseline ${ratio.toFixed(2)}`));
    targets.push(target('hardening cost: this build / baseline throughput', ratio, { min: 0.95 }));
    const secured = pairedRatio(r.secured.m, r.baselineSecured.m);
    rows.push(loadRow(NAME, `mcp-host baseline, README security config`, r.baselineSecured.m, `this build / baseline, both secured ${secured.toFixed(2)}`));
    targets.push(target('hardening cost with the security config: this build / baseline, both secured', secured, { min: 0.9 }));
  }

  const masking = await import('../masking.mjs').catch(() => undefined);
  if (masking?.run) {
    const m = await masking.run({ quiet: true });
    for (const row of m.rows) rows.push(noteRow('7 masking 1 MB (all four patterns + fields)', row.input, `${row.ms.toFixed(1)} ms, ${row.mbPerSec.toFixed(0)} MB/s`));
    targets.push(target('masking 1 MB of adversarial text: slowest input (ms)', m.worstMs, { max: 100 }));
  }
  return { rows, targets };
}

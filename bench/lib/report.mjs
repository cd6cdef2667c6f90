// Rows, ratios and targets: what every scenario returns, and how run.mjs prints them.

/** A throughput row; the note shows the spread of the slices' req/s (how steady the machine was). */
export function loadRow(scenario, server, m, note = '') {
  const spread = m.slices?.length > 1 ? `slices ${Math.min(...m.slices).toLocaleString('en-US')}-${Math.max(...m.slices).toLocaleString('en-US')} req/s` : '';
  return { scenario, server, rps: m.rps, meanRps: m.meanRps, p50: m.p50, p99: m.p99, errors: m.errors, note: [note, spread].filter(Boolean).join('; '), slices: m.slices };
}
/** A row whose result is not throughput (memory, latency of a broadcast, n/a). */
export const noteRow = (scenario, server, note, extra = {}) => ({ scenario, server, rps: null, p50: null, p99: null, errors: null, note, ...extra });

/** A ratio `a / b` with its target: `min` is the lowest passing value (or `max` the highest). */
export function target(name, value, { min, max }) {
  const pass = Number.isFinite(value) && (min !== undefined ? value >= min : value <= max);
  return { name, value, min, max, pass };
}

const fmt = (v, digits = 0) => (v === null || v === undefined ? '' : typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : String(v));

export function formatTable(rows) {
  const header = ['scenario', 'server', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'other'];
  const body = rows.map((r) => [r.scenario, r.server, fmt(r.rps), fmt(r.p50, 1), fmt(r.p99, 1), fmt(r.errors), r.note ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const numeric = new Set([2, 3, 4, 5]);
  const line = (cells) => cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function formatTargets(targets) {
  return targets
    .map((t) => {
      const bound = t.min !== undefined ? `>= ${t.min}` : `<= ${t.max}`;
      const value = Number.isFinite(t.value) ? t.value.toFixed(2) : 'n/a';
      return `${t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${value} (target ${bound})`;
    })
    .join('\n');
}

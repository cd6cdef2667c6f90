import type { Registry } from 'prom-client';

/** The call-duration histogram of the MCP semantic conventions, as the telemetry layer names it in Prometheus. */
export const CALL_DURATION_METRIC = 'mcp_server_operation_duration_seconds';

/** One plugin version's calls: totals since start, the rate over the recent window, latency estimates. */
export interface PluginCallStats {
  readonly plugin: string;
  readonly version: string;
  readonly calls: number;
  readonly errors: number;
  /** Calls per second over `windowSeconds` (0 until two samples exist). */
  readonly ratePerSecond: number;
  readonly meanMs: number | null;
  /** Estimated from the histogram's buckets (linear within a bucket, as Prometheus' histogram_quantile). */
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
}

interface Totals {
  count: number;
  sum: number;
  errors: number;
  buckets: Map<number, number>;
}

const WINDOW_MS = 60_000;

/**
 * Per-plugin call rates and latencies computed from the same Prometheus registry /metrics serves:
 * the histogram is read by name, so the admin view needs nothing from whoever records it, and shows
 * nothing while it is absent (metrics off). Rates come from successive reads: each read keeps a
 * sample, and the rate is the count's growth since the oldest sample of the last minute.
 */
export class CallStats {
  private readonly samples: Array<{ at: number; counts: Map<string, number> }> = [];

  constructor(private readonly registry: Registry | undefined) {}

  async read(now = Date.now()): Promise<{ metric: string; present: boolean; windowSeconds: number; plugins: PluginCallStats[] }> {
    const metric = this.registry?.getSingleMetric(CALL_DURATION_METRIC);
    if (!metric) return { metric: CALL_DURATION_METRIC, present: false, windowSeconds: 0, plugins: [] };
    const { values } = await metric.get();
    const totals = new Map<string, Totals>();
    for (const v of values) {
      const labels = v.labels as Record<string, string | number | undefined>;
      const key = `${labels.plugin ?? ''}@${labels.plugin_version ?? ''}`;
      // Calls that reached no plugin (initialize, lists) have no plugin label: not a plugin's stat.
      if (!labels.plugin) continue;
      let t = totals.get(key);
      if (!t) totals.set(key, (t = { count: 0, sum: 0, errors: 0, buckets: new Map() }));
      const name = (v as { metricName?: string }).metricName ?? '';
      if (name.endsWith('_count')) {
        t.count += v.value;
        if (labels.error_type) t.errors += v.value;
      } else if (name.endsWith('_sum')) t.sum += v.value;
      else if (name.endsWith('_bucket')) {
        const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
        t.buckets.set(le, (t.buckets.get(le) ?? 0) + v.value);
      }
    }
    const counts = new Map([...totals].map(([k, t]) => [k, t.count]));
    while (this.samples.length > 0 && now - this.samples[0]!.at > WINDOW_MS) this.samples.shift();
    const oldest = this.samples[0];
    this.samples.push({ at: now, counts });
    // Bounded: one sample per read, and reads older than the window are dropped above.
    if (this.samples.length > 600) this.samples.splice(0, this.samples.length - 600);
    const seconds = oldest ? (now - oldest.at) / 1000 : 0;
    const plugins = [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([key, t]): PluginCallStats => {
      const at = key.lastIndexOf('@');
      const before = oldest?.counts.get(key) ?? 0;
      return {
        plugin: key.slice(0, at),
        version: key.slice(at + 1),
        calls: t.count,
        errors: t.errors,
        ratePerSecond: seconds > 0 ? round((t.count - before) / seconds) : 0,
        meanMs: t.count > 0 ? round((t.sum / t.count) * 1000) : null,
        p50Ms: quantileMs(t, 0.5),
        p95Ms: quantileMs(t, 0.95),
      };
    });
    return { metric: CALL_DURATION_METRIC, present: true, windowSeconds: round(seconds), plugins };
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

/** The q-quantile of a cumulative histogram, in ms: linear within the bucket it falls in. */
function quantileMs(t: Totals, q: number): number | null {
  if (t.count === 0) return null;
  const bounds = [...t.buckets.keys()].sort((a, b) => a - b);
  const rank = q * t.count;
  let prevBound = 0;
  let prevCount = 0;
  for (const le of bounds) {
    const c = t.buckets.get(le)!;
    if (c >= rank) {
      // In the +Inf bucket there is no upper bound: the highest finite bound is the best estimate.
      if (le === Infinity) return round(prevBound * 1000);
      const inBucket = c - prevCount;
      const fraction = inBucket > 0 ? (rank - prevCount) / inBucket : 1;
      return round((prevBound + (le - prevBound) * fraction) * 1000);
    }
    prevBound = le;
    prevCount = c;
  }
  return null;
}

import type { Registry } from 'prom-client';

/** The buckets the OpenTelemetry MCP conventions recommend for durations in seconds. */
export const SECONDS_BUCKETS: readonly number[] = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

/** One labelled series of a histogram: observing is a bucket search and three additions, nothing allocated. */
export class HistogramSeries {
  /** Per bucket (and +Inf last), not cumulative: made cumulative at scrape time. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    private readonly bounds: readonly number[],
    readonly labels: Readonly<Record<string, string>>,
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(seconds: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && seconds > b[i]!) i++;
    this.counts[i]!++;
    this.sum += seconds;
    this.count++;
  }
}

interface PromValue {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  readonly metricName: string;
}

/**
 * A Prometheus histogram for the hot path. prom-client's own `observe` builds a string of every
 * label on each call (over a microsecond with ten labels); here a series is looked up once per label
 * tuple (callers keep it) and observing allocates nothing. It registers in a prom-client Registry
 * as a duck-typed metric (`name`, `get()`, `reset()`), so /metrics renders it like any other.
 */
export class SeriesHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly all = new Map<string, HistogramSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  /** The series of these label values (in `labelNames` order); the same object for equal values. Call off the hot path and keep it. */
  series(values: readonly string[]): HistogramSeries {
    const key = values.join('\u0000');
    let s = this.all.get(key);
    if (!s) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((n, i) => (labels[n] = values[i] ?? ''));
      this.all.set(key, (s = new HistogramSeries(this.bounds, labels)));
    }
    return s;
  }

  /** How many series exist (each is bucket-count + 3 lines on /metrics). */
  get size(): number {
    return this.all.size;
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: PromValue[] } {
    const values: PromValue[] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.all.values()) {
      if (s.count === 0) continue;
      let acc = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        acc += s.counts[i]!;
        values.push({ labels: { ...s.labels, le: this.bounds[i]! }, value: acc, metricName: bucket });
      }
      values.push({ labels: { ...s.labels, le: '+Inf' }, value: s.count, metricName: bucket });
      values.push({ labels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.all.clear();
  }
}

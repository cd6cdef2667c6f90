import type { StatsAnswer } from '../types';

const ms = (v: number | null) => (v === null ? '—' : `${v} ms`);

/** Per-plugin call rates and latencies, from the host's Prometheus histogram of call durations. */
export function StatsPanel({ data, error }: { data?: StatsAnswer; error?: string }) {
  return (
    <section class="card" data-testid="stats">
      <h2>
        Calls <span class="muted">{data?.present ? `rate over the last ${data.windowSeconds} s` : ''}</span>
      </h2>
      {error && <p class="error">{error}</p>}
      {data && !data.present && <p class="muted">No call metrics yet: the host does not record {data.metric} (telemetry.metrics is off, or no call has been measured).</p>}
      {data?.present && (
        <table>
          <thead>
            <tr>
              <th>plugin</th>
              <th>calls</th>
              <th>errors</th>
              <th>calls/s</th>
              <th>mean</th>
              <th>p50</th>
              <th>p95</th>
            </tr>
          </thead>
          <tbody>
            {data.plugins.map((p) => (
              <tr data-testid={`stats-${p.plugin}`} key={`${p.plugin}@${p.version}`}>
                <td>
                  {p.plugin}@{p.version}
                </td>
                <td>{p.calls}</td>
                <td>{p.errors}</td>
                <td>{p.ratePerSecond}</td>
                <td>{ms(p.meanMs)}</td>
                <td>{ms(p.p50Ms)}</td>
                <td>{ms(p.p95Ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/**
 * A real Prometheus server for end-to-end tests: the `prometheus` binary (Debian package
 * `prometheus`; `.ci/run` installs it where missing) on a free 127.0.0.1 port, with its storage in a
 * temp folder and one scrape job on the given targets every second. Nothing else is reached: the
 * config names only the targets, and no remote write, alerting or service discovery is set.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

/** One sample of an instant query's vector. */
export interface PromSample {
  readonly metric: Record<string, string>;
  readonly value: number;
}

export interface PrometheusServer {
  /** e.g. http://127.0.0.1:40123 */
  readonly url: string;
  readonly process: ChildProcess;
  /** Prometheus' own log (stderr), for failure messages. */
  readonly log: () => string;
  /** An instant query through the HTTP API (`/api/v1/query`); the vector's samples. */
  query(promql: string): Promise<PromSample[]>;
  /** Polls `query` until `accept` passes on its samples, or fails after `timeoutMs` with the last samples and the log. */
  until(promql: string, accept: (samples: PromSample[]) => boolean, timeoutMs?: number): Promise<PromSample[]>;
  /** Stops Prometheus (SIGTERM, SIGKILL after 5 s) and removes its storage. */
  stop(): Promise<void>;
}

/** A port free on 127.0.0.1 right now (the OS picks it; Prometheus cannot be told to pick its own). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts Prometheus scraping `targets` (host:port) at `metricsPath` every second; resolves once it is ready. */
export async function startPrometheus(targets: string[], options: { metricsPath?: string; readyTimeoutMs?: number } = {}): Promise<PrometheusServer> {
  if (!existsSync(PROMETHEUS_BIN)) throw new Error(`Prometheus not found at ${PROMETHEUS_BIN}: install the Debian package "prometheus" (apt-get install prometheus) or set PROMETHEUS_BIN`);
  const dir = mkdtempSync(join(tmpdir(), 'mcp-host-prometheus-'));
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1s',
    'scrape_configs:',
    '  - job_name: mcp-host',
    '    scrape_interval: 1s',
    '    scrape_timeout: 1s',
    `    metrics_path: ${options.metricsPath ?? '/metrics'}`,
    '    static_configs:',
    `      - targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]`,
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(PROMETHEUS_BIN, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const query = async (promql: string): Promise<PromSample[]> => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`, { signal: AbortSignal.timeout(5_000) });
    const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
    if (body.status !== 'success') throw new Error(`query ${promql} failed: ${body.error}`);
    return (body.data?.result ?? []).map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  };

  const until = async (promql: string, accept: (samples: PromSample[]) => boolean, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    let last: PromSample[] = [];
    for (;;) {
      last = await query(promql);
      if (accept(last)) return last;
      if (Date.now() > deadline) throw new Error(`Prometheus: ${promql} did not reach the expected value within ${timeoutMs} ms; last: ${JSON.stringify(last)}\n${log}`);
      await sleep(250);
    }
  };

  // Ready: the TSDB is open and the API answers (a second or two).
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`Prometheus exited with ${child.exitCode} before it was ready:\n${log}`);
    }
    try {
      if ((await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) })).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Prometheus was not ready within ${options.readyTimeoutMs ?? 30_000} ms:\n${log}`);
    }
    await sleep(200);
  }
  return { url, process: child, log: () => log, query, until, stop };
}

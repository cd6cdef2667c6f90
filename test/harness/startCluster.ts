/**
 * Replicas behind a real load balancer, as issue 15 deploys them: N host processes (the real
 * `mcp-host` command, through startTestHost) sharing one Redis, behind HAProxy (`/usr/sbin/haproxy`,
 * Debian package `haproxy`; `.ci/run` installs it where missing) balancing every request round robin
 * with no stickiness. HAProxy runs examples/cluster/haproxy.cfg itself, so the tests check the
 * config users are given. Everything listens on 127.0.0.1; every wait is bounded; `stop()` takes it
 * all down and deletes the cluster's Redis keys.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './prometheus.js';
import { REPO_ROOT, pluginPath, startTestHost, type TestHost } from './startTestHost.js';

export const HAPROXY_BIN = process.env.HAPROXY_BIN ?? '/usr/sbin/haproxy';
export const REDIS_URL = process.env.MCP_HOST_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const HAPROXY_CFG = join(REPO_ROOT, 'examples/cluster/haproxy.cfg');

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface StartClusterOptions {
  /** How many replicas (default 3), named r1…rN. */
  readonly replicas?: number;
  /** Plugin folders every replica serves (default: the conformance plugin). */
  readonly plugins?: string[];
  /** Merged into the replicas' shared config file, section by section (e.g. `{ cluster: { leaseMs: 2000 } }`). */
  readonly config?: Record<string, unknown>;
  /** Extra CLI arguments of every replica. */
  readonly args?: string[];
  readonly env?: Record<string, string>;
  /** Bound on each replica's start and on HAProxy seeing them all up (default 60 s). */
  readonly timeoutMs?: number;
}

/** HAProxy's view of one replica (`/stats;csv`): `UP`, `DOWN`, `UP 1/2` (going down)… and requests sent to it. */
export interface ServerState {
  readonly status: string;
  readonly requests: number;
}

export interface TestCluster {
  /** The MCP endpoint through HAProxy, e.g. http://127.0.0.1:41234/mcp */
  readonly url: string;
  /** HAProxy's statistics page (append `;csv` for CSV). */
  readonly statsUrl: string;
  /** This cluster's `cluster.keyPrefix` (unique per cluster; its keys are deleted by `stop()`). */
  readonly keyPrefix: string;
  /** The shared `protocol.requestStateSecret`. */
  readonly requestStateSecret: string;
  /** Replica i (`r${i + 1}`); `start(i)` replaces its entry. Each has `url` and `adminUrl`. */
  readonly replicas: TestHost[];
  /** Every line HAProxy logged so far (one per request, with the replica that served it). */
  readonly haproxyLog: () => string;
  /** SIGKILLs replica i (no drain: a crash) and waits for it to exit. */
  kill(i: number): Promise<void>;
  /** Starts replica i again, same id and ports, and waits until HAProxy sees it up. */
  start(i: number): Promise<TestHost>;
  /** HAProxy's view of each replica, by id (r1…). */
  serverStates(): Promise<Record<string, ServerState>>;
  /** Polls `serverStates()` until `accept` passes; fails after `timeoutMs` with the last states. */
  waitForServers(accept: (states: Record<string, ServerState>) => boolean, timeoutMs?: number): Promise<Record<string, ServerState>>;
  /** Stops HAProxy and every replica (SIGTERM, drain) and deletes the cluster's keys from Redis. */
  stop(): Promise<void>;
}

/** Distinct free ports on 127.0.0.1 (the OS may hand the same one out twice in a row). */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** The shipped haproxy.cfg with each backend's r1 `server` line repeated for each replica (its r2, r3… lines dropped). */
function haproxyConfigFor(replicas: number): string {
  const lines = readFileSync(HAPROXY_CFG, 'utf8').split('\n');
  if (!lines.some((l) => /^\s*server r1 /.test(l))) throw new Error(`${HAPROXY_CFG} has no "server r1" line`);
  return lines
    .flatMap((line) => {
      if (/^\s*server r1 /.test(line)) return Array.from({ length: replicas }, (_, i) => line.replaceAll('r1', `r${i + 1}`).replaceAll('R1_', `R${i + 1}_`));
      return /^\s*server r\d+ /.test(line) ? [] : [line];
    })
    .join('\n');
}

/** The keys under `prefix`, deleted (SCAN + DEL, never KEYS: the machine's Redis is shared). */
export async function deleteRedisKeys(prefix: string, redisUrl = REDIS_URL): Promise<number> {
  const { stdout } = await run('redis-cli', ['-u', redisUrl, '--scan', '--pattern', `${prefix}*`]);
  const keys = stdout.split('\n').filter(Boolean);
  for (let i = 0; i < keys.length; i += 500) await run('redis-cli', ['-u', redisUrl, 'DEL', ...keys.slice(i, i + 500)]);
  return keys.length;
}

async function assertRedisAnswers(redisUrl: string): Promise<void> {
  const answer = await run('redis-cli', ['-u', redisUrl, 'PING'], { timeout: 5000 }).then(
    (r) => r.stdout.trim(),
    (err: Error) => err.message,
  );
  if (answer !== 'PONG') {
    throw new Error(`Redis at ${redisUrl} does not answer (${answer}); start it: redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no`);
  }
}

function parseStatsCsv(csv: string): Record<string, ServerState> {
  const [header, ...rows] = csv.replace(/^# /, '').trim().split('\n');
  const column = header.split(',');
  const [px, sv, st, tot] = ['pxname', 'svname', 'status', 'stot'].map((c) => column.indexOf(c));
  const states: Record<string, ServerState> = {};
  for (const row of rows.map((r) => r.split(','))) {
    if (row[px] === 'replicas' && !['FRONTEND', 'BACKEND'].includes(row[sv])) states[row[sv]] = { status: row[st], requests: Number(row[tot]) };
  }
  return states;
}

/** Starts `replicas` hosts sharing Redis and one requestStateSecret, then HAProxy in front; resolves once HAProxy sees every replica up. */
export async function startCluster(options: StartClusterOptions = {}): Promise<TestCluster> {
  const count = options.replicas ?? 3;
  // Generous: several suites start replicas at once on a 2-core machine.
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (!existsSync(HAPROXY_BIN)) throw new Error(`HAProxy not found at ${HAPROXY_BIN}: install the Debian package "haproxy" (apt-get install haproxy) or set HAPROXY_BIN`);
  await assertRedisAnswers(REDIS_URL);

  const keyPrefix = `mcp-host-test-${randomBytes(6).toString('hex')}:`;
  const requestStateSecret = randomBytes(24).toString('base64url');
  const dir = mkdtempSync(join(tmpdir(), 'mcp-host-cluster-'));
  const extra = options.config ?? {};
  const section = (name: string, base: Record<string, unknown>) => ({ ...base, ...(extra[name] as Record<string, unknown> | undefined) });
  // The same config on every replica but for its id; the ports come from the command line.
  const configFileOf = (i: number) => {
    const file = join(dir, `r${i + 1}.json`);
    const config = {
      ...extra,
      cluster: section('cluster', { redisUrl: REDIS_URL, keyPrefix, replicaId: `r${i + 1}` }),
      protocol: section('protocol', { requestStateSecret }),
    };
    writeFileSync(file, JSON.stringify(config, null, 2));
    return file;
  };

  const [lbPort, statsPort, ...replicaPorts] = await freePorts(2 + 2 * count);
  const ports = Array.from({ length: count }, (_, i) => ({ port: replicaPorts[2 * i], adminPort: replicaPorts[2 * i + 1] }));
  const startReplica = (i: number) =>
    startTestHost({
      plugins: options.plugins ?? [pluginPath('conformance')],
      args: ['--config', configFileOf(i), '--port', String(ports[i].port), '--admin-port', String(ports[i].adminPort), ...(options.args ?? [])],
      env: options.env,
      timeoutMs,
    });

  const replicas: TestHost[] = [];
  let haproxy: ChildProcess | undefined;
  let haproxyLog = '';
  const stop = async () => {
    if (haproxy && haproxy.exitCode === null && haproxy.signalCode === null) {
      const exited = new Promise((r) => haproxy!.once('exit', r));
      haproxy.kill('SIGTERM');
      await Promise.race([exited, sleep(5000).then(() => haproxy!.kill('SIGKILL'))]);
    }
    await Promise.all(replicas.map((r) => r.stop()));
    await deleteRedisKeys(keyPrefix);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    // Settled, not raced: a replica that fails to start must not leave the others running unseen by stop().
    const started = await Promise.allSettled(ports.map((_, i) => startReplica(i).then((host) => (replicas[i] = host))));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;

    const cfgFile = join(dir, 'haproxy.cfg');
    writeFileSync(cfgFile, haproxyConfigFor(count));
    const env: Record<string, string> = { ...(process.env as Record<string, string>), MCP_LB_HOST: '127.0.0.1', MCP_LB_PORT: String(lbPort), MCP_LB_STATS_PORT: String(statsPort) };
    ports.forEach((p, i) => Object.assign(env, { [`MCP_R${i + 1}_PORT`]: String(p.port), [`MCP_R${i + 1}_ADMIN_PORT`]: String(p.adminPort) }));
    haproxy = spawn(HAPROXY_BIN, ['-f', cfgFile, '-db'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    haproxy.stdout!.on('data', (d) => (haproxyLog += d));
    haproxy.stderr!.on('data', (d) => (haproxyLog += d));
    haproxy.once('exit', (code, signal) => (haproxyLog += `\n[haproxy exited: ${code ?? signal}]\n`));

    const statsUrl = `http://127.0.0.1:${statsPort}/stats`;
    const serverStates = async () => parseStatsCsv(await (await fetch(`${statsUrl};csv`, { signal: AbortSignal.timeout(2000) })).text());
    const waitForServers = async (accept: (s: Record<string, ServerState>) => boolean, waitMs = timeoutMs) => {
      const deadline = Date.now() + waitMs;
      let last: Record<string, ServerState> | string = 'no answer yet';
      for (;;) {
        if (haproxy!.exitCode !== null) throw new Error(`HAProxy exited:\n${haproxyLog}`);
        try {
          last = await serverStates();
          if (accept(last)) return last;
        } catch (err) {
          last = String(err);
        }
        if (Date.now() > deadline) throw new Error(`HAProxy's servers did not reach the expected state within ${waitMs} ms; last: ${JSON.stringify(last)}\n${haproxyLog.slice(-4000)}`);
        await sleep(100);
      }
    };
    const allUp = (s: Record<string, ServerState>) => ports.every((_, i) => s[`r${i + 1}`]?.status === 'UP');
    await waitForServers(allUp);

    return {
      url: `http://127.0.0.1:${lbPort}/mcp`,
      statsUrl,
      keyPrefix,
      requestStateSecret,
      replicas,
      haproxyLog: () => haproxyLog,
      serverStates,
      waitForServers,
      async kill(i) {
        const child = replicas[i].process;
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      },
      async start(i) {
        replicas[i] = await startReplica(i);
        await waitForServers((s) => s[`r${i + 1}`]?.status === 'UP');
        return replicas[i];
      },
      stop,
    };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}

/**
 * Requests each replica served, from its own /metrics: the sum of the
 * `mcp_server_operation_duration_seconds_count` series carrying `labels` (e.g.
 * `{ mcp_method_name: 'tools/list', era: 'modern' }`); `undefined` for a replica that does not answer.
 */
export function operationCounts(cluster: TestCluster, labels: Record<string, string>): Promise<Array<number | undefined>> {
  return Promise.all(
    cluster.replicas.map(async (replica) => {
      const text = await fetch(`${replica.adminUrl}/metrics`, { signal: AbortSignal.timeout(2000) }).then((r) => r.text(), () => undefined);
      if (text === undefined) return undefined;
      const series = text.split('\n').filter((l) => l.startsWith('mcp_server_operation_duration_seconds_count{') && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
      return series.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    }),
  );
}

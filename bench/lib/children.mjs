// Server child processes: spawned on 127.0.0.1 with port 0, each announcing itself with a JSON log
// line holding "listening on" and `url` on stderr (the mcp-host CLI's own start-up line; the other
// bench servers print the same shape). Every child is registered and killed at the end, on errors,
// on SIGINT/SIGTERM and on exit.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const HOST_BIN = fileURLToPath(new URL('../../core/bin/mcp-host.js', import.meta.url));
const GC_PRELOAD = new URL('./gc-on-signal.mjs', import.meta.url).href;

const START_TIMEOUT_MS = 20_000;
const KILL_GRACE_MS = 3_000;
const live = new Set();

/**
 * Starts `node [nodeArgs] script [args]` and resolves once it listens.
 * `gc: true` preloads a SIGUSR2 handler that runs a full GC (for RSS measurements).
 */
export async function startServer(name, script, args = [], { nodeArgs = [], gc = false } = {}) {
  const argv = [...(gc ? ['--expose-gc', '--import', GC_PRELOAD] : []), ...nodeArgs, script, ...args];
  const child = spawn(process.execPath, argv, { cwd: REPO_DIR, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } });
  const server = { name, child, pid: child.pid, url: undefined, stderrTail: [], gcWaiters: [], exited: false };
  live.add(server);
  child.on('exit', () => {
    server.exited = true;
    live.delete(server);
  });
  let buffered = '';
  const onLine = (line) => {
    if (line.startsWith('bench-gc ')) {
      const waiter = server.gcWaiters.shift();
      waiter?.(JSON.parse(line.slice('bench-gc '.length)));
      return;
    }
    server.stderrTail.push(line);
    if (server.stderrTail.length > 20) server.stderrTail.shift();
    if (server.url === undefined && line.includes('listening on')) {
      try {
        server.url = JSON.parse(line).url;
      } catch {
        /* not JSON: keep waiting */
      }
      if (server.url) server.onListening?.();
    }
  };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    buffered += chunk;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      onLine(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
    }
  });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${name} did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const fail = (err) => {
      clearTimeout(timer);
      reject(new Error(`${err.message}\n  last stderr of ${name}:\n  ${server.stderrTail.join('\n  ')}`));
    };
    server.onListening = () => (clearTimeout(timer), resolve());
    child.once('exit', (code, signal) => fail(new Error(`${name} exited (${signal ?? code}) before listening`)));
    child.once('error', fail);
  }).catch(async (e) => {
    await stopServer(server);
    throw e;
  });
  return server;
}

/** Runs a full GC in a child started with `gc: true`; resolves with its process.memoryUsage(). */
export function settle(server) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${server.name} did not answer the GC signal`)), 10_000);
    server.gcWaiters.push((usage) => (clearTimeout(timer), resolve(usage)));
    server.child.kill('SIGUSR2');
  });
}

/**
 * Stops one child: SIGTERM, then SIGKILL after a grace period. Stopping one already being stopped
 * waits for that stop (a second SIGTERM would make the host exit without its graceful shutdown).
 */
export async function stopServer(server) {
  if (!server || server.exited) return;
  server.stopping ??= (async () => {
    const gone = new Promise((resolve) => server.child.once('exit', resolve));
    server.child.kill('SIGTERM');
    const timer = setTimeout(() => server.child.kill('SIGKILL'), KILL_GRACE_MS);
    await gone;
    clearTimeout(timer);
  })();
  await server.stopping;
}

const cleanups = new Set();
/**
 * Runs `fn` at the next stopAll (the end of the run, a crash, SIGINT/SIGTERM, the hard limit) once
 * every child has stopped: for what the children leave outside themselves (e.g. Redis keys).
 * Returns its removal, for a scenario that cleaned up itself.
 */
export function atStopAll(fn) {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

export async function stopAll() {
  await Promise.all([...live].map(stopServer));
  const pending = [...cleanups];
  cleanups.clear();
  await Promise.allSettled(pending.map((fn) => fn()));
}

/** Last resort on exit: synchronous SIGKILL of whatever is still running. */
function killAllNow() {
  for (const s of live) {
    try {
      s.child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
process.on('exit', killAllNow);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, () => {
    process.stderr.write(`\nbench: ${sig}, stopping servers\n`);
    void stopAll().finally(() => process.exit(130));
  });
}

/** VmRSS of a process in KB (Linux /proc). */
export async function rssKb(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(m[1]);
}

/** Config every host start gets (run.mjs sets `plugins.isolation` from --isolation). */
export const hostDefaults = { plugins: {} };
let configCount = 0;
let scratch;
/** The run's scratch folder (config files, canned responses), removed at exit whatever happens. */
export function scratchDir() {
  scratch ??= mkdtempSync(join(tmpdir(), 'mcp-host-bench-'));
  return scratch;
}
process.on('exit', () => scratch && rmSync(scratch, { recursive: true, force: true }));

/**
 * `node core/bin/mcp-host.js --port 0 --no-watch --log-level info --plugins <dir>… --config <file>`:
 * the file holds `config` over `hostDefaults`. (Info, not warn: the "listening on" line is info.)
 * `bin` runs another build's CLI instead (a baseline checkout, to compare builds in one run).
 */
export function startHost(name, pluginDirs, { config = {}, bin = HOST_BIN, ...options } = {}) {
  const file = join(scratchDir(), `host-${++configCount}.json`);
  const merged = { ...hostDefaults, ...config, plugins: { ...hostDefaults.plugins, ...config.plugins } };
  writeFileSync(file, JSON.stringify(merged));
  const flags = ['--port', '0', '--no-watch', '--log-level', 'info', '--config', file, ...pluginDirs.flatMap((d) => ['--plugins', d])];
  return startServer(name, bin, flags, options);
}

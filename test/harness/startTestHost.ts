import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The real `mcp-host` command, as users run it. */
export const HOST_BIN = fileURLToPath(new URL('../../core/bin/mcp-host.js', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const pluginPath = (name: string) => fileURLToPath(new URL(`../../plugins/${name}`, import.meta.url));
export const fixturePath = (name: string) => fileURLToPath(new URL(`../fixtures/plugins/${name}`, import.meta.url));

/** How long `stop()` lets a host drain before killing it (longer than any drain the suites configure). */
const STOP_GRACE_MS = 15_000;

export interface TestHost {
  /** The MCP endpoint, e.g. http://127.0.0.1:41234/mcp */
  readonly url: string;
  /** The admin listener's base URL (http://127.0.0.1:port), when the host was started with one (`--admin-port 0`). */
  readonly adminUrl: string | undefined;
  readonly process: ChildProcess;
  /** Every log line the host wrote to stderr so far (pino JSON, parsed where possible). */
  readonly logs: Array<Record<string, unknown>>;
  stop(): Promise<number | null>;
}

export interface StartTestHostOptions {
  /** Values for --plugins (default: the conformance plugin). */
  readonly plugins?: string[];
  /** Extra CLI arguments. */
  readonly args?: string[];
  readonly env?: Record<string, string>;
  readonly timeoutMs?: number;
}

/**
 * Starts a real host process on a free loopback port with the given plugins and resolves once it
 * listens. Tests talk to it with real MCP clients; `stop()` sends SIGTERM and waits for exit.
 */
export function startTestHost(options: StartTestHostOptions = {}): Promise<TestHost> {
  const plugins = options.plugins ?? [pluginPath('conformance')];
  const args = [HOST_BIN, '--port', '0', '--log-level', 'debug', ...plugins.flatMap((p) => ['--plugins', p]), ...(options.args ?? [])];
  const child = spawn(process.execPath, args, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Array<Record<string, unknown>> = [];
  let buffered = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`host did not start within ${options.timeoutMs ?? 20_000} ms; logs:\n${logs.map((l) => JSON.stringify(l)).join('\n')}`));
    }, options.timeoutMs ?? 20_000);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line);
        } catch {
          entry = { msg: line };
        }
        logs.push(entry);
        if (typeof entry.url === 'string' && String(entry.msg).includes('listening on')) {
          clearTimeout(timer);
          resolve({
            url: entry.url,
            adminUrl: typeof entry.adminUrl === 'string' ? entry.adminUrl : undefined,
            process: child,
            logs,
            stop: async () => {
              if (child.exitCode === null && child.signalCode === null) {
                child.kill('SIGTERM');
                // A host that does not drain and exit in time is killed: a test run never leaves a host behind.
                const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
                void exited.then(() => clearTimeout(killer));
              }
              return exited;
            },
          });
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited with ${code} before listening; logs:\n${logs.map((l) => JSON.stringify(l)).join('\n')}`));
    });
  });
}

/** Runs the CLI to completion (for start-up failures): exit code, stdout and stderr. */
export function runHostCli(args: string[], env: Record<string, string> = {}, timeoutMs = 20_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [HOST_BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => child.once('exit', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr }))));
}

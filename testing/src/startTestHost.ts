import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as LegacyHttpTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Client as ModernClient, StreamableHTTPClientTransport as ModernHttpTransport } from '@modelcontextprotocol/client';

/** The protocol version of the modern (stateless, 2026-07-28) era. */
export const MODERN_PROTOCOL_VERSION = '2026-07-28';

/** The `mcp-host` command of the @mcp-host/core this kit depends on: the host authors' plugins run in. */
// Found from core's entry (dist/index.js): its exports map does not expose package.json.
export const HOST_BIN = join(dirname(createRequire(import.meta.url).resolve('@mcp-host/core')), '../bin/mcp-host.js');

export interface TestHost {
  /** The MCP endpoint, e.g. http://127.0.0.1:41234/mcp */
  readonly url: string;
  /** An official SDK 1.x client on a legacy (2025-11-25, session) connection. */
  readonly legacy: LegacyClient;
  /** An official SDK 2.x client pinned to the modern era (2026-07-28, stateless). */
  readonly modern: ModernClient;
  /** Every log line the host wrote so far (pino JSON, parsed; other lines as `{ msg }`). */
  readonly logs: Array<Record<string, unknown>>;
  readonly process: ChildProcess;
  /** Resolves with the first log line (from now or already written) that `match` accepts. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Closes the clients, stops the host (SIGTERM, then SIGKILL after 10 s) and resolves with its exit code. */
  stop(): Promise<number | null>;
}

export interface StartTestHostOptions {
  /** Plugin folders (or folders of plugin folders) to serve: `--plugins` for each. */
  readonly plugins: readonly string[];
  /**
   * Run the host as `mcp-host dev`: TypeScript plugins are compiled (swc) before the first load and
   * on every save, then reloaded; test what an edit does to a running host.
   */
  readonly dev?: boolean;
  /** More CLI arguments, e.g. `['--config', 'host.yaml']` or `['--no-watch']`. */
  readonly args?: readonly string[];
  readonly env?: Record<string, string>;
  /** How long the host may take to listen (default 20 s). */
  readonly timeoutMs?: number;
}

/**
 * Starts a real `mcp-host` process on a free loopback port serving the given plugins, and connects
 * one client of each protocol era to it. Test what a client sees — tools/list, calls, errors,
 * list_changed — with the real host in front of your plugin; call `stop()` in `afterAll`.
 */
export async function startTestHost(options: StartTestHostOptions): Promise<TestHost> {
  const args = [HOST_BIN, ...(options.dev ? ['dev'] : []), '--port', '0', '--log-level', 'debug', ...options.plugins.flatMap((p) => ['--plugins', resolve(p)]), ...(options.args ?? [])];
  const child = spawn(process.execPath, args, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Array<Record<string, unknown>> = [];
  const waiters = new Set<{ match: (l: Record<string, unknown>) => boolean; found: (l: Record<string, unknown>) => void }>();
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  let buffered = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    buffered += chunk;
    for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
      const text = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text);
      } catch {
        line = { msg: text };
      }
      logs.push(line);
      for (const w of waiters) if (w.match(line)) (waiters.delete(w), w.found(line));
    }
  });
  const dump = () => logs.map((l) => JSON.stringify(l)).join('\n');
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      // A host that does not exit in time is killed: a test run never leaves a host behind.
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      void exited.then(() => clearTimeout(killer));
    }
    return exited;
  };
  const waitForLog = (match: (l: Record<string, unknown>) => boolean, timeoutMs = 10_000) => {
    const seen = logs.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise<Record<string, unknown>>((found, fail) => {
      const waiter = { match, found: (l: Record<string, unknown>) => (clearTimeout(timer), found(l)) };
      const timer = setTimeout(() => (waiters.delete(waiter), fail(new Error(`no matching host log line within ${timeoutMs} ms; logs:\n${dump()}`))), timeoutMs);
      waiters.add(waiter);
    });
  };

  const listening = await Promise.race([
    waitForLog((l) => typeof l.url === 'string' && String(l.msg).includes('listening on'), options.timeoutMs ?? 20_000),
    exited.then((code) => Promise.reject(new Error(`host exited with ${code} before listening; logs:\n${dump()}`))),
  ]).catch(async (e) => {
    await kill();
    throw e;
  });
  const url = listening.url as string;

  const legacy = new LegacyClient({ name: 'mcp-host-testing', version: '1.0.0' }, { capabilities: { elicitation: {}, sampling: {}, roots: {} } });
  const modern = new ModernClient(
    { name: 'mcp-host-testing-modern', version: '1.0.0' },
    { capabilities: { elicitation: {}, sampling: {}, roots: {} }, versionNegotiation: { mode: { pin: MODERN_PROTOCOL_VERSION } } },
  );
  try {
    await legacy.connect(new LegacyHttpTransport(new URL(url)));
    await modern.connect(new ModernHttpTransport(new URL(url)));
  } catch (e) {
    await kill();
    throw e;
  }
  return {
    url,
    legacy,
    modern,
    logs,
    process: child,
    waitForLog,
    stop: async () => {
      await Promise.allSettled([legacy.close(), modern.close()]);
      return kill();
    },
  };
}

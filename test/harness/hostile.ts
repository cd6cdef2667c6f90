/**
 * Helpers of the hostile-client suites: a host configured as the README's Security section
 * describes it (service tokens, masking, audit, quotas, limits) serving the leaky fixture, raw
 * POSTs as an attacker sends them, and the checks that follow every attack (the host is up, a good
 * client is answered promptly, nothing personal leaked).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expect } from 'vitest';
import { sha256Hex, writeConfig } from './auth.js';
import { connectHttpClient } from './clients.js';
import { modernHeaders, parseSse, type JsonRpcBody } from './modernClients.js';
import { HOST_BIN, startTestHost, type TestHost } from './startTestHost.js';

export const LEAKY = fileURLToPath(new URL('../fixtures/hostile/leaky-fixture', import.meta.url));
/** What the leaky fixture leaks; none of it may reach a client or a log line. */
export const EMAIL = 'victim.person@example.com';
export const CARD = '4111 1111 1111 1111';
export const TOKENS = { alice: 'alice-token-0123456789abcdef', mallory: 'mallory-token-0123456789abcdef', bob: 'bob-token-0123456789abcdef' } as const;
export type Who = keyof typeof TOKENS;
export const bearer = (who: Who) => ({ authorization: `Bearer ${TOKENS[who]}` });

export interface HostileHost {
  readonly host: TestHost;
  readonly url: string;
  /** alice: the good client whose service every attack must leave intact. */
  readonly alice: Client;
  close(): Promise<void>;
}

/** A host with three service-token principals, masking of emails and cards, audit with arguments, and the given server/plugins settings. */
export async function startHostileHost(server: Record<string, unknown> = {}, plugins: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<HostileHost> {
  const config = writeConfig({
    server,
    auth: { serviceTokens: (Object.keys(TOKENS) as Who[]).map((name) => ({ name, sha256: sha256Hex(TOKENS[name]), scopes: ['notes:read'] })) },
    masking: { fields: ['password'], patterns: ['email', 'card'] },
    audit: { logArguments: true },
    plugins,
    ...extra,
  });
  const host = await startTestHost({ plugins: [LEAKY], args: ['--config', config.file], timeoutMs: 30_000 });
  const { client: alice } = await connectHttpClient(host.url, undefined, bearer('alice'));
  return {
    host,
    url: host.url,
    alice,
    async close() {
      await alice.close().catch(() => undefined);
      await host.stop();
      config.remove();
    },
  };
}

export interface Raw {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The JSON-RPC response (the JSON body, or the SSE event with the id). */
  readonly response: JsonRpcBody | undefined;
  readonly events: JsonRpcBody[];
}

/** POSTs `body` (a value, or raw text) as `who`; modern headers unless `session` is given (then a legacy request on it). */
export async function post(url: string, who: Who, body: unknown, options: { session?: string; timeoutMs?: number; headers?: Record<string, string> } = {}): Promise<Raw> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = options.session
    ? { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': options.session, 'mcp-protocol-version': '2025-11-25' }
    : modernHeaders(typeof body === 'string' ? undefined : body);
  const res = await fetch(url, { method: 'POST', headers: { ...headers, ...bearer(who), ...options.headers }, body: text, signal: AbortSignal.timeout(options.timeoutMs ?? 15_000) });
  const raw = await res.text();
  const sse = (res.headers.get('content-type') ?? '').includes('text/event-stream');
  let events: JsonRpcBody[] = [];
  try {
    events = sse ? parseSse(raw) : raw ? [JSON.parse(raw)] : [];
  } catch {
    events = [];
  }
  return { status: res.status, headers: res.headers, text: raw, events, response: events.find((e) => 'id' in e && ('result' in e || 'error' in e)) };
}

/** Opens a legacy session for `who` with a raw initialize; returns its id. */
export async function openSession(url: string, who: Who): Promise<{ status: number; id: string | null; response: JsonRpcBody | undefined }> {
  const init = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'hostile', version: '1' } } };
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...bearer(who) }, body: JSON.stringify(init), signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  const id = res.headers.get('mcp-session-id');
  if (id) {
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25', ...bearer(who) }, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
  }
  const events = (res.headers.get('content-type') ?? '').includes('text/event-stream') ? parseSse(text) : text ? [JSON.parse(text)] : [];
  return { status: res.status, id, response: events[0] };
}

/** JSON text nested `depth` levels: `{"a":{"a":…"leaf"}}` (as text: JSON.stringify itself recurses, and overflows the test's stack). */
export function deepJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}"leaf"${'}'.repeat(depth)}`;
}

/** A request body as text, with `slot` (a quoted placeholder in `template`) replaced by raw JSON text. */
export function withRaw(template: unknown, slot: string, json: string): string {
  return JSON.stringify(template).replace(JSON.stringify(slot), json);
}

/**
 * After every attack: the host process is alive, the good client is answered within `withinMs`,
 * and (when given) nothing personal is in what the attacker received nor in any host log line.
 */
export async function expectServing(h: HostileHost, seen: string[] = [], withinMs = 3_000): Promise<void> {
  expect(h.host.process.exitCode, 'the host process must be alive').toBeNull();
  expect(h.host.process.signalCode).toBeNull();
  const started = performance.now();
  const pong = await h.alice.callTool({ name: 'ping', arguments: {} }, undefined, { timeout: withinMs });
  expect((pong.content as Array<{ text: string }>)[0]!.text).toBe('pong');
  expect(performance.now() - started, 'the good client must be answered promptly').toBeLessThan(withinMs);
  expectNoLeak([...seen, ...h.host.logs.map((l) => JSON.stringify(l))]);
}

/** None of the fixture's personal data (in any spelling a client or log would carry) is in `texts`. */
export function expectNoLeak(texts: string[]): void {
  const all = texts.join('\n');
  for (const secret of [EMAIL, CARD, CARD.replace(/ /g, ''), EMAIL.replace('@', '\\u0040')]) {
    const at = all.indexOf(secret);
    expect(at, `leaked ${secret}: …${all.slice(Math.max(0, at - 200), at + 100)}…`).toBe(-1);
  }
}

export interface StdioHost {
  readonly child: ChildProcess;
  /** Every line the host wrote to stdout, parsed. */
  readonly answers: Array<Record<string, any>>;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  send(line: string): void;
  /** Resolves with the first answer matching `pred` (undefined after `timeoutMs`). */
  answer(pred: (a: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any> | undefined>;
  kill(): void;
}

/** `mcp-host --stdio` serving the leaky fixture, killed after 30 s whatever happens. */
export function spawnStdioHost(): StdioHost {
  const child = spawn(process.execPath, [HOST_BIN, '--stdio', '--log-level', 'warn', '--plugins', LEAKY], { stdio: ['pipe', 'pipe', 'inherit'] });
  const answers: Array<Record<string, any>> = [];
  createInterface({ input: child.stdout! }).on('line', (l) => answers.push(JSON.parse(l)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  void exited.then(() => clearTimeout(timer));
  return {
    child,
    answers,
    exited,
    send: (line) => void child.stdin!.write(`${line}\n`),
    async answer(pred, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const hit = answers.find(pred);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 20));
      }
      return undefined;
    },
    kill: () => void child.kill('SIGKILL'),
  };
}

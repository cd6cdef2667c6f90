/**
 * Helpers of the plugin fault suites (plugin-faults, plugin-process): fixture plugins written as
 * plain ESM packages into a scratch folder, and calls, log checks and restart checks against a host
 * serving them to an official SDK 1.x client.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expect, vi } from 'vitest';
import type { TestHost } from './startTestHost.js';

// ---- fixture plugins ----------------------------------------------------------------------------

export const str = (s: string) => JSON.stringify(s);

export interface ToolSpec {
  readonly name: string;
  /** The body of the async handler `async (args, ctx) => { … }`. */
  readonly body: string;
  readonly inputSchema?: Record<string, unknown>;
}

/** Which thread and process serve a plugin (a restart means a new thread id or a new process id). */
export interface PingAnswer {
  ok: boolean;
  isMainThread: boolean;
  threadId: number;
  pid: number;
}

/** A tool every isolated plugin gets: answers a PingAnswer. */
export const pingTool = (name: string): ToolSpec => ({
  name,
  body: `const wt = await import('node:worker_threads'); return { ok: true, isMainThread: wt.isMainThread, threadId: wt.threadId, pid: process.pid };`,
});

/**
 * The source of a plain ESM plugin entry ('@mcp-host/sdk' is supplied by the host; no node_modules).
 * `prelude` runs at import; `more` is inserted among the definition's fields (resources, prompts, setup).
 */
export function pluginSource(tools: ToolSpec[], options: { prelude?: string; classes?: string; imports?: string; more?: string } = {}): string {
  return [
    `// written by a plugin fault suite`,
    `import { definePlugin${options.imports ? `, ${options.imports}` : ''} } from '@mcp-host/sdk';`,
    options.prelude ?? '',
    `export default definePlugin({`,
    options.classes ? `  classes: [${options.classes}],` : '',
    options.more ?? '',
    `  tools: [`,
    ...tools.map(
      (t) =>
        `    { name: ${str(t.name)}, description: ${str(`the ${t.name} tool`)},${t.inputSchema ? ` inputSchema: ${JSON.stringify(t.inputSchema)},` : ''} handler: async (args, ctx) => {\n${t.body}\n    } },`,
    ),
    `  ],`,
    `});`,
  ].join('\n');
}

/** Writes a plugin package (package.json + index.js) into `parent/id`, and returns its folder. */
export function createPlugin(parent: string, id: string, source: string): string {
  const dir = join(parent, id);
  mkdirSync(dir, { recursive: true });
  const manifest = { name: `@plugin-faults-e2e/${id}`, version: '1.0.0', private: true, type: 'module', main: 'index.js', engines: { 'mcp-host': '^1.0.0' }, mcpHost: { id } };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'index.js'), source);
  return dir;
}

/** The plugin every fault host serves beside the faulty ones: it must keep answering. */
export function createHealthy(plugins: string, id = 'healthy'): void {
  createPlugin(plugins, id, pluginSource([{ name: 'healthy_echo', inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] }, body: 'return `healthy: ${args.text}`;' }]));
}

// ---- calls and checks ---------------------------------------------------------------------------

/** Every wait is bounded: a restart is a 0.5 s backoff plus a worker or process start. */
export const WAIT = { timeout: 15_000, interval: 100 } as const;
export const CALL = { timeout: 15_000 } as const;
export const ERROR = 50;

export interface ToolResult {
  isError?: boolean;
  content?: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
}

export const textOf = (r: ToolResult) => r.content?.[0]?.text ?? '';

/** A running host and its SDK 1.x client. */
export interface Served {
  host: TestHost;
  client: Client;
}

/** The log line of a plugin worker or process that died. */
const DIED = /^plugin (worker|process) died/;

/**
 * Calls and checks against one served host. `on` may be filled in later (in a beforeAll): the
 * helpers read it when they run.
 */
export function servedHelpers(on: Served) {
  async function call(name: string, args: Record<string, unknown> = {}): Promise<ToolResult> {
    return (await on.client.callTool({ name, arguments: args }, undefined, CALL)) as ToolResult;
  }

  async function callText(name: string, args: Record<string, unknown> = {}): Promise<string> {
    const r = await call(name, args);
    expect(r.isError, `${name}: ${JSON.stringify(r)}`).toBeFalsy();
    return textOf(r);
  }

  async function ping(name: string): Promise<PingAnswer> {
    return JSON.parse(await callText(name));
  }

  /** The host process is still up and its healthy plugin answers. */
  async function expectHostHealthy(): Promise<void> {
    expect({ exitCode: on.host.process.exitCode, signal: on.host.process.signalCode }, 'the host process must be running').toEqual({ exitCode: null, signal: null });
    expect(await callText('healthy_echo', { text: 'still here' })).toBe('healthy: still here');
  }

  const diedLogs = (plugin: string) => on.host.logs.filter((l) => DIED.test(String(l.msg)) && l.plugin === plugin);
  const restartLogs = (plugin: string) => on.host.logs.filter((l) => String(l.msg).includes('restarting crashed plugin') && l.plugin === plugin);
  const replacedLogs = (plugin: string) => on.host.logs.filter((l) => l.plugin === plugin && l.outcome === 'replaced');

  /**
   * Waits until the plugin's worker or process died (logged with its id and a reason matching
   * `reason`) for the `times`-th time, was restarted and answers `pingName` again from a new thread
   * or process than `before`.
   */
  async function expectRestarted(plugin: string, pingName: string, before: PingAnswer, reason: RegExp, times = 1): Promise<void> {
    await vi.waitFor(() => expect(diedLogs(plugin)).toHaveLength(times), WAIT);
    const died = diedLogs(plugin)[times - 1];
    expect(died, JSON.stringify(died)).toMatchObject({ level: ERROR, plugin, version: '1.0.0' });
    // Soft, so a wrong reason is reported without hiding whether the restart works.
    expect.soft(String(died!.reason), JSON.stringify(died)).toMatch(reason);
    await vi.waitFor(() => expect(restartLogs(plugin)).toHaveLength(times), WAIT);
    expect(restartLogs(plugin)[times - 1]).toMatchObject({ plugin, version: '1.0.0', attempt: times, delayMs: 500 * 2 ** (times - 1) });
    await vi.waitFor(async () => {
      const again = await ping(pingName);
      expect(again.isMainThread && again.pid === on.host.process.pid).toBe(false);
      expect(`${again.pid}/${again.threadId}`).not.toBe(`${before.pid}/${before.threadId}`);
    }, WAIT);
    // The restart is a reload that replaces the dead generation (the host logs asynchronously, so wait for the line).
    await vi.waitFor(() => expect(replacedLogs(plugin)).toHaveLength(times), WAIT);
  }

  return { call, callText, ping, expectHostHealthy, diedLogs, restartLogs, replacedLogs, expectRestarted };
}

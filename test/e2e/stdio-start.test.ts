/**
 * stdio answers at once: the host reads stdin before its plugins have loaded. `initialize`, `ping`
 * and the 2026-07-28 `server/discover` probe are answered while a slow plugin is still importing;
 * lists and calls wait for the load to end, so the first `tools/list` is the whole one. Timing is
 * measured by `pnpm bench` (scenario 9); here the order of events is asserted, against a plugin
 * whose import takes 2 s (a top-level await), with the real CLI over raw pipes. The end of the
 * load is the host's "serving on stdio" log line, written before the held requests are served.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlugin, pluginSource } from '../harness/faultPlugins.js';
import { HOST_BIN, writeConfig } from '../harness/index.js';

const SLOW_IMPORT_MS = 2_000;
const MODERN = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {}, 'io.modelcontextprotocol/clientInfo': { name: 'e2e', version: '1' } };

let dir: string;
let slow: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcp-stdio-start-'));
  slow = createPlugin(dir, 'slow-import', pluginSource([{ name: 'slow_tool', body: `return 'loaded at last';` }], { prelude: `await new Promise((r) => setTimeout(r, ${SLOW_IMPORT_MS}));` }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Spawns the host; every stdout message and stderr log line is recorded with its arrival time. */
function spawnHost(extra: string[] = [], withPlugin = true) {
  const t0 = Date.now();
  const child = spawn(process.execPath, [HOST_BIN, '--stdio', '--log-level', 'info', ...(withPlugin ? ['--plugins', slow] : []), ...extra], { stdio: ['pipe', 'pipe', 'pipe'] });
  const events: Array<{ at: number; out?: Record<string, any>; log?: Record<string, any> }> = [];
  createInterface({ input: child.stdout! }).on('line', (l) => events.push({ at: Date.now() - t0, out: JSON.parse(l) }));
  createInterface({ input: child.stderr! }).on('line', (l) => {
    try {
      events.push({ at: Date.now() - t0, log: JSON.parse(l) });
    } catch {
      events.push({ at: Date.now() - t0, log: { msg: l } });
    }
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => (clearTimeout(killer), resolve(code))));
  const send = (m: unknown) => void child.stdin!.write(`${JSON.stringify(m)}\n`);
  const waitFor = async (pred: (e: (typeof events)[number]) => boolean, timeoutMs = 15_000) => {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const i = events.findIndex(pred);
      if (i >= 0) return i;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`timed out; events: ${JSON.stringify(events)}`);
  };
  return { child, events, send, waitFor, exited };
}

describe('stdio: answers before the plugins have loaded', () => {
  it('answers initialize, ping and server/discover while a plugin imports; the first tools/list waits and is whole', async () => {
    const h = spawnHost();
    try {
      h.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } } });
      h.send({ jsonrpc: '2.0', id: 2, method: 'server/discover', params: { _meta: MODERN } });
      const init = await h.waitFor((e) => e.out?.id === 1);
      const discover = await h.waitFor((e) => e.out?.id === 2);
      h.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      h.send({ jsonrpc: '2.0', id: 3, method: 'ping' });
      h.send({ jsonrpc: '2.0', id: 4, method: 'tools/list', params: {} });
      h.send({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'slow_tool', arguments: {} } });
      const ping = await h.waitFor((e) => e.out?.id === 3);
      const list = await h.waitFor((e) => e.out?.id === 4);
      const call = await h.waitFor((e) => e.out?.id === 5);
      const loaded = await h.waitFor((e) => /serving on stdio/.test(String(e.log?.msg)));

      expect(h.events[init].out!.result.protocolVersion).toBe('2025-11-25');
      expect(h.events[discover].out!.result.supportedVersions ?? h.events[discover].out!.result).toBeDefined();
      // The handshake, the probe and a ping came before the plugin finished loading …
      expect(init).toBeLessThan(loaded);
      expect(discover).toBeLessThan(loaded);
      expect(ping).toBeLessThan(loaded);
      // … and the plugin's import still had most of its 2 s to go when initialize was answered.
      expect(h.events[loaded].at - h.events[init].at).toBeGreaterThan(SLOW_IMPORT_MS / 2);
      // The list and the call waited for it: the first tools/list is the whole one.
      expect(list).toBeGreaterThan(loaded);
      expect(h.events[list].out!.result.tools.map((t: { name: string }) => t.name)).toEqual(['slow_tool']);
      expect(h.events[call].out!.result.content[0].text).toBe('loaded at last');
      // Nothing was announced: no client saw a partial list.
      expect(h.events.some((e) => e.out?.method === 'notifications/tools/list_changed')).toBe(false);
    } finally {
      h.child.stdin!.end();
      expect(await h.exited).toBe(0);
    }
  }, 30_000);

  it('a client that hangs up while the plugins load: the host still exits cleanly', async () => {
    const h = spawnHost();
    h.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } } });
    h.send({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
    await h.waitFor((e) => e.out?.id === 1);
    h.child.stdin!.end();
    expect(await h.exited).toBe(0);
    // The list sent before the hang-up was still answered, after the load.
    expect(h.events.find((e) => e.out?.id === 2)?.out?.result.tools).toHaveLength(1);
  }, 30_000);

  it('past the bound (plugins.loadTimeoutMs) the held list is served with what is loaded, and list_changed follows the load', async () => {
    // In-process imports are not cut at plugins.loadTimeoutMs, so the load outlives the bound.
    const config = writeConfig({ plugins: { paths: [slow], loadTimeoutMs: 500, settings: { 'slow-import': { isolation: 'in-process' } } } });
    const h = spawnHost(['--config', config.file], false);
    try {
      h.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } } });
      await h.waitFor((e) => e.out?.id === 1);
      h.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      h.send({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
      const list = await h.waitFor((e) => e.out?.id === 2);
      const changed = await h.waitFor((e) => e.out?.method === 'notifications/tools/list_changed');
      const loaded = await h.waitFor((e) => /serving on stdio/.test(String(e.log?.msg)));
      expect(h.events[list].out!.result.tools).toEqual([]);
      expect(list).toBeLessThan(loaded);
      expect(h.events.some((e) => /plugins still loading/.test(String(e.log?.msg)))).toBe(true);
      h.send({ jsonrpc: '2.0', id: 3, method: 'tools/list', params: {} });
      const again = await h.waitFor((e) => e.out?.id === 3);
      expect(changed).toBeLessThan(again);
      expect(h.events[again].out!.result.tools.map((t: { name: string }) => t.name)).toEqual(['slow_tool']);
    } finally {
      h.child.stdin!.end();
      await h.exited;
      config.remove();
    }
  }, 30_000);
});

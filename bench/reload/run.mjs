#!/usr/bin/env node
// Hot-reload benchmark (issue 4's figures): from saving a plugin file to a connected client
// receiving list_changed (legacy HTTP, modern listen stream, legacy stdio); calls in a tight loop
// during reloads; host RSS over many reload cycles. Everything on 127.0.0.1, bounded, self-stopping.
//
//   node bench/reload/run.mjs [--edits 30] [--reloads 100] [--cycles 1000] [--isolation worker|in-process] [--json file]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

// The SDK 1.x client adds an abort listener per request to one long-lived signal; over thousands of calls Node warns.
import { setMaxListeners } from 'node:events';
setMaxListeners(0);

const { values: opts } = parseArgs({
  options: {
    edits: { type: 'string', default: '30' },
    reloads: { type: 'string', default: '100' },
    cycles: { type: 'string', default: '1000' },
    isolation: { type: 'string', default: 'worker' },
    json: { type: 'string' },
  },
});
const BIN = fileURLToPath(new URL('../../core/bin/mcp-host.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'mcp-host-reload-bench-'));
const pluginDir = join(root, 'plugins', 'bench-reload');
mkdirSync(pluginDir, { recursive: true });
writeFileSync(join(pluginDir, 'package.json'), JSON.stringify({ name: 'bench-reload', version: '1.0.0', type: 'module', main: 'index.js', engines: { 'mcp-host': '^1.0.0' }, mcpHost: { id: 'bench-reload' } }));
const config = join(root, 'config.yaml');
writeFileSync(config, `plugins:\n  paths: [${JSON.stringify(join(root, 'plugins'))}]\n  isolation: ${opts.isolation}\n  watchDebounceMs: 100\nlogLevel: warn\n`);

let version = 0;
const extras = [];
/**
 * Writes a new version atomically (temp file + rename, as editors do); `visible` adds a tool so the
 * list changes. Tools are only ever added: removing one would be a breaking change the host refuses.
 */
function writeVersion(visible) {
  version++;
  if (visible) extras.push(`{ name: 'extra_${version}', description: 'added in ${version}', handler: () => 'x' }`);
  const extra = extras.map((e) => `, ${e}`).join('');
  const src = `import { definePlugin } from '@mcp-host/sdk';\nexport default definePlugin({ tools: [{ name: 'version', description: 'which version serves', handler: () => '${version}' }${extra}] });\n`;
  const tmp = join(pluginDir, `.index.js.${version}.tmp`);
  writeFileSync(tmp, src);
  renameSync(tmp, join(pluginDir, 'index.js'));
}
writeVersion(true);

const children = [];
function startHost() {
  const child = spawn(process.execPath, [BIN, '--port', '0', '--config', config, '--log-level', 'info'], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('host did not start')), 30_000);
    child.stderr.on('data', (d) => {
      buf += d;
      const m = /"url":"([^"]+)"/.exec(buf);
      if (m) clearTimeout(timer), resolve({ child, url: m[1] });
    });
  });
}
const cleanup = () => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
};
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rssKb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

async function waitFor(pred, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) return false;
    await sleep(2);
  }
  return true;
}

const { child, url } = await startHost();
const results = { isolation: opts.isolation };

// 1. Latency: legacy HTTP, modern listen (raw SSE), legacy stdio — all watching the same folder.
{
  const http = new Client({ name: 'bench-legacy', version: '1' });
  let httpSeen = 0;
  http.setNotificationHandler(ToolListChangedNotificationSchema, () => void httpSeen++);
  await http.connect(new StreamableHTTPClientTransport(new URL(url)));
  const stdio = new Client({ name: 'bench-stdio', version: '1' });
  let stdioSeen = 0;
  stdio.setNotificationHandler(ToolListChangedNotificationSchema, () => void stdioSeen++);
  await stdio.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, '--stdio', '--config', config], stderr: 'ignore' }));
  let modernSeen = 0;
  const meta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };
  const listen = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'subscriptions/listen' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 'bench-listen', method: 'subscriptions/listen', params: { notifications: { toolsListChanged: true }, _meta: meta } }),
  });
  const reader = listen.body.getReader();
  void (async () => {
    const dec = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ done: true }));
      if (done) return;
      modernSeen += (dec.decode(value).match(/notifications\/tools\/list_changed/g) ?? []).length;
    }
  })();
  await sleep(1500); // the legacy GET stream and the stdio host are up
  const lat = { legacyHttp: [], modernListen: [], legacyStdio: [] };
  for (let i = 0; i < Number(opts.edits); i++) {
    const [h, m, s] = [httpSeen, modernSeen, stdioSeen];
    const t0 = performance.now();
    writeVersion(true);
    const got = await Promise.all([
      waitFor(() => httpSeen > h, 10_000).then((ok) => ok && lat.legacyHttp.push(performance.now() - t0)),
      waitFor(() => modernSeen > m, 10_000).then((ok) => ok && lat.modernListen.push(performance.now() - t0)),
      waitFor(() => stdioSeen > s, 10_000).then((ok) => ok && lat.legacyStdio.push(performance.now() - t0)),
    ]);
    if (got.includes(false)) console.error(`edit ${i}: missed list_changed (legacy HTTP, modern, stdio): ${got.map((g) => g !== false)}`);
    await sleep(1200); // a developer's save rhythm; lets the spare worker boot between saves
  }
  results.latencyMs = Object.fromEntries(Object.entries(lat).map(([k, xs]) => [k, { n: xs.length, p50: Math.round(pct(xs, 50)), p95: Math.round(pct(xs, 95)), max: Math.round(Math.max(...xs)) }]));
  await reader.cancel().catch(() => undefined);
  await http.close();
  await stdio.close();
}

// 2. Calls in a tight loop during reloads: zero failures expected, versions never go back.
{
  const client = new Client({ name: 'bench-loop', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  let calls = 0;
  let failures = 0;
  let backwards = 0;
  let last = 0;
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      try {
        const r = await client.callTool({ name: 'version', arguments: {} });
        calls++;
        const v = Number(r.content[0].text);
        if (r.isError) failures++;
        if (v < last) backwards++;
        last = Math.max(last, v);
      } catch {
        failures++;
      }
    }
  })();
  const n = Number(opts.reloads);
  for (let i = 0; i < n; i++) {
    writeVersion(false);
    await sleep(250);
  }
  await sleep(1500);
  stop = true;
  await loop;
  results.reloadLoop = { reloads: n, calls, failures, versionWentBack: backwards, lastVersionSeen: last, finalVersion: version };
  await client.close();
}

// 3. RSS over many reload cycles (each waits for its reload to be served).
{
  const client = new Client({ name: 'bench-rss', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  const served = async () => Number((await client.callTool({ name: 'version', arguments: {} })).content[0].text);
  const cycles = Number(opts.cycles);
  const warmup = Math.min(20, cycles);
  let start = 0;
  const t0 = performance.now();
  for (let i = 0; i < cycles + warmup; i++) {
    if (i === warmup) await sleep(2000), (start = rssKb(child.pid));
    writeVersion(false);
    const want = version;
    const end = Date.now() + 10_000;
    while ((await served()) !== want && Date.now() < end) await sleep(5);
  }
  await sleep(3000); // old generations drained and disposed
  const endRss = rssKb(child.pid);
  results.rss = { cycles, startMb: +(start / 1024).toFixed(1), endMb: +(endRss / 1024).toFixed(1), growthMb: +((endRss - start) / 1024).toFixed(1), seconds: +((performance.now() - t0) / 1000).toFixed(1) };
  await client.close();
}

console.log(JSON.stringify(results, null, 2));
const lat = results.latencyMs;
console.log(`\nsave → list_changed p95 (target ≤ 300 ms): legacy HTTP ${lat.legacyHttp.p95} ms, modern listen ${lat.modernListen.p95} ms, legacy stdio ${lat.legacyStdio.p95} ms`);
console.log(`tight loop during ${results.reloadLoop.reloads} reloads: ${results.reloadLoop.failures} failed of ${results.reloadLoop.calls} calls (target 0)`);
console.log(`RSS growth over ${results.rss.cycles} reload cycles: ${results.rss.growthMb} MB (target ≤ 50 MB)`);
if (opts.json) writeFileSync(opts.json, JSON.stringify(results, null, 2));
process.exit(0);

// 9. stdio start: how soon a client spawning `mcp-host --stdio` (the default config's plugins: no
// --config, no --plugins) gets its first answers. Desktop clients and the AI SDK spawn the host and
// send `initialize` (or the 2026-07-28 `server/discover` probe, which the AI SDK gives up on after
// 1 s) at once. Measured per spawn: the time from spawn to the answer of `initialize` (sent at
// spawn), and to the answer of the first `tools/list` (sent once initialize is answered; the host
// holds it until the plugins have loaded). Median of several spawns, one at a time.
import { spawn } from 'node:child_process';
import { HOST_BIN, REPO_DIR } from '../lib/children.mjs';
import { noteRow, target } from '../lib/report.mjs';

export const id = 'stdio-start';
const NAME = '9 stdio start (default config)';
const TARGET_MS = 300;
const SPAWN_TIMEOUT_MS = 20_000;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One spawn: resolves with { initializeMs, discoverMs, toolsListMs, tools } and ends the host (EOF on stdin). */
function oneStart() {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [HOST_BIN, '--stdio'], { cwd: REPO_DIR, stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, NODE_ENV: 'production' } });
    const times = {};
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`no tools/list answer within ${SPAWN_TIMEOUT_MS} ms`))), SPAWN_TIMEOUT_MS);
    const send = (m) => child.stdin.write(`${JSON.stringify(m)}\n`);
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const m = JSON.parse(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
        const at = performance.now() - t0;
        if (m.error) return finish(new Error(`request ${m.id} failed: ${m.error.message}`));
        if (m.id === 1) {
          times.initializeMs = at;
          send({ jsonrpc: '2.0', method: 'notifications/initialized' });
          send({ jsonrpc: '2.0', id: 3, method: 'tools/list', params: {} });
        } else if (m.id === 2) times.discoverMs = at;
        else if (m.id === 3) {
          times.toolsListMs = at;
          times.tools = m.result.tools.length;
          finish();
        }
      }
    });
    const finish = (err) => {
      clearTimeout(timer);
      child.once('exit', () => (err ? reject(err) : resolve(times)));
      child.stdin.end();
    };
    child.once('error', (e) => (clearTimeout(timer), reject(e)));
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench-stdio-start', version: '1.0.0' } } });
    // The 2026-07-28 probe a modern client sends first (AI SDK): answered as early as initialize.
    send({ jsonrpc: '2.0', id: 2, method: 'server/discover', params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {}, 'io.modelcontextprotocol/clientInfo': { name: 'bench-stdio-start', version: '1.0.0' } } } });
  });
}

export async function run({ quick }) {
  const spawns = quick ? 3 : 7;
  await oneStart(); // warms the OS file cache: the first spawn after a build reads every module from disk
  const runs = [];
  for (let i = 0; i < spawns; i++) runs.push(await oneStart());
  const init = median(runs.map((r) => r.initializeMs));
  const discover = median(runs.map((r) => r.discoverMs));
  const list = median(runs.map((r) => r.toolsListMs));
  const all = (key) => runs.map((r) => r[key].toFixed(0)).join(', ');
  return {
    rows: [
      noteRow(NAME, 'mcp-host --stdio', `median of ${spawns} spawns: initialize answered ${init.toFixed(0)} ms, server/discover ${discover.toFixed(0)} ms, first tools/list (${runs[0].tools} tools) ${list.toFixed(0)} ms after spawn; initialize per spawn ${all('initializeMs')}; tools/list ${all('toolsListMs')}`),
    ],
    targets: [target(`stdio: first answer (initialize) within ${TARGET_MS} ms of spawn, median ms`, init, { max: TARGET_MS })],
  };
}

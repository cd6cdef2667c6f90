// 4. Memory of idle legacy sessions (initialized, no stream): VmRSS of the server process before
// and after opening N sessions, each reading taken after forced full GCs, as KB per session; for
// mcp-host and the SDK 1.x stateful server, N = 1,000 and 10,000; then mcp-host with 1,000
// sessions that each hold an open GET SSE stream. The baseline is taken once the process is warm:
// 1,000 sessions opened and deleted again, then 2 s of tools/call load (so V8's young generation and
// the allocator's pools have grown to their working size before the first reading). RSS moves by a
// few MB on its own (allocator, plugin worker GC), so x1,000 reads ±3 KB/session; the heap figure
// (heapUsed of the main isolate) is the steadier one.
import { rssKb, settle, startHost, startServer, stopServer } from '../lib/children.mjs';
import { deleteSession, expectToolText, LEGACY, legacyRequest, openLegacySession, pool } from '../lib/mcp.mjs';
import { measure } from '../lib/load.mjs';
import { pluginDir, serverScript } from '../lib/paths.mjs';
import { noteRow, target } from '../lib/report.mjs';
import { openStream } from '../lib/streams.mjs';

export const id = 'idle-sessions';
const WARM_SESSIONS = 1000; // opened and deleted before the baseline, so code, heap and pools are warm (300 with --quick)
const CONCURRENCY = 50;

/** VmRSS (KB) and heapUsed (bytes) after two rounds of forced full GC. */
async function settled(server) {
  await settle(server);
  const usage = await settle(server);
  await new Promise((r) => setTimeout(r, 200));
  return { rss: await rssKb(server.pid), heap: usage.heapUsed };
}

/**
 * Opens `count` sessions on a fresh, warmed-up server and measures them; with `streams`, then opens
 * a GET SSE stream on each of them and measures again (against the same baseline).
 */
async function measureSessions(start, count, { streams = false, warmSessions = WARM_SESSIONS, warmLoadS = 2 } = {}) {
  const server = await start();
  const open = [];
  try {
    const warm = await pool(warmSessions, CONCURRENCY, () => openLegacySession(server.url));
    await pool(warm.length, CONCURRENCY, (i) => deleteSession(server.url, warm[i]));
    const session = await openLegacySession(server.url);
    const call = legacyRequest(session, 'tools/call', { name: 'echo', arguments: { text: 'hello' } }, { id: '[<id>]' });
    await expectToolText(server.url, { ...call, body: call.body.replace('[<id>]', 'warm') }, 'hello', server.name);
    await measure(server.url, call, { idReplacement: true, durationS: warmLoadS, warmupS: 0 });
    const before = await settled(server);
    const per = (after, openMs) => ({ kbPerSession: (after.rss - before.rss) / count, heapKbPerSession: (after.heap - before.heap) / 1024 / count, rssMb: after.rss / 1024, openMs });
    let t0 = performance.now();
    const ids = await pool(count, CONCURRENCY, () => openLegacySession(server.url));
    const idle = per(await settled(server), performance.now() - t0);
    if (!streams) return { idle };
    t0 = performance.now();
    await pool(count, CONCURRENCY, async (i) => {
      open.push(await openStream(server.url, { headers: { accept: 'text/event-stream', 'mcp-session-id': ids[i], 'mcp-protocol-version': LEGACY } }));
    });
    return { idle, withStreams: per(await settled(server), performance.now() - t0) };
  } finally {
    for (const s of open) s.close();
    await stopServer(server);
  }
}

export async function run({ quick }) {
  const host = () => startHost('mcp-host', [pluginDir('bench-tools')], { config: { server: { maxSessions: 20_000 } }, gc: true });
  const sdk1 = () => startServer('sdk1-stateful', serverScript('sdk1-stateful'), [], { gc: true });
  // --quick skips the 10,000 runs (the SDK 1.x one alone takes ~40 s here).
  const counts = quick ? [1000] : [1000, 10000];
  const warm = quick ? { warmSessions: 300, warmLoadS: 0.5 } : {};
  const rows = [];
  const targets = [];
  let streamRow;
  const describe = (r) =>
    `${r.kbPerSession.toFixed(2)} KB/session RSS (heap ${r.heapKbPerSession.toFixed(2)} KB/session; RSS ${r.rssMb.toFixed(0)} MB; opened in ${(r.openMs / 1000).toFixed(1)} s)`;
  for (const count of counts) {
    const name = `4 idle legacy sessions x${count.toLocaleString('en-US')}`;
    const { idle: h, withStreams } = await measureSessions(host, count, { ...warm, streams: count === 1000 });
    const { idle: s } = await measureSessions(sdk1, count, warm);
    rows.push(noteRow(name, 'mcp-host', describe(h), { kbPerSession: h.kbPerSession }), noteRow(name, 'SDK 1.x stateful', describe(s), { kbPerSession: s.kbPerSession }));
    targets.push(target(`idle legacy session x${count}: mcp-host KB RSS/session`, h.kbPerSession, { max: 4 }));
    if (withStreams) streamRow = noteRow('4 legacy sessions x1,000 + open GET SSE', 'mcp-host', describe(withStreams), { kbPerSession: withStreams.kbPerSession });
  }
  if (streamRow) rows.push(streamRow);
  return { rows, targets };
}

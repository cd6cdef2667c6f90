// 6. Catalog republish to 1,000 connected listeners: 1,000 modern `subscriptions/listen` streams
// on mcp-host (config protocol.maxListenStreams: 2000); once every stream has its acknowledgement,
// a tools/call of bench_trigger announces a tools list change, and we time until the last stream
// has its notifications/tools/list_changed. One warmup round, then several; the median round is the result.
import { startHost, stopServer } from '../lib/children.mjs';
import { expectToolText, modernRequest, modernToolCall, pool } from '../lib/mcp.mjs';
import { pluginDir } from '../lib/paths.mjs';
import { noteRow, target } from '../lib/report.mjs';
import { ACK, CHANGED, median, openStream } from '../lib/streams.mjs';

export const id = 'republish';
const LISTENERS = 1000;
const ROUNDS = 5;
const ROUND_TIMEOUT_MS = 30_000;

export async function run() {
  const server = await startHost('mcp-host', [pluginDir('bench-tools')], { config: { protocol: { maxListenStreams: 2000 } } });
  const streams = [];
  try {
    // Each stream remembers what it has seen; a waiter per stream resolves on the awaited marker.
    const state = Array.from({ length: LISTENERS }, () => ({ buf: '', want: undefined, resolve: undefined }));
    const waitFor = (i, marker) => new Promise((resolve) => Object.assign(state[i], { want: marker, resolve }));
    const onData = (i) => (chunk) => {
      const s = state[i];
      s.buf += chunk;
      if (s.want && s.buf.includes(s.want)) {
        const resolve = s.resolve;
        Object.assign(s, { buf: '', want: undefined, resolve: undefined });
        resolve(performance.now());
      } else if (s.buf.length > 65_536) s.buf = s.buf.slice(-1024);
    };
    const t0 = performance.now();
    const acks = [];
    await pool(LISTENERS, 50, async (i) => {
      const ack = waitFor(i, ACK);
      const request = modernRequest('subscriptions/listen', { notifications: { toolsListChanged: true } }, { id: `listen-${i}`, accept: 'text/event-stream' });
      streams.push(await openStream(server.url, { method: 'POST', ...request }, onData(i)));
      acks.push(ack);
    });
    await withTimeout(Promise.all(acks), 'acknowledgements');
    const openMs = performance.now() - t0;

    const trigger = modernToolCall('bench_trigger', {});
    const lasts = [];
    const firsts = [];
    // Round 0 warms up (JIT, buffers) and is not counted.
    for (let round = 0; round <= ROUNDS; round++) {
      const arrivals = state.map((_, i) => waitFor(i, CHANGED));
      const start = performance.now();
      await expectToolText(server.url, trigger, 'triggered', 'bench_trigger');
      const times = (await withTimeout(Promise.all(arrivals), `round ${round}`)).map((t) => t - start);
      if (round > 0) {
        lasts.push(Math.max(...times));
        firsts.push(Math.min(...times));
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const last = median(lasts);
    const note = `last of ${LISTENERS.toLocaleString('en-US')} notified after ${last.toFixed(1)} ms (median of ${ROUNDS} rounds; worst ${Math.max(...lasts).toFixed(1)} ms; first stream ${median(firsts).toFixed(1)} ms; streams opened in ${(openMs / 1000).toFixed(1)} s)`;
    return {
      rows: [noteRow(`6 republish to ${LISTENERS.toLocaleString('en-US')} listen streams`, 'mcp-host', note, { lastMs: last, roundsMs: lasts })],
      targets: [target(`republish to ${LISTENERS} listeners: ms until the last stream`, last, { max: 100 })],
    };
  } finally {
    for (const s of streams) s.close();
    await stopServer(server);
  }
}

function withTimeout(promise, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ROUND_TIMEOUT_MS} ms waiting for ${what}`)), ROUND_TIMEOUT_MS))),
  ]).finally(() => clearTimeout(timer));
}

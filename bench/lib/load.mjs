// The one load generator for every server: autocannon's programmatic API, run in the parent with
// the same connections and duration for all; a warmup run first, whose numbers are discarded.
// Each server is its own child process; the parent only generates load.
import autocannon from 'autocannon';
import { stopServer } from './children.mjs';

/** Set once by run.mjs from the command line. */
export const loadOptions = { connections: 50, durationS: 10, warmupS: 3, rounds: 10 };

function once(opts) {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

const base = (url, { headers, body }, idReplacement) => ({ url, method: 'POST', headers, body, connections: loadOptions.connections, pipelining: 1, timeout: 10, idReplacement });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * How many times server `a`'s throughput is server `b`'s, from two measurements of one `compare`:
 * the median over the rounds of each round's ratio. Within a round the two ran back to back, so a
 * phase of outside load (on these shared machines it moves a server's rate 2x within a minute)
 * falls on both and cancels in their ratio; a ratio of two medians taken at different moments
 * does not cancel it.
 */
export function pairedRatio(a, b) {
  const n = Math.min(a.slices.length, b.slices.length);
  const ratios = Array.from({ length: n }, (_, i) => a.slices[i] / b.slices[i]).sort((x, y) => x - y);
  return n % 2 === 1 ? ratios[(n - 1) / 2] : (ratios[n / 2 - 1] + ratios[n / 2]) / 2;
}

/**
 * Sums autocannon runs into { rps, meanRps, p50, p99, errors, total, slices }. `rps` is the median
 * of the slices' rates: a burst of outside load (these machines are shared) lands on one slice and
 * moves the mean, not the median; `meanRps` (all answers over all slices) is kept beside it.
 * Latency is the median over the runs.
 */
function aggregate(runs, durationS) {
  const ok = runs.reduce((n, r) => n + r['2xx'], 0);
  const seconds = runs.reduce((n, r) => n + (r.duration || durationS / runs.length), 0);
  const slices = runs.map((r) => Math.round(r['2xx'] / (r.duration || durationS / runs.length)));
  return {
    // Successful answers only: a server that fails fast is not faster.
    rps: median(slices),
    meanRps: Math.round(ok / seconds),
    p50: median(runs.map((r) => r.latency.p50)),
    p99: median(runs.map((r) => r.latency.p99)),
    errors: runs.reduce((n, r) => n + r.errors + r.timeouts + r.non2xx, 0),
    total: runs.reduce((n, r) => n + r.requests.total, 0),
    slices,
  };
}

/**
 * POSTs `{headers, body}` to `url` under load, in one piece (after an optional warmup). `idReplacement`:
 * every `[<id>]` in the request becomes a fresh unique id per request (legacy sessions refuse a request
 * id already in flight). Latencies in ms.
 */
export async function measure(url, request, { idReplacement = false, durationS = loadOptions.durationS, warmupS = loadOptions.warmupS } = {}) {
  const opts = base(url, request, idReplacement);
  if (warmupS > 0) await once({ ...opts, duration: warmupS });
  return aggregate([await once({ ...opts, duration: durationS })], durationS);
}

/**
 * Compares servers under the same load. Each entry is `{ key, start(samples), prepare(url), options }`:
 * `start` gets the samples of the entries before it (raw fastify answers mcp-host's bytes);
 * `prepare(url)` resolves with `{ request, check }`, and `check()` throws on a wrong answer and
 * resolves with a sample. All servers are started and checked first (an idle server costs no CPU),
 * each is warmed up, then the measurement time is cut into `loadOptions.rounds` slices run
 * A B C, C B A, A B C…, so whatever else the machine does falls on every server alike and the
 * ratios hold even when absolute numbers drift. Every answer is checked again at the end; then an
 * entry's optional `after(url)` measures what it wants on the warm server before it stops.
 * Resolves with `{ [key]: { m, sample, after } }`. `durationS`, `warmupS` and `rounds` override
 * `loadOptions`' for this comparison only (a scenario of many entries that must stay short; autocannon
 * counts whole seconds, so a slice shorter than 1 s still takes 1 s: shorten with fewer rounds).
 */
export async function compare(entries, { durationS = loadOptions.durationS, warmupS = loadOptions.warmupS, rounds = loadOptions.rounds } = {}) {
  const servers = [];
  const out = {};
  try {
    const prepared = [];
    for (const e of entries) {
      const server = await e.start(Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.sample])));
      servers.push(server);
      const p = await e.prepare(server.url);
      prepared.push(p);
      out[e.key] = { sample: await p.check(), runs: [] };
    }
    const opts = entries.map((e, i) => base(servers[i].url, prepared[i].request, e.options?.idReplacement ?? false));
    if (warmupS > 0) for (const o of opts) await once({ ...o, duration: warmupS });
    for (let r = 0; r < rounds; r++) {
      const order = entries.map((_, i) => i);
      if (r % 2 === 1) order.reverse();
      for (const i of order) out[entries[i].key].runs.push(await once({ ...opts[i], duration: durationS / rounds }));
    }
    for (const p of prepared) await p.check();
    for (const [i, e] of entries.entries()) if (e.after) out[e.key].after = await e.after(servers[i].url);
    for (const v of Object.values(out)) v.m = aggregate(v.runs, durationS);
    for (const v of Object.values(out)) delete v.runs;
    return out;
  } finally {
    await Promise.all(servers.map(stopServer));
  }
}

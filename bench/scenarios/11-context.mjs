// 11. Shared context (issue 16): what one context read and one context write cost a tool call, in
// memory (one host, the embedded store) and with Redis (one host with a `cluster` section on the
// machine's Redis, under a key prefix of this run's own, every key deleted at the end: lib/redis.mjs).
// - Throughput: the modern (2026-07-28, stateless) tools/call of bench-context's `plain` (a
//   constant), `ctx_read` (one ctx.context.session.get of a key seeded once) and `ctx_write` (one
//   ctx.context.session.set of a small value), all six in one interleaved run, so read/plain and
//   write/plain are paired ratios of the same moments. The session scope is the one the requests
//   name with _meta["mcp-host/contextId"] (one id for the whole load: every call hits one scope).
//   Six full measurements would take over a minute: each gets half the run's duration, in half as
//   many slices (autocannon runs whole seconds), after a 1 s warmup.
// - Compare-and-set under contention, with `ctx_bump` (ctx.context.session.update: +1 on one key,
//   a compare-and-set loop on the plugin's side): bursts of 50 calls sent at once, each burst on a
//   key of its own, which must end at exactly 50 with every call having returned a different count
//   (no update lost or applied twice; the issue's "50 concurrent writers"); updates per second over
//   all bursts. Then a sustained run, 50 calls in flight until N are done (a finished writer is
//   replaced at once, so the contention never lets up): updates/s, and how many calls `update`
//   refused with `conflict` after its attempts (a clean refusal, the caller is told; no update may
//   be lost or doubled: the count must equal the calls that succeeded).
// No official SDK row: the SDKs have no shared context to compare with.
import { startHost } from '../lib/children.mjs';
import { compare, loadOptions, pairedRatio } from '../lib/load.mjs';
import { expectToolText, finalOf, modernRequest, pool, post } from '../lib/mcp.mjs';
import { pluginDir } from '../lib/paths.mjs';
import { benchRedis, REDIS_URL } from '../lib/redis.mjs';
import { loadRow, noteRow, target } from '../lib/report.mjs';

export const id = 'context';
const PLUGINS = [pluginDir('context-tools')];
const SECRET = 'bench-context-request-state-secret';
const CONTEXT_ID = 'bench-context-1';
/** Writers in flight at once in the contention measurement (the issue's "50 concurrent writers"). */
const WRITERS = 50;

/** `a` of `n` with its percentage. */
const share = (a, n) => `${a} of ${n} (${((a / n) * 100).toFixed(1)}%)`;

/** A modern tools/call of a bench-context tool in the session scope named CONTEXT_ID. */
const call = (name, args = {}, id = 1) => modernRequest('tools/call', { name, arguments: args, _meta: { 'mcp-host/contextId': CONTEXT_ID } }, { name, id });

export async function run({ quick }) {
  const redis = await benchRedis();
  // Both with the same secret (a cluster requires one), so the only difference is where context lives.
  const standalone = { protocol: { requestStateSecret: SECRET } };
  const clustered = { ...standalone, cluster: { redisUrl: REDIS_URL, replicaId: 'bench-context', keyPrefix: redis.prefix } };
  const bursts = quick ? 4 : 20;
  const sustained = quick ? 200 : 1000;
  try {
    let memoryHost;
    let redisHost;
    const backends = [
      { key: 'memory', label: 'in memory', start: () => (memoryHost ??= startHost('mcp-host (context in memory)', PLUGINS, { config: standalone })) },
      { key: 'redis', label: 'Redis, cluster mode', start: () => (redisHost ??= startHost('mcp-host (context in Redis)', PLUGINS, { config: clustered })) },
    ];
    const entries = backends.flatMap((b) => [
      { key: `${b.key}Plain`, start: b.start, prepare: prepare('plain', b.label) },
      { key: `${b.key}Read`, start: b.start, prepare: prepare('ctx_read', b.label, true) },
      // After the load, on the warm host: the contention measurement.
      { key: `${b.key}Write`, start: b.start, prepare: prepare('ctx_write', b.label), after: (url) => contention(url, b.key, { bursts, sustained }, b.label) },
    ]);
    const rounds = Math.max(1, Math.round(loadOptions.rounds / 2));
    const r = await compare(entries, { durationS: loadOptions.durationS / 2, warmupS: Math.min(loadOptions.warmupS, 1), rounds });

    const rows = [];
    const targets = [];
    for (const b of backends) {
      const plain = r[`${b.key}Plain`].m;
      const read = r[`${b.key}Read`].m;
      const write = r[`${b.key}Write`].m;
      const readRatio = pairedRatio(read, plain);
      const writeRatio = pairedRatio(write, plain);
      const NAME = `11 context (${b.label}): modern tools/call`;
      rows.push(
        // The Redis host's plain call beside the memory host's: cluster mode's own cost (scenario 10), apart from context.
        loadRow(NAME, 'plain (a constant)', plain, b.key === 'redis' ? `plain cluster/memory ${pairedRatio(plain, r.memoryPlain.m).toFixed(2)}` : ''),
        loadRow(NAME, 'ctx_read (session.get)', read, `read/plain ${readRatio.toFixed(2)}`),
        loadRow(NAME, 'ctx_write (session.set)', write, `write/plain ${writeRatio.toFixed(2)}`),
      );
      const { burst, steady } = r[`${b.key}Write`].after;
      const CAS = `11 context (${b.label}): update, ${WRITERS} concurrent writers on one key`;
      const burstNote =
        `${burst.rounds} bursts of ${WRITERS} calls at once: ${Math.round(burst.opsPerS).toLocaleString('en-US')} updates/s; ` +
        `${burst.exact} of ${burst.rounds} bursts ended at exactly ${WRITERS} with ${WRITERS} different counts returned${burst.wrong ? ` (first wrong: ${burst.wrong})` : ''}`;
      const steadyNote =
        `${steady.n} calls, ${WRITERS} in flight throughout: ${Math.round(steady.opsPerS).toLocaleString('en-US')} updates/s; ${share(steady.refused, steady.n)} refused with conflict` +
        `${steady.firstRefusal ? ` ("${steady.firstRefusal}")` : ''}; count ${steady.final} = ${steady.ok} calls that succeeded: ${steady.final === steady.ok && steady.distinct === steady.ok ? 'none lost or doubled' : 'WRONG'}` +
        (steady.otherFailures ? `; ${steady.otherFailures} other failures (first: ${steady.firstOther})` : '');
      rows.push(
        noteRow(CAS, 'ctx_bump: bursts', burstNote, { opsPerS: burst.opsPerS, rounds: burst.rounds, exact: burst.exact }),
        noteRow(CAS, 'ctx_bump: sustained', steadyNote, { opsPerS: steady.opsPerS, n: steady.n, refused: steady.refused, final: steady.final }),
      );
      // Correctness, not speed: every burst counted each of its increments exactly once.
      targets.push(target(`context update, bursts of ${WRITERS} concurrent writers on one key (${b.label}): bursts not ending at exactly ${WRITERS}`, burst.rounds - burst.exact, { max: 0 }));
    }
    rows.push(noteRow('11 context', 'official SDKs', 'n/a: the MCP SDKs have no shared context, so there is no SDK row to compare with'));
    return { rows, targets };
  } finally {
    await redis.cleanup();
  }
}

/** `{ request, check }` for compare: the load's request, and a check that the tool answered "ok". */
function prepare(tool, label, seed = false) {
  return async (url) => {
    if (seed) await expectToolText(url, call('ctx_seed'), 'ok', `ctx_seed (${label})`);
    const request = call(tool);
    return { request, check: () => expectToolText(url, request, 'ok', `${tool} (${label})`) };
  };
}

/** One ctx_bump call on `key`: resolves with the count it returned, or `{ refused | failed: message }`. */
async function bump(url, key, id) {
  const r = await post(url, call('ctx_bump', { key }, id));
  const result = finalOf(r.messages)?.result;
  const text = String(result?.content?.[0]?.text ?? '');
  if (r.status === 200 && !result?.isError && /^\d+$/.test(text)) return Number(text);
  // update's own refusal after maxAttempts lost races: ContextError 'conflict', a tool error result.
  if (r.status === 200 && result?.isError && text.includes('lost to other writers')) return { refused: text.slice(0, 160) };
  return { failed: `HTTP ${r.status} ${(text || r.text).slice(0, 160)}` };
}

async function countOf(url, key, label) {
  const r = await post(url, call('ctx_count', { key }, `count-${key}`));
  const final = Number(finalOf(r.messages)?.result?.content?.[0]?.text);
  if (!Number.isInteger(final)) throw new Error(`ctx_count (${label}): unexpected answer (HTTP ${r.status}): ${r.text.slice(0, 300)}`);
  return final;
}

/** The bursts, then the sustained run (see the top of the file), on keys of this backend's own. */
async function contention(url, backend, { bursts, sustained }, label) {
  let exact = 0;
  let wrong;
  let burstMs = 0;
  for (let b = 0; b < bursts; b++) {
    const key = `burst-${backend}-${b}`;
    const t0 = performance.now();
    const counts = await Promise.all(Array.from({ length: WRITERS }, (_, i) => bump(url, key, `burst-${b}-${i}`)));
    burstMs += performance.now() - t0;
    const final = await countOf(url, key, label);
    const distinct = new Set(counts.filter((c) => typeof c === 'number' && c >= 1 && c <= WRITERS)).size;
    if (final === WRITERS && distinct === WRITERS) exact++;
    else wrong ??= `count ${final}, ${distinct} different counts returned; ${JSON.stringify(counts.find((c) => typeof c !== 'number') ?? null)}`;
  }

  const key = `sustained-${backend}`;
  const seen = new Set();
  let ok = 0;
  let refused = 0;
  let otherFailures = 0;
  let firstRefusal;
  let firstOther;
  const t0 = performance.now();
  await pool(sustained, WRITERS, async (i) => {
    const c = await bump(url, key, `sustained-${i}`);
    if (typeof c === 'number') (ok++, seen.add(c));
    else if (c.refused) (refused++, (firstRefusal ??= c.refused));
    else (otherFailures++, (firstOther ??= c.failed));
  });
  const steadyMs = performance.now() - t0;
  const final = await countOf(url, key, label);
  return {
    burst: { rounds: bursts, exact, wrong, opsPerS: ((bursts * WRITERS) / burstMs) * 1000 },
    steady: { n: sustained, ok, refused, otherFailures, firstRefusal, firstOther, final, distinct: [...seen].filter((c) => c >= 1 && c <= ok).length, opsPerS: (ok / steadyMs) * 1000 },
  };
}

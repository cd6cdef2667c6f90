// 11. Shared context (issue 16): what one context read and one context write cost a tool call, in
// memory (one host, the embedded store) and with Redis (one host with a `cluster` section on the
// machine's Redis, under a key prefix of this run's own, every key deleted at the end: lib/redis.mjs).
// - Throughput: the modern (2026-07-28, stateless) tools/call of bench-context's `plain` (a
//   constant), `ctx_read` (one ctx.context.session.get of a key seeded once) and `ctx_write` (one
//   ctx.context.session.set of a small value), all six in one interleaved run, so read/plain and
//   write/plain are paired ratios of the same moments. The session scope is the one the requests
//   name with _meta["mcp-host/contextId"] (one id for the whole load: every call hits one scope).
//   Six measurements would take a minute on their own: each gets half the run's duration and warmup.
// - Compare-and-set under contention: N calls of `ctx_bump` (ctx.context.session.update, +1 on one
//   key), 50 in flight at once: updates per second, and the final count must be exactly N with
//   every call having returned a different count in 1..N (no update lost or applied twice).
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

/** A modern tools/call of a bench-context tool in the session scope named CONTEXT_ID. */
const call = (name, args = {}, id = 1) => modernRequest('tools/call', { name, arguments: args, _meta: { 'mcp-host/contextId': CONTEXT_ID } }, { name, id });

export async function run({ quick }) {
  const redis = await benchRedis();
  // Both with the same secret (a cluster requires one), so the only difference is where context lives.
  const standalone = { protocol: { requestStateSecret: SECRET } };
  const clustered = { ...standalone, cluster: { redisUrl: REDIS_URL, replicaId: 'bench-context', keyPrefix: redis.prefix } };
  const bumps = quick ? 200 : 1000;
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
      { key: `${b.key}Write`, start: b.start, prepare: prepare('ctx_write', b.label), after: (url) => contention(url, `cas-${b.key}`, bumps, b.label) },
    ]);
    const r = await compare(entries, { durationS: loadOptions.durationS / 2, warmupS: loadOptions.warmupS / 2 });

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
      const cas = r[`${b.key}Write`].after;
      const casNote =
        `${cas.n} increments of one key, ${WRITERS} in flight: ${Math.round(cas.opsPerS).toLocaleString('en-US')} updates/s (${(cas.ms / 1000).toFixed(2)} s); ` +
        `final count ${cas.final} (${cas.final === cas.n ? 'exactly N' : `WRONG: expected ${cas.n}`}); ` +
        `${cas.distinct} distinct counts returned; ${cas.failed} call${cas.failed === 1 ? '' : 's'} failed${cas.firstFailure ? ` (first: ${cas.firstFailure})` : ''}`;
      rows.push(noteRow(`11 context (${b.label}): compare-and-set contention`, 'ctx_bump (session.update)', casNote, { opsPerS: cas.opsPerS, final: cas.final, n: cas.n, failed: cas.failed }));
      // Correctness, not speed: every increment counted once.
      const lost = cas.failed + Math.abs(cas.n - cas.final) + (cas.n - cas.distinct);
      targets.push(target(`context update under ${WRITERS} concurrent writers (${b.label}): lost, doubled or failed increments of ${cas.n}`, lost, { max: 0 }));
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

/**
 * `n` ctx_bump calls on `key`, WRITERS at a time; then the count as ctx_count reads it. Resolves
 * with `{ n, ms, opsPerS, final, distinct, failed, firstFailure }`.
 */
async function contention(url, key, n, label) {
  const seen = new Set();
  let failed = 0;
  let firstFailure;
  const t0 = performance.now();
  await pool(n, WRITERS, async (i) => {
    const r = await post(url, call('ctx_bump', { key }, `bump-${i}`));
    const result = finalOf(r.messages)?.result;
    const count = Number(result?.content?.[0]?.text);
    if (r.status !== 200 || result?.isError || !Number.isInteger(count)) {
      failed++;
      firstFailure ??= `HTTP ${r.status} ${r.text.slice(0, 160)}`;
    } else seen.add(count);
  });
  const ms = performance.now() - t0;
  const counted = await post(url, call('ctx_count', { key }, 'count'));
  const final = Number(finalOf(counted.messages)?.result?.content?.[0]?.text);
  if (!Number.isInteger(final)) throw new Error(`ctx_count (${label}): unexpected answer (HTTP ${counted.status}): ${counted.text.slice(0, 300)}`);
  const distinct = [...seen].filter((c) => c >= 1 && c <= n).length;
  return { n, ms, opsPerS: (n / ms) * 1000, final, distinct, failed, firstFailure };
}

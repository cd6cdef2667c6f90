/**
 * The Redis context backend against the machine's real Redis (127.0.0.1:6379), under a key prefix
 * of this run only (deleted at the end): the behaviours every backend shares
 * (`context/contextBackendBehaviour.testkit`), then what only a cluster has — two replicas (two
 * links) on the same values, the layout left in Redis (nothing behind a scope that emptied or
 * expired, the scope's TTL on its keys), and a Redis that dies and comes back (a private
 * redis-server).
 */
import { randomUUID } from 'node:crypto';
import type { ClusterConfig } from '@mcp-host/config';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../../../test/harness/privateRedis.js';
import { describeContextBackend } from '../context/contextBackendBehaviour.testkit.js';
import type { ScopeLimits } from '../protocol/ports/ContextPorts.js';
import { RedisContextBackend } from './RedisContextBackend.js';
import { RedisLink } from './RedisLink.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const PREFIX = `ctx-test-${randomUUID().slice(0, 8)}:`;
const OPEN: ScopeLimits = { maxKeys: 100, maxBytes: 100_000 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fresh = () => `n/${encodeURIComponent(`test-${randomUUID()}`)}`;

const links: RedisLink[] = [];

/** A replica's link, as the kernel makes it (fail-fast commands), under this run's prefix. */
async function link(id: string, url = REDIS_URL): Promise<RedisLink> {
  const config: ClusterConfig = { redisUrl: url, replicaId: id, keyPrefix: PREFIX, leaseMs: 1000, commandTimeoutMs: 1000, events: { maxPerStream: 100, ttlMs: 60_000 } };
  const l = new RedisLink(config, pino({ level: 'silent' }));
  links.push(l);
  await l.connect(2000);
  return l;
}

const admin = new Redis(REDIS_URL);

/** The Redis keys of one scope of this run. */
const keysOf = (scope: string) => admin.keys(`${PREFIX}ctx:{${scope}}:*`);

afterAll(async () => {
  await Promise.all(links.map((l) => l.close()));
  const keys = await admin.keys(`${PREFIX}*`);
  if (keys.length > 0) await admin.del(...keys);
  admin.disconnect();
});

describeContextBackend('RedisContextBackend', async () => new RedisContextBackend(await link('behaviours')));

describe('RedisContextBackend across replicas (two links on one Redis)', () => {
  let a: RedisContextBackend;
  let b: RedisContextBackend;
  beforeAll(async () => {
    [a, b] = [new RedisContextBackend(await link('replica-a')), new RedisContextBackend(await link('replica-b'))];
  });

  it('a value written on one replica is read, overwritten and deleted on the other, versions shared', async () => {
    const scope = fresh();
    const w = await a.set(scope, 'k', '"from a"', undefined, 0, OPEN);
    expect(await b.get(scope, 'k')).toEqual({ json: '"from a"', version: w.ok && w.version });
    expect(await b.set(scope, 'k', '"b too"', undefined, 0, OPEN)).toMatchObject({ ok: false, reason: 'conflict', current: { json: '"from a"' } });
    const w2 = await b.set(scope, 'k', '"from b"', undefined, w.ok ? w.version : -1, OPEN);
    expect(w2.ok).toBe(true);
    expect(await a.keys(scope)).toEqual(['k']);
    expect(await a.delete(scope, 'k', w2.ok ? w2.version : -1)).toEqual({ ok: true, existed: true });
    expect(await b.get(scope, 'k')).toBeUndefined();
  });

  it('50 compare-and-set writers spread over two replicas end at exactly 50; quotas hold across them too', async () => {
    const scope = fresh();
    const increment = async (backend: RedisContextBackend) => {
      for (;;) {
        const current = await backend.get(scope, 'count');
        const n = current ? (JSON.parse(current.json) as number) : 0;
        const w = await backend.set(scope, 'count', String(n + 1), undefined, current?.version ?? 0, OPEN);
        if (w.ok) return;
      }
    };
    await Promise.all(Array.from({ length: 50 }, (_, i) => increment(i % 2 ? a : b)));
    expect(await a.get(scope, 'count')).toMatchObject({ json: '50' });

    const quota = fresh();
    const limits: ScopeLimits = { maxKeys: 5, maxBytes: 1000 };
    const writes = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).set(quota, `k${i}`, '1', undefined, undefined, limits)));
    expect(writes.filter((w) => w.ok)).toHaveLength(5);
    expect(await b.keys(quota)).toHaveLength(5);
  });
});

describe('RedisContextBackend: what it leaves in Redis', () => {
  let backend: RedisContextBackend;
  beforeAll(async () => {
    backend = new RedisContextBackend(await link('layout'));
  });

  it('a scope is four keys under one hash tag; its last delete or a clear leaves none', async () => {
    const scope = fresh();
    await backend.set(scope, 'a', '1', 60_000, undefined, OPEN);
    await backend.set(scope, 'b', '2', undefined, undefined, OPEN);
    expect((await keysOf(scope)).sort()).toEqual(['b', 'd', 'm', 'x'].map((s) => `${PREFIX}ctx:{${scope}}:${s}`));
    // The bytes counter: each key plus its JSON.
    expect(await admin.get(`${PREFIX}ctx:{${scope}}:b`)).toBe('4');
    await backend.delete(scope, 'a', undefined);
    await backend.delete(scope, 'b', undefined);
    expect(await keysOf(scope)).toEqual([]);
    await backend.set(scope, 'c', '3', undefined, undefined, OPEN);
    await backend.clear(scope);
    expect(await keysOf(scope)).toEqual([]);
  });

  it('values that all expired leave nothing behind even when no operation comes to purge them', async () => {
    const scope = fresh();
    await backend.set(scope, 'a', '1', 300, undefined, OPEN);
    await backend.set(scope, 'b', '2', 400, undefined, OPEN);
    // The keys go with the last value.
    const pttl = await admin.pttl(`${PREFIX}ctx:{${scope}}:d`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(400);
    expect(await admin.pttl(`${PREFIX}ctx:{${scope}}:m`)).toBeGreaterThan(0);
    // A value without TTL keeps the scope; deleting it gives the scope back its last value's expiry.
    await backend.set(scope, 'c', '3', undefined, undefined, OPEN);
    expect(await admin.pttl(`${PREFIX}ctx:{${scope}}:d`)).toBe(-1);
    await backend.delete(scope, 'c', undefined);
    expect(await admin.pttl(`${PREFIX}ctx:{${scope}}:d`)).toBeGreaterThan(0);
    await sleep(450);
    // Redis dropped the keys by itself (no script ran on this scope since).
    expect(await admin.exists(...['d', 'm', 'x', 'b'].map((s) => `${PREFIX}ctx:{${scope}}:${s}`))).toBe(0);
  });

  it("the scope's TTL is its keys' TTL, set at each write and not pushed back by a delete", async () => {
    const scope = fresh();
    const limits: ScopeLimits = { ...OPEN, scopeTtlMs: 5000 };
    await backend.set(scope, 'a', '1', undefined, undefined, limits);
    await backend.set(scope, 'b', '1', 60_000, undefined, limits);
    for (const key of await keysOf(scope)) {
      const ttl = await admin.pttl(key);
      expect(ttl).toBeGreaterThan(4000);
      expect(ttl).toBeLessThanOrEqual(5000);
    }
    await sleep(300);
    await backend.delete(scope, 'a', undefined);
    expect(await admin.pttl(`${PREFIX}ctx:{${scope}}:d`)).toBeLessThanOrEqual(4700 + 20);
    // A write without the scope TTL (a scope of another kind) keeps its keys for ever.
    await backend.set(scope, 'a', '1', undefined, undefined, OPEN);
    expect(await admin.pttl(`${PREFIX}ctx:{${scope}}:d`)).toBe(-1);
  });

  it('versions come from one counter under the prefix: a scope that expired whole and is written again never reuses one', async () => {
    const scope = fresh();
    const first = await backend.set(scope, 'k', '1', undefined, undefined, { ...OPEN, scopeTtlMs: 50 });
    await sleep(100);
    expect(await keysOf(scope)).toEqual([]);
    const again = await backend.set(scope, 'k', '1', undefined, undefined, OPEN);
    expect(first.ok && again.ok && again.version > first.version).toBe(true);
    expect(await admin.get(`${PREFIX}ctx:version`)).toBe(String(again.ok && again.version));
  });

  it('Infinity limits and TTLs mean none', async () => {
    const scope = fresh();
    const w = await backend.set(scope, 'k', '1', Infinity, undefined, { maxKeys: Infinity, maxBytes: Infinity, scopeTtlMs: Infinity });
    expect(w).toEqual({ ok: true, version: expect.any(Number) });
    expect(await admin.pttl(`${PREFIX}ctx:{${scope}}:d`)).toBe(-1);
  });
});

describe('RedisContextBackend while Redis is down (a private redis-server, killed and started again)', () => {
  let redis: PrivateRedis;
  afterAll(async () => {
    await redis?.kill();
  });

  it('every operation rejects at once (nothing buffered, no stale answer); when Redis is back (empty) it serves again, scripts loaded anew', async () => {
    redis = await startPrivateRedis();
    const l = await link('down', redis.url);
    const backend = new RedisContextBackend(l);
    const scope = fresh();
    expect((await backend.set(scope, 'k', '1', undefined, undefined, OPEN)).ok).toBe(true);
    expect(await backend.get(scope, 'k')).toMatchObject({ json: '1' });

    await redis.kill();
    const deadline = Date.now() + 5000;
    while (l.up && Date.now() < deadline) await sleep(20);
    const started = Date.now();
    const calls = [
      backend.get(scope, 'k'),
      backend.set(scope, 'k', '2', undefined, undefined, OPEN),
      backend.delete(scope, 'k', undefined),
      backend.keys(scope),
      backend.clear(scope),
    ];
    const settled = await Promise.allSettled(calls);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
    expect(Date.now() - started).toBeLessThan(500);

    await redis.start();
    const back = Date.now() + 10_000;
    while (!l.up && Date.now() < back) await sleep(20);
    expect(l.up).toBe(true);
    // A restarted Redis without persistence is empty, its script cache too (ioredis loads the script again).
    expect(await backend.get(scope, 'k')).toBeUndefined();
    expect((await backend.set(scope, 'k', '3', undefined, 0, OPEN)).ok).toBe(true);
    expect(await backend.keys(scope)).toEqual(['k']);
  });
});

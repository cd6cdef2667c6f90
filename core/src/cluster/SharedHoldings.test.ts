/**
 * The shared limits against a real Redis, with several RedisLinks in one process standing for
 * replicas: the Lua buckets and shares are atomic under concurrent takes, a replica dropped without
 * giving back frees its holdings once its lease lapses, and a Redis that goes away and comes back
 * (a private redis-server this test starts and stops) turns the limits per replica and shared again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import type { ClusterConfig, LimitsConfig, QuotasConfig } from '@mcp-host/config';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RedisLink } from './RedisLink.js';
import { SharedQuotas } from '../auth/SharedQuotas.js';
import { SharedRateLimiter } from '../auth/SharedRateLimiter.js';
import { SharedHoldings } from './SharedHoldings.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const PREFIX = `mcp-host-test-${randomUUID().slice(0, 8)}:`;
const LEASE_MS = 1000;
const QUOTAS: QuotasConfig = { sessionsPerPrincipal: 5, getStreamsPerPrincipal: Infinity, listenStreamsPerPrincipal: Infinity, inFlightPerPrincipal: 3 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Replica {
  readonly link: RedisLink;
  readonly holdings: SharedHoldings;
  readonly quotas: SharedQuotas;
  readonly limiter: SharedRateLimiter;
  readonly logs: string[];
}

const replicas: Replica[] = [];

async function replica(id: string, limits: LimitsConfig, url = REDIS_URL): Promise<Replica> {
  const logs: string[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (logs.push(JSON.parse(String(chunk)).msg), done()) }));
  const config: ClusterConfig = { redisUrl: url, replicaId: id, keyPrefix: PREFIX, leaseMs: LEASE_MS, commandTimeoutMs: 1000, events: { maxPerStream: 100, ttlMs: 60_000 } };
  const link = new RedisLink(config, logger);
  await link.connect(2000);
  const holdings = new SharedHoldings(link, LEASE_MS, logger);
  const r = { link, holdings, quotas: new SharedQuotas(QUOTAS, holdings), limiter: new SharedRateLimiter(limits, holdings), logs };
  replicas.push(r);
  // The first beat registers the holder's lease.
  await until(async () => (await link.redis.zcard(link.key('limits', 'leases'))) > 0 || !link.up);
  return r;
}

async function drop(r: Replica): Promise<void> {
  r.holdings.close();
  await r.link.close();
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

const NO_LIMITS: LimitsConfig = { tools: {} };

afterEach(async () => {
  await Promise.all(replicas.splice(0).map(drop));
});

afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe('shared limits (real Redis, replicas in one process)', () => {
  it('a token bucket: parallel requests over three replicas get exactly the burst, then the refill rate', async () => {
    const limits: LimitsConfig = { perPrincipal: { rate: 4, burst: 10 }, tools: {} };
    const rs = await Promise.all(['a', 'b', 'c'].map((id) => replica(`bucket-${id}`, limits)));
    const waits = await Promise.all(Array.from({ length: 60 }, (_, i) => rs[i % 3]!.limiter.request('p1')));
    expect(waits.filter((w) => w === 0)).toHaveLength(10);
    // The refusals say when a token comes back (1 token at 4/s: at most 250 ms).
    for (const w of waits.filter((w) => w > 0)) expect(w).toBeGreaterThan(0), expect(w).toBeLessThanOrEqual(250);
    // Another principal has its own bucket.
    expect(await rs[1]!.limiter.request('p2')).toBe(0);
    await sleep(300);
    // 300 ms (less than 500) at 4/s: one token, whichever replica asks.
    const after = await Promise.all([rs[0]!.limiter.request('p1'), rs[1]!.limiter.request('p1'), rs[2]!.limiter.request('p1')]);
    expect(after.filter((w) => w === 0)).toHaveLength(1);
  });

  it('a tool bucket and the concurrency cap hold across replicas', async () => {
    const limits: LimitsConfig = { tools: { slow: { rate: 0.01, burst: 4 } }, maxConcurrentPerPrincipal: 3 };
    const rs = await Promise.all(['a', 'b'].map((id) => replica(`calls-${id}`, limits)));
    const waits = await Promise.all(Array.from({ length: 20 }, (_, i) => rs[i % 2]!.limiter.tool('p1', 'slow')));
    expect(waits.filter((w) => w === 0)).toHaveLength(4);
    expect(await rs[0]!.limiter.tool('p1', 'other')).toBe(0);

    const slots = await Promise.all(Array.from({ length: 12 }, (_, i) => rs[i % 2]!.limiter.enter('p1')));
    const held = slots.filter((s) => s !== undefined);
    expect(held).toHaveLength(3);
    expect(await rs[0]!.limiter.enter('p2')).toBeTypeOf('function');
    held[0]!();
    held[0]!(); // a second release gives nothing back
    const next = await Promise.all([rs[0]!.limiter.enter('p1'), rs[1]!.limiter.enter('p1')]);
    expect(next.filter((s) => s !== undefined)).toHaveLength(1);
  });

  it('a share: N parallel takes over three replicas against a quota of L grant exactly L; a give frees one for any replica', async () => {
    const rs = await Promise.all(['a', 'b', 'c'].map((id) => replica(`share-${id}`, NO_LIMITS)));
    const taken = await Promise.all(Array.from({ length: 30 }, (_, i) => rs[i % 3]!.quotas.take('sessions', 'p1')));
    expect(taken.filter(Boolean)).toHaveLength(QUOTAS.sessionsPerPrincipal);
    expect(rs.reduce((n, r) => n + r.quotas.holding('sessions', 'p1'), 0)).toBe(QUOTAS.sessionsPerPrincipal);
    expect(await rs[0]!.quotas.take('sessions', 'p2')).toBe(true);
    // An unlimited quota never goes to Redis: the answer is immediate.
    expect(rs[0]!.quotas.take('getStreams', 'p1')).toBe(true);

    const giver = rs.find((r) => r.quotas.holding('sessions', 'p1') > 0)!;
    const other = rs.find((r) => r !== giver)!;
    expect(await other.quotas.take('sessions', 'p1')).toBe(false);
    giver.quotas.give('sessions', 'p1');
    await until(async () => (await other.quotas.take('sessions', 'p1')) === true);
    expect(await other.quotas.take('sessions', 'p1')).toBe(false);
  });

  it('a replica dropped while holding units (no give): they count while its lease runs, and are free once it lapses', async () => {
    const [a, b] = await Promise.all(['a', 'b'].map((id) => replica(`dead-${id}`, NO_LIMITS)));
    const c = await replica('dead-c', NO_LIMITS);
    for (let i = 0; i < 3; i++) expect(await c.quotas.take('inFlight', 'dead-p')).toBe(true);
    expect(await a!.quotas.take('inFlight', 'dead-p')).toBe(false);
    replicas.splice(replicas.indexOf(c), 1);
    await drop(c);
    const dropped = Date.now();
    expect(await b!.quotas.take('inFlight', 'dead-p')).toBe(false);
    await until(async () => (await a!.quotas.take('inFlight', 'dead-p')) === true, LEASE_MS * 3);
    expect(Date.now() - dropped).toBeLessThan(LEASE_MS * 2);
    // The dead replica's field is gone from the share.
    const fields = await a!.link.redis.hkeys(a!.link.key('limits', 'held', 'inFlight', 'dead-p'));
    expect(fields.every((f) => !f.startsWith('dead-c.'))).toBe(true);
  });

  it('live replicas keep their holdings past the lease (the heartbeat renews it)', async () => {
    const [a, b] = await Promise.all(['a', 'b'].map((id) => replica(`live-${id}`, NO_LIMITS)));
    for (let i = 0; i < 3; i++) expect(await a!.quotas.take('inFlight', 'live-p')).toBe(true);
    await sleep(LEASE_MS * 2.5);
    expect(await b!.quotas.take('inFlight', 'live-p')).toBe(false);
  });
});

describe('shared limits while Redis is down (a private redis-server, stopped and started again)', () => {
  let server: ChildProcess | undefined;
  let port = 0;

  const startRedis = async () => {
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: 0 });
    probe.on('error', () => {});
    await until(async () => (await probe.ping().catch(() => '')) === 'PONG');
    probe.disconnect();
  };
  const stopRedis = async () => {
    const s = server!;
    s.kill('SIGKILL');
    await new Promise((r) => s.once('exit', r));
  };

  afterAll(async () => {
    if (server && server.exitCode === null && server.signalCode === null) await stopRedis();
  });

  it('falls back to per-replica counts at once (no waiting, no rejection), logs it once, and is shared again with the local counts written back', async () => {
    port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    await startRedis();
    const url = `redis://127.0.0.1:${port}`;
    const limits: LimitsConfig = { perPrincipal: { rate: 0.01, burst: 2 }, tools: {} };
    const a = await replica('down-a', limits, url);
    const b = await replica('down-b', limits, url);
    expect(await a.quotas.take('sessions', 'p1')).toBe(true);
    expect(await a.limiter.request('p1')).toBe(0);

    await stopRedis();
    await until(() => !a.link.up && !b.link.up);
    // Down: each replica alone, answering at once (booleans and numbers, not Promises).
    const local = Array.from({ length: 7 }, () => b.quotas.take('sessions', 'p1'));
    expect(local).toEqual([true, true, true, true, true, false, false]);
    expect([b.limiter.request('p1'), b.limiter.request('p1'), b.limiter.request('p1')].map((w) => typeof w === 'number' && w > 0)).toEqual([false, false, true]);
    expect(a.quotas.take('sessions', 'p1')).toBe(true);
    a.quotas.give('sessions', 'p1');
    expect(b.logs.filter((l) => /counted per replica until Redis returns/.test(l))).toHaveLength(1);

    // Back (empty: the restarted Redis lost everything): each replica writes what it holds again.
    await startRedis();
    await until(() => a.link.up && b.link.up);
    const share = a.link.key('limits', 'held', 'sessions', 'p1');
    // a holds 1 (taken while up), b holds 5 (taken while down): both written back, so the share is full whichever replica asks.
    await until(async () => (await a.link.redis.hvals(share)).reduce((n, v) => n + Number(v), 0) === 6);
    expect(await a.link.redis.hlen(share)).toBe(2);
    expect(b.logs.filter((l) => /shared across replicas again/.test(l))).toHaveLength(1);
    expect(await a.quotas.take('sessions', 'p1')).toBe(false);
    b.quotas.give('sessions', 'p1');
    b.quotas.give('sessions', 'p1');
    await until(async () => (await a.quotas.take('sessions', 'p1')) === true);
  });
});

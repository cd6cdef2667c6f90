/**
 * Shared limits (issue 15): three real host processes, replicas of one cluster sharing a Redis
 * (127.0.0.1:6379, a key prefix of this run's own, removed afterwards), each reached directly. A
 * principal's requests spread over the replicas are held to the cluster-wide share — sessions,
 * requests in flight, request rate — with the same refusals as one host gives, while another
 * principal is served; a flood from one principal on every replica is refused cleanly and every
 * replica stays up and serves the others.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex, writeConfig } from '../harness/auth.js';
import { connectHttpClient, modernRequest, openListenStream, startPrivateRedis, type ListenStream, type PrivateRedis } from '../harness/index.js';
import { bearer, LEAKY, openSession, post, TOKENS, type Who } from '../harness/hostile.js';
import { startTestHost, type TestHost } from '../harness/startTestHost.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const PREFIX = `mcp-host-test-${randomUUID().slice(0, 8)}:`;
/** alice, the good client, holds a session and its GET stream on each replica: 3 streams are her share, and a session to spare. */
const QUOTAS = { sessionsPerPrincipal: 4, getStreamsPerPrincipal: 3, listenStreamsPerPrincipal: 2, inFlightPerPrincipal: 3 };
/** Every principal's HTTP requests: a burst of 60 cluster-wide, then 2 a second. */
const RATE = { rate: 2, burst: 60 };

interface Replica {
  readonly host: TestHost;
  readonly url: string;
  /** alice, the good client, connected to this replica. */
  alice: Client;
  readonly remove: () => void;
}

/**
 * Starts one host process per id, sharing Redis, each serving the leaky fixture with service tokens
 * and `config` (its cluster, quotas and limits), alice connected to each. Each replica is pushed
 * to `into` as soon as it runs, so afterAll stops it whatever fails next.
 */
async function startReplicas(into: Replica[], ids: string[], config: { cluster: Record<string, unknown>; server: Record<string, unknown>; limits?: Record<string, unknown> }): Promise<void> {
  const started = await Promise.allSettled(
    ids.map(async (replicaId) => {
      const file = writeConfig({
        cluster: { ...config.cluster, replicaId, keyPrefix: PREFIX },
        protocol: { requestStateSecret: 'cluster-limits-secret-0123456789' },
        server: { ...config.server, maxSessions: 100 },
        ...(config.limits ? { limits: config.limits } : {}),
        auth: { serviceTokens: (Object.keys(TOKENS) as Who[]).map((name) => ({ name, sha256: sha256Hex(TOKENS[name]), scopes: ['notes:read'] })) },
      });
      const host = await startTestHost({ plugins: [LEAKY], args: ['--config', file.file], timeoutMs: 60_000 }).catch((e) => (file.remove(), Promise.reject(e)));
      const replica: Replica = { host, url: host.url, alice: undefined as unknown as Client, remove: file.remove };
      into.push(replica);
      replica.alice = (await connectHttpClient(host.url, undefined, bearer('alice'))).client;
    }),
  );
  for (const s of started) if (s.status === 'rejected') throw s.reason;
}

describe('limits and quotas across replicas (three host processes, one Redis)', () => {
  const replicas: Replica[] = [];

  beforeAll(async () => {
    await startReplicas(replicas, ['r1', 'r2', 'r3'], { cluster: { redisUrl: REDIS_URL }, server: { quotas: QUOTAS }, limits: { perPrincipal: RATE } });
    // The same order as the ids, whichever started first.
    replicas.sort((a, b) => a.url.localeCompare(b.url));
  }, 150_000);

  afterAll(async () => {
    await Promise.all(
      replicas.map(async (r) => {
        await r.alice?.close().catch(() => undefined);
        await r.host.stop();
        r.remove();
      }),
    );
    // This run's keys (redis-cli: the root package does not depend on a Redis client).
    const keys = execFileSync('redis-cli', ['-u', REDIS_URL, '--scan', '--pattern', `${PREFIX}*`], { encoding: 'utf8' }).split('\n').filter(Boolean);
    if (keys.length > 0) execFileSync('redis-cli', ['-u', REDIS_URL, 'del', ...keys]);
  });

  /** Every replica is up and answers alice promptly. */
  async function expectAllServing(): Promise<void> {
    for (const r of replicas) {
      expect(r.host.process.exitCode, 'the replica must be alive').toBeNull();
      const started = performance.now();
      const pong = await r.alice.callTool({ name: 'ping', arguments: {} }, undefined, { timeout: 3_000 });
      expect((pong.content as Array<{ text: string }>)[0]!.text).toBe('pong');
      expect(performance.now() - started).toBeLessThan(3_000);
    }
  }

  it('every replica joined the cluster', () => {
    for (const r of replicas) expect(r.host.logs.some((l) => String(l.msg).includes('joined the cluster'))).toBe(true);
  });

  it('sessions: the share holds over all replicas (the fifth session on any replica gets the same 429 as one host gives); DELETE on any replica gives it back', async () => {
    const [r1, r2, r3] = replicas as [Replica, Replica, Replica];
    const first = await openSession(r1.url, 'mallory');
    const second = await openSession(r2.url, 'mallory');
    const third = await openSession(r2.url, 'mallory');
    const fourth = await openSession(r3.url, 'mallory');
    expect([first.status, second.status, third.status, fourth.status]).toEqual([200, 200, 200, 200]);
    for (const r of replicas) {
      const refused = await openSession(r.url, 'mallory');
      expect(refused.status).toBe(429);
      expect(refused.id).toBeNull();
      expect(refused.response?.error).toMatchObject({ code: -32029, message: expect.stringMatching(/already holds 4 sessions \(server\.quotas\.sessionsPerPrincipal\)/) });
    }
    // Another principal is served on every replica.
    for (const r of replicas) expect((await openSession(r.url, 'bob')).status).toBe(200);
    // Ended on another replica than the one holding its unit: that one hears of it and gives the unit back.
    const end = await fetch(r3.url, { method: 'DELETE', headers: { 'mcp-session-id': second.id!, ...bearer('mallory') } });
    expect(end.status).toBe(200);
    let again: Awaited<ReturnType<typeof openSession>> | undefined;
    await expect.poll(async () => (again = await openSession(r1.url, 'mallory')).status, { timeout: 5_000 }).toBe(200);
    expect((await openSession(r2.url, 'mallory')).status).toBe(429);
    for (const [r, id] of [[r1, first.id], [r2, third.id], [r3, fourth.id], [r1, again!.id]] as const) expect((await fetch(r.url, { method: 'DELETE', headers: { 'mcp-session-id': id!, ...bearer('mallory') } })).status).toBe(200);
    await expectAllServing();
  });

  it('GET streams: three open on three replicas fill the share; the fourth, on any replica, is refused (429); closing one frees it', async () => {
    const [r1, r2, r3] = replicas as [Replica, Replica, Replica];
    const sessions = await Promise.all(replicas.map((r) => openSession(r.url, 'mallory')));
    const controllers: AbortController[] = [];
    const stream = (r: Replica, id: string) => {
      const controller = new AbortController();
      controllers.push(controller);
      return fetch(r.url, { method: 'GET', headers: { accept: 'text/event-stream', 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25', ...bearer('mallory') }, signal: controller.signal });
    };
    try {
      const open = await Promise.all(replicas.map((r, i) => stream(r, sessions[i]!.id!)));
      expect(open.map((r) => r.status)).toEqual([200, 200, 200]);
      const fourth = await openSession(r1.url, 'mallory');
      expect(fourth.status).toBe(200);
      const refused = await stream(r1, fourth.id!);
      expect(refused.status).toBe(429);
      expect(await refused.json()).toMatchObject({ error: { code: -32029, message: expect.stringMatching(/3 GET streams \(server\.quotas\.getStreamsPerPrincipal\)/), data: { limit: 'getStreamsPerPrincipal', max: 3 } } });
      controllers[2]!.abort();
      await expect.poll(async () => {
        const again = await stream(r1, fourth.id!);
        return again.status;
      }, { timeout: 5_000 }).toBe(200);
      for (const [r, id] of [[r1, sessions[0]!.id], [r2, sessions[1]!.id], [r3, sessions[2]!.id], [r1, fourth.id]] as const) await fetch(r.url, { method: 'DELETE', headers: { 'mcp-session-id': id!, ...bearer('mallory') } });
    } finally {
      for (const c of controllers) c.abort();
    }
    await expectAllServing();
  });

  it('listen streams: two open on two replicas fill the share; a third on the third replica is answered -32029', async () => {
    const [r1, r2, r3] = replicas as [Replica, Replica, Replica];
    const streams: ListenStream[] = [];
    try {
      for (const [i, r] of [r1, r2].entries()) {
        const s = await openListenStream(r.url, `l${i}`, { toolsListChanged: true }, { headers: bearer('mallory') });
        streams.push(s);
        await s.waitFor((e) => e.method === 'notifications/subscriptions/acknowledged');
      }
      const refused = await openListenStream(r3.url, 'l-x', { toolsListChanged: true }, { headers: bearer('mallory') });
      streams.push(refused);
      expect((await refused.waitFor((e) => 'error' in e)).error).toMatchObject({ code: -32029, message: expect.stringMatching(/2 listen streams \(server\.quotas\.listenStreamsPerPrincipal\)/), data: { limit: 'listenStreamsPerPrincipal', max: 2 } });
      const bobs = await openListenStream(r3.url, 'b-l', { toolsListChanged: true }, { headers: bearer('bob') });
      streams.push(bobs);
      await bobs.waitFor((e) => e.method === 'notifications/subscriptions/acknowledged');
    } finally {
      for (const s of streams) s.close();
    }
    await expectAllServing();
  });

  it('requests in flight: calls held on two replicas fill the share, so the next one on the third is refused (429, Retry-After)', async () => {
    const [r1, r2, r3] = replicas as [Replica, Replica, Replica];
    const call = (r: Replica, id: string, name: string, args: Record<string, unknown> = {}) => post(r.url, 'mallory', modernRequest(id, 'tools/call', { name, arguments: args }));
    const slow = [call(r1, 's1', 'sleep', { ms: 2500 }), call(r2, 's2', 'sleep', { ms: 2500 }), call(r2, 's3', 'sleep', { ms: 2500 })];
    await new Promise((r) => setTimeout(r, 400));
    const refused = await call(r3, 'x', 'ping');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.response?.error).toMatchObject({ code: -32029, message: expect.stringMatching(/3 requests in flight \(server\.quotas\.inFlightPerPrincipal\)/), data: { limit: 'inFlightPerPrincipal', max: 3 } });
    const bob = await post(r3.url, 'bob', modernRequest('b', 'tools/call', { name: 'ping', arguments: {} }), { timeoutMs: 2_000 });
    expect(bob.response?.result).toMatchObject({ content: [{ type: 'text', text: 'pong' }] });
    for (const r of await Promise.all(slow)) expect(r.response?.result).toMatchObject({ content: [{ type: 'text', text: 'slept 2500' }] });
    // Given back as the calls end, on whichever replica asks next.
    expect((await call(r3, 'after', 'ping')).status).toBe(200);
  });

  it('hostile: a flood from one principal on every replica is held to the cluster-wide rate (not three times it); the others are served and every replica stays up', async () => {
    const ping = (r: Replica, id: string) => post(r.url, 'bob', modernRequest(id, 'tools/call', { name: 'ping', arguments: {} }), { timeoutMs: 20_000 });
    // One caller per replica, each as fast as it is answered (within the in-flight share of 3): only the rate limits them.
    const started = performance.now();
    const waves = await Promise.all(replicas.map(async (r, i) => {
      const answers = [];
      for (let n = 0; n < 60; n++) answers.push(await ping(r, `w${i}-${n}`));
      return answers;
    }));
    const seconds = (performance.now() - started) / 1000;
    const all = waves.flat();
    const served = all.filter((r) => r.status === 200);
    const refused = all.filter((r) => r.status === 429);
    expect(served.length + refused.length).toBe(all.length);
    // bob spent a few of his tokens above (sessions, a ping); the refill adds RATE.rate a second.
    expect(served.length).toBeLessThanOrEqual(RATE.burst + Math.ceil(seconds * RATE.rate) + 1);
    expect(served.length).toBeGreaterThan(RATE.burst / 2);
    for (const r of refused) {
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(r.response?.error).toMatchObject({ code: -32029, data: { retryAfterMs: expect.any(Number) }, message: expect.stringMatching(/limits\.perPrincipal/) });
    }
    // Each replica refused part of it: one limit, across them.
    for (const answers of waves) expect(answers.some((r) => r.status === 429)).toBe(true);

    // Then everything at once on every replica: each answer is a clean refusal (rate or in-flight share) or a result.
    const flood = await Promise.all(Array.from({ length: 150 }, (_, i) => ping(replicas[i % 3]!, `f${i}`)));
    for (const r of flood) {
      expect([200, 429]).toContain(r.status);
      if (r.status === 429) expect(r.response?.error).toMatchObject({ code: -32029, message: expect.stringMatching(/limits\.perPrincipal|server\.quotas\.inFlightPerPrincipal/) });
    }
    await expectAllServing();
    for (const r of replicas) expect(r.host.logs.filter((l) => Number(l.level) >= 50)).toEqual([]);
  }, 90_000);
});

describe('quotas while Redis is down (two host processes on a private redis-server, stopped and started again)', () => {
  const replicas: Replica[] = [];
  let redis: PrivateRedis | undefined;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    await startReplicas(replicas, ['d1', 'd2'], { cluster: { redisUrl: redis.url, commandTimeoutMs: 500 }, server: { quotas: { listenStreamsPerPrincipal: 2 } } });
  }, 150_000);

  afterAll(async () => {
    await Promise.all(
      replicas.map(async (r) => {
        await r.alice?.close().catch(() => undefined);
        await r.host.stop();
        r.remove();
      }),
    );
    await redis?.kill();
  });

  it('down: each replica enforces the share alone, answering at once and logging it once; back: shared again with what each holds written back', async () => {
    const [d1, d2] = replicas as [Replica, Replica];
    const streams: ListenStream[] = [];
    const listen = async (r: Replica, id: string) => {
      const s = await openListenStream(r.url, id, { toolsListChanged: true }, { headers: bearer('mallory') });
      streams.push(s);
      const first = await s.waitFor((e) => e.method === 'notifications/subscriptions/acknowledged' || 'error' in e);
      return { stream: s, ok: !('error' in first), error: first.error };
    };
    try {
      expect((await listen(d1, 'up-1')).ok).toBe(true);
      await redis!.kill();
      const perReplica = /limits and quotas are counted per replica until Redis returns/;
      await expect.poll(() => replicas.every((r) => r.host.logs.some((l) => perReplica.test(String(l.msg)))), { timeout: 10_000 }).toBe(true);

      // Down: d1 holds 1 of its own 2, d2 none: each lets mallory reach 2 on it, no request waiting on Redis.
      const started = performance.now();
      expect((await listen(d1, 'down-1')).ok).toBe(true);
      expect((await listen(d2, 'down-2')).ok).toBe(true);
      expect((await listen(d2, 'down-3')).ok).toBe(true);
      expect(performance.now() - started).toBeLessThan(5_000);
      for (const [i, r] of replicas.entries()) expect((await listen(r, `down-x${i}`)).error).toMatchObject({ code: -32029, data: { limit: 'listenStreamsPerPrincipal', max: 2 } });
      for (const r of replicas) {
        expect(r.host.process.exitCode).toBeNull();
        expect((await r.alice.callTool({ name: 'ping', arguments: {} }, undefined, { timeout: 3_000 })).content).toEqual([{ type: 'text', text: 'pong' }]);
      }

      // Back (empty): each replica writes back what it holds, so mallory (4 held) is over the shared 2 everywhere.
      await redis!.start();
      const shared = /limits and quotas are shared across replicas again/;
      await expect.poll(() => replicas.every((r) => r.host.logs.some((l) => shared.test(String(l.msg)))), { timeout: 15_000 }).toBe(true);
      await expect.poll(async () => (await listen(d1, `back-${streams.length}`)).ok, { timeout: 10_000 }).toBe(false);
      expect((await listen(d2, 'back-d2')).ok).toBe(false);
      // Three closed (4 → 1): one more fits, anywhere, then the share is full again.
      const open = streams.filter((s) => s.events.some((e) => e.method === 'notifications/subscriptions/acknowledged'));
      expect(open).toHaveLength(4);
      for (const s of open.slice(0, 3)) s.close();
      await expect.poll(async () => (await listen(d2, `again-${streams.length}`)).ok, { timeout: 10_000 }).toBe(true);
      expect((await listen(d1, 'full-again')).ok).toBe(false);
      for (const r of replicas) expect(r.host.logs.filter((l) => perReplica.test(String(l.msg)))).toHaveLength(1);
    } finally {
      for (const s of streams) s.close();
    }
  }, 90_000);
});

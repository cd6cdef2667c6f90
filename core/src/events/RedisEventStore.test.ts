/**
 * The Redis event store against the machine's real Redis (127.0.0.1:6379), under a key prefix of
 * this run only. Two stores on their own connections stand for two replicas: one writes a stream,
 * the other replays and follows it.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../protocol/ports/EventStore.js';
import { RedisEventStore } from './RedisEventStore.js';

const PREFIX = `mcp-host-test-${randomUUID().slice(0, 8)}:events:`;
const URL = 'redis://127.0.0.1:6379';
const retention = { maxPerStream: 50, ttlMs: 60_000 };

/** A store with its own two connections, as a replica's RedisLink has. */
function replica() {
  const redis = new Redis(URL, { enableOfflineQueue: false, lazyConnect: true });
  const sub = new Redis(URL, { lazyConnect: true });
  const store = new RedisEventStore(redis, sub, PREFIX, retention);
  return {
    store,
    redis,
    connect: () => Promise.all([redis.connect(), sub.connect()]),
    close: async () => (await store.close(), redis.disconnect(), sub.disconnect()),
  };
}

function recorder() {
  const events: StoredEvent[] = [];
  let ended = false;
  let onEnd: () => void = () => {};
  const done = new Promise<void>((resolve) => (onEnd = resolve));
  return { events, done, get ended() { return ended; }, follower: { event: (e: StoredEvent) => void events.push(e), end: () => ((ended = true), onEnd()) } };
}

const until = async (check: () => boolean, ms = 3000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('RedisEventStore (real Redis)', () => {
  const a = replica();
  const b = replica();
  const key = () => `session-${randomUUID()}/p${randomUUID()}`;

  beforeAll(async () => {
    await Promise.all([a.connect(), b.connect()]);
  });
  afterAll(async () => {
    const keys = await a.redis.keys(`${PREFIX}*`);
    if (keys.length) await a.redis.del(...keys);
    await Promise.all([a.close(), b.close()]);
  });

  it('replays on one replica what another wrote; an unknown stream is undefined', async () => {
    const k = key();
    expect(await b.store.replay(k, 0)).toBeUndefined();
    a.store.open(k);
    a.store.append(k, 1, '{"n":1}');
    a.store.append(k, 2, '{"n":2}');
    a.store.end(k, 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(await b.store.replay(k, 1)).toEqual({ events: [{ seq: 2, data: '{"n":2}' }], ended: true });
    expect(await b.store.replay(k, 0)).toMatchObject({ events: [{ seq: 1 }, { seq: 2 }] });
    // Every write refreshes the TTL (cluster.events.ttlMs).
    const ttl = await a.redis.pttl(`${PREFIX}${k}`);
    expect(ttl).toBeGreaterThan(50_000);
  });

  it('follows another replica: the replay, then live events each once and in order, then the end', async () => {
    const k = key();
    a.store.open(k);
    a.store.append(k, 1, 'one');
    await new Promise((r) => setTimeout(r, 50));
    const r = recorder();
    const stop = await b.store.follow(k, 0, r.follower);
    expect(stop).toBeTypeOf('function');
    for (let seq = 2; seq <= 40; seq++) a.store.append(k, seq, `event ${seq}`);
    a.store.end(k, 40);
    await r.done;
    expect(r.events.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(r.events[39].data).toBe('event 40');
  });

  it('does not lose or repeat events written while the follow starts (subscribe, then read)', async () => {
    const k = key();
    a.store.open(k);
    const r = recorder();
    // Writes race the follow's subscribe and read: each event still comes exactly once.
    const writing = (async () => {
      for (let seq = 1; seq <= 200; seq++) {
        a.store.append(k, seq, String(seq));
        if (seq % 20 === 0) await new Promise((res) => setImmediate(res));
      }
      a.store.end(k, 200);
    })();
    await new Promise((res) => setTimeout(res, 1));
    const stop = await b.store.follow(k, 0, r.follower);
    await writing;
    if (stop) await r.done;
    expect(r.events.map((e) => e.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('fills a gap from the stream (a live message lost) and ends after the last event', async () => {
    const k = key();
    a.store.open(k);
    const r = recorder();
    await b.store.follow(k, 0, r.follower);
    // Event 1 reaches the stream but not the channel (as while a subscriber reconnects); event 2 is published.
    await a.redis.xadd(`${PREFIX}${k}`, '*', 's', '1', 'd', 'lost live');
    a.store.append(k, 2, 'two');
    a.store.end(k, 2);
    await r.done;
    expect(r.events.map((e) => e.data)).toEqual(['lost live', 'two']);
  });

  it('stops delivering once the follower stops, and trims a stream to about maxPerStream', async () => {
    const k = key();
    a.store.open(k);
    const r = recorder();
    const stop = await b.store.follow(k, 0, r.follower);
    a.store.append(k, 1, 'one');
    await until(() => r.events.length === 1);
    stop!();
    for (let seq = 2; seq <= 400; seq++) a.store.append(k, seq, String(seq));
    await new Promise((res) => setTimeout(res, 100));
    expect(r.events).toHaveLength(1);
    expect(r.ended).toBe(false);
    // MAXLEN ~ trims whole macro nodes: about maxPerStream are kept, never all 400.
    const kept = (await b.store.replay(k, 0))!.events;
    expect(kept.length).toBeLessThan(400);
    expect(kept.at(-1)!.seq).toBe(400);
  });

  it('a follow of a stream that already ended replays it and ends at once', async () => {
    const k = key();
    a.store.append(k, 1, 'one');
    a.store.end(k, 1);
    await new Promise((res) => setTimeout(res, 50));
    const r = recorder();
    await b.store.follow(k, 0, r.follower);
    expect(r.ended).toBe(true);
    expect(r.events.map((e) => e.seq)).toEqual([1]);
    expect(await b.store.follow(key(), 0, recorder().follower)).toBeUndefined();
  });
});

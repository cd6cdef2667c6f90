import { afterEach, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../protocol/ports/EventStore.js';
import { MemoryEventStore } from './MemoryEventStore.js';

const retention = { maxPerStream: 3, ttlMs: 1000, maxStreams: 2 };

function recorder() {
  const events: StoredEvent[] = [];
  let ended = 0;
  return { events, get ended() { return ended; }, follower: { event: (e: StoredEvent) => void events.push(e), end: () => void ended++ } };
}

describe('MemoryEventStore', () => {
  let store: MemoryEventStore;
  afterEach(() => store.close());

  it('replays the events after a sequence, and tells an unknown stream from an empty one', async () => {
    store = new MemoryEventStore(retention);
    expect(await store.replay('s/a', 0)).toBeUndefined();
    store.open('s/a');
    expect(await store.replay('s/a', 0)).toEqual({ events: [], ended: false });
    store.append('s/a', 1, '{"n":1}');
    store.append('s/a', 2, '{"n":2}');
    store.end('s/a', 2);
    expect(await store.replay('s/a', 1)).toEqual({ events: [{ seq: 2, data: '{"n":2}' }], ended: true });
  });

  it('keeps the last maxPerStream events of a stream', async () => {
    store = new MemoryEventStore(retention);
    for (let seq = 1; seq <= 5; seq++) store.append('s/a', seq, String(seq));
    expect((await store.replay('s/a', 0))!.events.map((e) => e.seq)).toEqual([3, 4, 5]);
  });

  it('follows: the replay, then each live event once, then the end', async () => {
    store = new MemoryEventStore(retention);
    store.append('s/a', 1, 'one');
    const r = recorder();
    const stop = await store.follow('s/a', 0, r.follower);
    expect(stop).toBeTypeOf('function');
    store.append('s/a', 2, 'two');
    store.end('s/a', 2);
    store.append('s/a', 3, 'after the end');
    expect(r.events.map((e) => e.data)).toEqual(['one', 'two']);
    expect(r.ended).toBe(1);
    // Following a stream that already ended replays it and ends at once.
    const late = recorder();
    await store.follow('s/a', 1, late.follower);
    expect(late.events.map((e) => e.seq)).toEqual([2]);
    expect(late.ended).toBe(1);
  });

  it('stops delivering once the follower stops, and follows nothing unknown', async () => {
    store = new MemoryEventStore(retention);
    store.open('s/a');
    const r = recorder();
    const stop = await store.follow('s/a', 0, r.follower);
    stop!();
    store.append('s/a', 1, 'one');
    expect(r.events).toEqual([]);
    expect(await store.follow('s/other', 0, recorder().follower)).toBeUndefined();
  });

  it('drops the least recently written stream past maxStreams, ending its followers', async () => {
    store = new MemoryEventStore(retention);
    store.append('s/a', 1, 'a');
    store.append('s/b', 1, 'b');
    store.append('s/a', 2, 'a'); // a is now the most recently written
    const r = recorder();
    await store.follow('s/b', 0, r.follower);
    store.append('s/c', 1, 'c');
    expect(await store.replay('s/b', 0)).toBeUndefined();
    expect(r.ended).toBe(1);
    expect(store.size).toBe(2);
  });

  it('expires streams not written for ttlMs, but not one still followed', async () => {
    store = new MemoryEventStore({ ...retention, ttlMs: 1000 });
    store.append('s/a', 1, 'a');
    store.append('s/b', 1, 'b');
    await store.follow('s/b', 1, recorder().follower);
    await new Promise((r) => setTimeout(r, 1700));
    expect(await store.replay('s/a', 0)).toBeUndefined();
    expect(await store.replay('s/b', 0)).toBeDefined();
  });
});

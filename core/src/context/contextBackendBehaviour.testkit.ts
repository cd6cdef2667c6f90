/**
 * What every `ContextBackend` does, as one table of tests run against each backend
 * (`MemoryContextBackend.test.ts`, `cluster/RedisContextBackend.test.ts`): the port's semantics are
 * the same whether values live in the host's memory or in Redis. Each test uses scopes of its own,
 * so the tests share one backend. TTLs are short (hundreds of ms) with margins of 150 ms or more for a
 * loaded machine.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContextBackend, DeleteOutcome, ScopeLimits, StoredValue, WriteOutcome } from '../protocol/ports/ContextPorts.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const OPEN: ScopeLimits = { maxKeys: 1000, maxBytes: 10_000_000 };
/** A scope of this test only, in the shape the service builds (`n/<namespace>`, URI-encoded). */
const fresh = (kind = 'n') => `${kind}/${encodeURIComponent(`test-${randomUUID()}`)}`;

/** A stored value as the port defines it (a backend may keep more on its objects, e.g. their size). */
const plain = (v: StoredValue | undefined): StoredValue | undefined => v && { json: v.json, version: v.version, ...(v.expiresAt !== undefined ? { expiresAt: v.expiresAt } : {}) };

/** The port's view of an outcome: its `current` value plain. */
function outcome<T extends WriteOutcome | DeleteOutcome>(o: T): T {
  return o.ok || o.reason !== 'conflict' ? o : ({ ...o, current: plain(o.current) } as T);
}

export function describeContextBackend(name: string, open: () => ContextBackend | Promise<ContextBackend>): void {
  describe(`${name}: the ContextBackend behaviours`, () => {
    let store: ContextBackend;
    // The tests see values and outcomes as the port defines them.
    const backend: ContextBackend = {
      get: async (...a) => plain(await store.get(...a)),
      set: async (...a) => outcome(await store.set(...a)),
      delete: async (...a) => outcome(await store.delete(...a)),
      keys: (...a) => store.keys(...a),
      clear: (...a) => store.clear(...a),
      close: () => store.close(),
    };
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await backend.close();
    });

    it('stores, reads, overwrites: each write a higher version, the read answering the stored one', async () => {
      const scope = fresh();
      expect(await backend.get(scope, 'a')).toBeUndefined();
      const first = await backend.set(scope, 'a', '{"n":1}', undefined, undefined, OPEN);
      expect(first).toEqual({ ok: true, version: expect.any(Number) });
      expect(await backend.get(scope, 'a')).toEqual({ json: '{"n":1}', version: first.ok && first.version });
      const second = await backend.set(scope, 'a', '[1,2]', undefined, undefined, OPEN);
      expect(second.ok && first.ok && second.version > first.version).toBe(true);
      expect(await backend.get(scope, 'a')).toEqual({ json: '[1,2]', version: second.ok && second.version });
      // Another scope, another principal's or session's: nothing of the first is seen there.
      expect(await backend.get(fresh('p'), 'a')).toBeUndefined();
    });

    it('compare-and-set: ifVersion 0 only when absent, n only when current is n; a conflict answers the current value', async () => {
      const scope = fresh('s');
      const created = await backend.set(scope, 'k', '"one"', undefined, 0, OPEN);
      if (!created.ok) throw new Error('create refused');
      expect(await backend.set(scope, 'k', '"again"', undefined, 0, OPEN)).toEqual({ ok: false, reason: 'conflict', current: { json: '"one"', version: created.version } });
      expect(await backend.set(scope, 'k', '"stale"', undefined, created.version + 1000, OPEN)).toMatchObject({ ok: false, reason: 'conflict', current: { version: created.version } });
      const next = await backend.set(scope, 'k', '"two"', undefined, created.version, OPEN);
      expect(next.ok).toBe(true);
      // The version just used is stale now.
      expect(await backend.set(scope, 'k', '"three"', undefined, created.version, OPEN)).toMatchObject({ ok: false, reason: 'conflict', current: { json: '"two"' } });
      // A version expected of an absent key: a conflict with no current value.
      const absent = await backend.set(scope, 'none', '1', undefined, 7, OPEN);
      expect(absent).toMatchObject({ ok: false, reason: 'conflict' });
      expect(absent.ok === false && absent.reason === 'conflict' && absent.current).toBeFalsy();
      expect(await backend.get(scope, 'none')).toBeUndefined();
    });

    it('delete: says whether it existed, honours ifVersion, and frees the key for an ifVersion 0 write', async () => {
      const scope = fresh();
      const w = await backend.set(scope, 'k', '1', undefined, undefined, OPEN);
      if (!w.ok) throw new Error('write refused');
      expect(await backend.delete(scope, 'k', w.version + 1)).toMatchObject({ ok: false, reason: 'conflict', current: { json: '1', version: w.version } });
      expect(await backend.delete(scope, 'k', 0)).toMatchObject({ ok: false, reason: 'conflict', current: { version: w.version } });
      expect(await backend.get(scope, 'k')).toEqual({ json: '1', version: w.version });
      expect(await backend.delete(scope, 'k', w.version)).toEqual({ ok: true, existed: true });
      expect(await backend.delete(scope, 'k', undefined)).toEqual({ ok: true, existed: false });
      expect(await backend.delete(scope, 'k', 0)).toEqual({ ok: true, existed: false });
      expect(await backend.delete(scope, 'k', w.version)).toMatchObject({ ok: false, reason: 'conflict' });
      expect(await backend.get(scope, 'k')).toBeUndefined();
      expect((await backend.set(scope, 'k', '2', undefined, 0, OPEN)).ok).toBe(true);
    });

    it('versions are never reused: not after a delete, not after a clear (a held version cannot match a new value: no ABA)', async () => {
      const scope = fresh();
      const seen: number[] = [];
      for (let round = 0; round < 3; round++) {
        const w = await backend.set(scope, 'k', String(round), undefined, undefined, OPEN);
        if (!w.ok) throw new Error('write refused');
        seen.push(w.version);
        if (round === 0) await backend.delete(scope, 'k', undefined);
        else await backend.clear(scope);
      }
      expect([...seen].sort((a, b) => a - b)).toEqual(seen);
      expect(new Set(seen).size).toBe(seen.length);
      // A writer holding the first version does not overwrite the value written since.
      await backend.set(scope, 'k', '"new"', undefined, undefined, OPEN);
      expect(await backend.set(scope, 'k', '"old writer"', undefined, seen[0], OPEN)).toMatchObject({ ok: false, reason: 'conflict' });
    });

    it('keys: sorted, of this scope only; clear drops the scope and nothing else', async () => {
      const scope = fresh();
      const other = fresh();
      for (const k of ['b', 'a', 'c/d', 'B', 'ä']) await backend.set(scope, k, '0', undefined, undefined, OPEN);
      await backend.set(other, 'z', '0', undefined, undefined, OPEN);
      expect(await backend.keys(scope)).toEqual(['B', 'a', 'b', 'c/d', 'ä']);
      await backend.delete(scope, 'a', undefined);
      expect(await backend.keys(scope)).toEqual(['B', 'b', 'c/d', 'ä']);
      await backend.clear(scope);
      expect(await backend.keys(scope)).toEqual([]);
      expect(await backend.get(scope, 'b')).toBeUndefined();
      expect(await backend.keys(other)).toEqual(['z']);
      // A cleared scope starts again empty, its quota free.
      expect((await backend.set(scope, 'x', '1', undefined, undefined, { maxKeys: 1, maxBytes: 2 })).ok).toBe(true);
      await backend.clear(fresh()); // clearing a scope that never was is fine
    });

    it('a value with a TTL answers its expiry, then is absent to every operation once it passes', async () => {
      const scope = fresh();
      const before = Date.now();
      const w = await backend.set(scope, 'short', '"s"', 200, undefined, OPEN);
      if (!w.ok || w.expiresAt === undefined) throw new Error('no expiry answered');
      // Epoch ms; the store's clock may be Redis's, on this machine the same as ours give or take a few ms.
      expect(w.expiresAt).toBeGreaterThanOrEqual(before + 200 - 20);
      expect(w.expiresAt).toBeLessThanOrEqual(Date.now() + 200 + 20);
      await backend.set(scope, 'long', '"l"', undefined, undefined, OPEN);
      expect(await backend.get(scope, 'short')).toEqual({ json: '"s"', version: w.version, expiresAt: w.expiresAt });
      expect(await backend.keys(scope)).toEqual(['long', 'short']);
      await sleep(w.expiresAt - Date.now() + 30);
      expect(await backend.get(scope, 'short')).toBeUndefined();
      expect(await backend.keys(scope)).toEqual(['long']);
      expect(await backend.delete(scope, 'short', undefined)).toEqual({ ok: true, existed: false });
      expect((await backend.set(scope, 'short', '"again"', undefined, 0, OPEN)).ok).toBe(true);
      // A write without a TTL takes the expiry away.
      const ttl = await backend.set(scope, 'k', '1', 200, undefined, OPEN);
      const kept = await backend.set(scope, 'k', '2', undefined, ttl.ok ? ttl.version : 0, OPEN);
      expect(kept).toEqual({ ok: true, version: expect.any(Number) });
      await sleep(250);
      expect(await backend.get(scope, 'k')).toMatchObject({ json: '2' });
    });

    it('an expired value counts against no quota (keys and bytes)', async () => {
      const scope = fresh();
      const limits: ScopeLimits = { maxKeys: 2, maxBytes: 20 };
      // A value without TTL keeps the scope alive, so the expired one must be dropped from the counts.
      expect((await backend.set(scope, 'keep', '1', undefined, undefined, limits)).ok).toBe(true); // 5
      expect((await backend.set(scope, 'a', '"12345"', 200, undefined, limits)).ok).toBe(true); // 8
      expect(await backend.set(scope, 'b', '1', undefined, undefined, limits)).toEqual({ ok: false, reason: 'quota', limit: 'keys', max: 2 });
      await sleep(250);
      // 5 + 15 = 20: fits only with the expired value's 8 freed.
      expect((await backend.set(scope, 'b', '"123456789012"', undefined, undefined, limits)).ok).toBe(true);
      expect(await backend.keys(scope)).toEqual(['b', 'keep']);
    });

    it("the scope's TTL: each write pushes it back; past it the whole scope is gone, values with longer TTLs too", async () => {
      const scope = fresh('s');
      const limits: ScopeLimits = { ...OPEN, scopeTtlMs: 600 };
      await backend.set(scope, 'a', '1', undefined, undefined, limits);
      await backend.set(scope, 'b', '2', 60_000, undefined, limits);
      await sleep(350);
      await backend.set(scope, 'c', '3', undefined, undefined, limits);
      await sleep(350);
      // 700 ms after the first writes, 350 after the last: alive.
      expect(await backend.keys(scope)).toEqual(['a', 'b', 'c']);
      expect(await backend.get(scope, 'a')).toMatchObject({ json: '1' });
      await sleep(650);
      expect(await backend.get(scope, 'a')).toBeUndefined();
      expect(await backend.get(scope, 'b')).toBeUndefined();
      expect(await backend.keys(scope)).toEqual([]);
      // Written again, it starts empty (no quota held by the dead values).
      expect((await backend.set(scope, 'd', '4', undefined, undefined, { maxKeys: 1, maxBytes: 2, scopeTtlMs: 600 })).ok).toBe(true);
    });

    it('maxKeys: a new key over it is refused, an overwrite is not counted twice, a delete frees one', async () => {
      const scope = fresh();
      const limits: ScopeLimits = { maxKeys: 2, maxBytes: 1000 };
      expect((await backend.set(scope, 'a', '1', undefined, undefined, limits)).ok).toBe(true);
      expect((await backend.set(scope, 'b', '1', undefined, undefined, limits)).ok).toBe(true);
      expect(await backend.set(scope, 'c', '1', undefined, undefined, limits)).toEqual({ ok: false, reason: 'quota', limit: 'keys', max: 2 });
      expect((await backend.set(scope, 'a', '2', undefined, undefined, limits)).ok).toBe(true);
      expect(await backend.get(scope, 'c')).toBeUndefined();
      await backend.delete(scope, 'b', undefined);
      expect((await backend.set(scope, 'c', '1', undefined, undefined, limits)).ok).toBe(true);
      expect(await backend.keys(scope)).toEqual(['a', 'c']);
    });

    it('maxBytes: key plus JSON in UTF-8 bytes, the new value in place of the old; a refused write changes nothing', async () => {
      const scope = fresh();
      const limits: ScopeLimits = { maxKeys: 100, maxBytes: 10 };
      expect((await backend.set(scope, 'a', '"xyz"', undefined, undefined, limits)).ok).toBe(true); // 1 + 5
      // 1 + 10 = 11 > 10, even though the old value goes.
      expect(await backend.set(scope, 'a', '"xyzabcde"', undefined, undefined, limits)).toEqual({ ok: false, reason: 'quota', limit: 'bytes', max: 10 });
      expect(await backend.get(scope, 'a')).toMatchObject({ json: '"xyz"' });
      // 1 + 8 = 9: fits in place of the old 6 (counted twice it would not).
      expect((await backend.set(scope, 'a', '"xyzabc"', undefined, undefined, limits)).ok).toBe(true);
      expect(await backend.set(scope, 'b', '1', undefined, undefined, limits)).toMatchObject({ ok: false, limit: 'bytes' });
      await backend.delete(scope, 'a', undefined);
      // Non-ASCII counts its UTF-8 bytes: 'a' + '"éééé"' is 1 + 10 = 11 (7 UTF-16 units would have fitted).
      expect(await backend.set(scope, 'a', '"éééé"', undefined, undefined, limits)).toMatchObject({ ok: false, limit: 'bytes' });
      // The key 'é' and '"😀"' are 2 + 6 bytes, so 8 of the 10.
      expect((await backend.set(scope, 'é', '"😀"', undefined, undefined, limits)).ok).toBe(true);
      expect(await backend.set(scope, 'x', '12', undefined, undefined, limits)).toMatchObject({ ok: false, limit: 'bytes' }); // 8 + 3
      expect((await backend.set(scope, 'x', '1', undefined, undefined, limits)).ok).toBe(true); // 8 + 2 = 10, exactly the max
      expect(await backend.set(scope, 'y', '1', undefined, undefined, limits)).toMatchObject({ ok: false, limit: 'bytes' });
      expect(await backend.keys(scope)).toEqual(['x', 'é']);
    });

    it('50 concurrent compare-and-set writers (read, CAS, retry on conflict) each add one: the count ends at exactly 50', async () => {
      const scope = fresh();
      let conflicts = 0;
      const increment = async () => {
        for (;;) {
          const current = await backend.get(scope, 'count');
          const n = current ? (JSON.parse(current.json) as number) : 0;
          const w = await backend.set(scope, 'count', JSON.stringify(n + 1), undefined, current?.version ?? 0, OPEN);
          if (w.ok) return;
          if (w.reason !== 'conflict') throw new Error(`refused: ${w.reason}`);
          conflicts++;
        }
      };
      await Promise.all(Array.from({ length: 50 }, increment));
      expect(await backend.get(scope, 'count')).toMatchObject({ json: '50' });
      // The writers did race (else the test proves nothing about atomicity).
      expect(conflicts).toBeGreaterThan(0);
    });

    it('hostile keys, scopes and values: 1 MB of JSON passes when the limits allow; ":", "{", "}" keep scopes apart', async () => {
      const scope = fresh();
      const big = JSON.stringify({ blob: 'x'.repeat(1024 * 1024), nested: [{ '}': '{', ':': '|' }] });
      const w = await backend.set(scope, 'big', big, undefined, undefined, { maxKeys: 10, maxBytes: 2 * 1024 * 1024 });
      expect(w.ok).toBe(true);
      expect((await backend.get(scope, 'big'))?.json).toBe(big);
      expect(await backend.set(scope, 'big2', big, undefined, undefined, { maxKeys: 10, maxBytes: 2 * 1024 * 1024 })).toMatchObject({ ok: false, limit: 'bytes' });

      // Scopes and keys built to collide under a naive `scope:key` or `{scope}:suffix` layout.
      const base = fresh();
      const scopes = [base, `${base}}`, `${base}}:d`, `${base}}:m`, `${base}:d`, `{${base}}`, `${base}{x}`, `${base}/}:`];
      const keys = ['k', 'k:d', '{k}', '}', ':', 'd', 'm:1', '\n\t\0', '%7B', 'ключ 🔑'];
      for (const [i, s] of scopes.entries()) for (const k of keys) expect((await backend.set(s, k, JSON.stringify(`${i}|${k}`), undefined, undefined, OPEN)).ok).toBe(true);
      for (const [i, s] of scopes.entries()) {
        expect(await backend.keys(s)).toEqual([...keys].sort());
        for (const k of keys) expect((await backend.get(s, k))?.json).toBe(JSON.stringify(`${i}|${k}`));
      }
      await backend.clear(scopes[1]!);
      expect(await backend.keys(scopes[1]!)).toEqual([]);
      for (const s of [scopes[0]!, ...scopes.slice(2)]) expect(await backend.keys(s)).toHaveLength(keys.length);
      // JSON text that holds what Lua or a packed format might trip on comes back byte for byte.
      const odd = JSON.stringify({ s: '%s %d \\ | : \u0000 \u2028 😀', lone: '\ud800' });
      await backend.set(scope, 'odd', odd, undefined, undefined, OPEN);
      expect((await backend.get(scope, 'odd'))?.json).toBe(odd);
      for (const s of scopes) await backend.clear(s);
    });
  });
}

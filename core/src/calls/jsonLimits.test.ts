import { describe, expect, it } from 'vitest';
import { DEFAULT_JSON_LIMITS, exceedsJsonLimits, textNestsDeeper } from './jsonLimits.js';

const nested = (depth: number) => {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

describe('exceedsJsonLimits', () => {
  it('accepts ordinary requests and results', () => {
    expect(exceedsJsonLimits({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 'hi', list: [1, 2, { x: null }] } } })).toBeUndefined();
    expect(exceedsJsonLimits(nested(DEFAULT_JSON_LIMITS.maxDepth))).toBeUndefined();
    expect(exceedsJsonLimits(new Uint8Array(5_000_000))).toBeUndefined();
    expect(exceedsJsonLimits({ blob: new Uint8Array(5_000_000) })).toBeUndefined();
  });

  it('refuses depth 100,000 levels deep, recursing no deeper than the limit', () => {
    expect(exceedsJsonLimits(nested(DEFAULT_JSON_LIMITS.maxDepth + 1))).toMatch(/nested deeper than 64 levels \(server\.limits\.maxDepth\)/);
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000));
    expect(exceedsJsonLimits(deep)).toMatch(/maxDepth/);
  });

  it('refuses long strings (values and keys), long arrays and wide objects', () => {
    const limits = { ...DEFAULT_JSON_LIMITS, maxStringLength: 256, maxArrayLength: 16, maxObjectKeys: 16 };
    expect(exceedsJsonLimits({ a: 'x'.repeat(257) }, limits)).toMatch(/string of 257 characters.*maxStringLength/);
    expect(exceedsJsonLimits('x'.repeat(257), limits)).toMatch(/maxStringLength/);
    expect(exceedsJsonLimits({ ['k'.repeat(300)]: 1 }, limits)).toMatch(/maxStringLength/);
    expect(exceedsJsonLimits({ a: Array(17).fill(0) }, limits)).toMatch(/array of 17 items.*maxArrayLength/);
    expect(exceedsJsonLimits(Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, i])), limits)).toMatch(/maxObjectKeys/);
  });

  it('ends on cycles and on shared references that would multiply', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(exceedsJsonLimits(cycle)).toMatch(/maxDepth/);
    // 2^40 paths through 40 shared objects: bounded by the value budget, not walked out.
    let shared: unknown = 'x';
    for (let i = 0; i < 40; i++) shared = { a: shared, b: shared };
    const started = performance.now();
    expect(exceedsJsonLimits(shared)).toMatch(/more than 4000000 values/);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('textNestsDeeper', () => {
  it('counts brackets outside strings only', () => {
    expect(textNestsDeeper('{"a":[1,{"b":[]}]}', 4)).toBe(false);
    expect(textNestsDeeper('{"a":[1,{"b":[]}]}', 3)).toBe(true);
    expect(exceedsJsonLimits(JSON.parse('{"a":[1,{"b":[]}]}'), { ...DEFAULT_JSON_LIMITS, maxDepth: 4 })).toBeUndefined();
    expect(exceedsJsonLimits(JSON.parse('{"a":[1,{"b":[]}]}'), { ...DEFAULT_JSON_LIMITS, maxDepth: 3 })).toMatch(/maxDepth/);
    expect(textNestsDeeper(JSON.stringify({ s: '[[[[[[[[{{{{{{', t: 'say \\"[[[[' }), 1)).toBe(false);
    expect(textNestsDeeper('['.repeat(65) + ']'.repeat(65), 64)).toBe(true);
    expect(textNestsDeeper('['.repeat(64) + ']'.repeat(64), 64)).toBe(false);
  });
});

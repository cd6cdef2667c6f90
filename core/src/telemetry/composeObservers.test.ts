import { describe, expect, it } from 'vitest';
import type { Catalog } from '../catalog/Catalog.js';
import type { CallScope } from '../protocol/CallScope.js';
import type { CallObserver } from '../protocol/ports/ObservePorts.js';
import { composeObservers } from './composeObservers.js';

const recording = (name: string, log: string[]): CallObserver => ({
  async around(_call, _catalog, run) {
    log.push(`${name}:in`);
    try {
      return await run();
    } finally {
      log.push(`${name}:out`);
    }
  },
});

describe('composeObservers', () => {
  it('is undefined for none and the observer itself for one (no extra wrapper)', () => {
    const one = recording('a', []);
    expect(composeObservers([])).toBeUndefined();
    expect(composeObservers([undefined, undefined])).toBeUndefined();
    expect(composeObservers([undefined, one])).toBe(one);
  });

  it('nests several, the first outermost, around one run', async () => {
    const log: string[] = [];
    const composed = composeObservers([recording('metrics', log), undefined, recording('traces', log)])!;
    const result = await composed.around({} as CallScope, {} as Catalog, async () => (log.push('run'), 42));
    expect(result).toBe(42);
    expect(log).toEqual(['metrics:in', 'traces:in', 'run', 'traces:out', 'metrics:out']);
  });
});

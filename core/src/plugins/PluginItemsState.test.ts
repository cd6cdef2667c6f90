import type { PluginItems } from '@mcp-host/sdk';
import { describe, expect, it } from 'vitest';
import { PluginItemsState } from './PluginItemsState.js';

const tool = (name: string) => ({ name, handler: () => name });
const names = (items: Readonly<PluginItems>) => (items.tools ?? []).map((t) => t.name);

describe('PluginItemsState', () => {
  it('before it serves, keeps changes; add replaces by name, remove drops by name', async () => {
    const state = new PluginItemsState();
    await state.set({ tools: [tool('a'), tool('b')] });
    await state.add({ tools: [tool('b'), tool('c')] });
    expect(names(state.current)).toEqual(['a', 'b', 'c']);
    await state.remove({ tools: ['a'] });
    expect(names(state.current)).toEqual(['b', 'c']);
  });

  it('applies changes one at a time, in order; a refused change rejects its caller and changes nothing', async () => {
    const state = new PluginItemsState();
    const served: string[][] = [];
    state.serveWith(async (items) => {
      await new Promise((r) => setTimeout(r, 5));
      if (names(items).includes('clash')) throw new Error('refused');
      served.push(names(items));
    });
    const first = state.add({ tools: [tool('x')] });
    const refused = state.add({ tools: [tool('clash')] });
    const third = state.add({ tools: [tool('y')] });
    await first;
    await expect(refused).rejects.toThrow('refused');
    await third;
    expect(served).toEqual([['x'], ['x', 'y']]);
    expect(names(state.current)).toEqual(['x', 'y']);
  });
});

import { describe, expect, it } from 'vitest';
import { inProcessGeneration } from '../plugins/generation.testkit.js';
import { Catalog } from './Catalog.js';
import { diffItems } from './diffItems.js';

const tool = (name: string, description = name) => ({ name, description, handler: () => 'ok' });
const greet = { name: 'greet', handler: () => 'hi' };

describe('diffItems', () => {
  it('names what a reload added, removed and changed, by list, and cuts long lists', () => {
    const before = Catalog.build(1, [inProcessGeneration('p', { tools: [tool('keep'), tool('edit'), tool('drop')], prompts: [greet] })]).catalog;
    const after = Catalog.build(2, [inProcessGeneration('p', { tools: [tool('keep'), tool('edit', 'edited'), tool('new')], prompts: [greet] })]).catalog;
    const d = diffItems(before, after);
    expect(d.tools).toEqual({ added: ['new'], removed: ['drop'], changed: ['edit'] });
    // A new generation declaring the same prompt alike is no change.
    expect(d.prompts).toEqual({ added: [], removed: [], changed: [] });

    const many = Catalog.build(3, [inProcessGeneration('p', { tools: Array.from({ length: 120 }, (_, i) => tool(`t${i}`)) })]).catalog;
    const big = diffItems(after, many);
    expect(big.tools.added).toHaveLength(51);
    expect(big.tools.added.at(-1)).toBe('… 70 more');
    expect(big.tools.removed).toEqual(['keep', 'edit', 'new']);
  });
});

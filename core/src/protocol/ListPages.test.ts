import type { Principal } from '@mcp-host/sdk';
import { describe, expect, it } from 'vitest';
import { inProcessGeneration as generation } from '../plugins/generation.testkit.js';
import { RpcCode } from './ProtocolError.js';
import { ListPages } from './ListPages.js';
import { Catalog, type CatalogOptions } from '../catalog/Catalog.js';
import { requirement } from '../catalog/Requirement.js';


const tool = (name: string, extra: Record<string, unknown> = {}) => ({ name, description: `the ${name} tool`, inputSchema: { type: 'object' }, handler: () => name, ...extra });
const tools = (...names: string[]) => generation(names[0]!.split('_')[0]!, { tools: names.map((n) => tool(n)) });
const who = (id: string, scopes: string[] = [], roles: string[] = []): Principal => Object.freeze({ id, source: 'service' as const, subject: id, scopes, roles });
const page = (raw: { json: string }) => JSON.parse(raw.json) as Record<string, unknown> & { nextCursor?: string };
const names = (p: Record<string, unknown>, kind = 'tools') => (p[kind] as Array<{ name: string }>).map((t) => t.name);

const lists = new ListPages(2, '"resultType":"complete","ttlMs":0');

describe('ListPages', () => {
  const five = () => Catalog.build(1, [tools('a_1', 'a_2', 'a_3', 'a_4', 'a_5')]).catalog;

  it('pages a list by its cursors until a page without nextCursor, every item once and in order', () => {
    const catalog = five();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const p = page(lists.page(catalog, 'tools', cursor));
      seen.push(...names(p));
      cursor = p.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(['a_1', 'a_2', 'a_3', 'a_4', 'a_5']);
    expect(pages).toBe(3);
    expect(page(lists.page(catalog, 'tools', undefined)).tools).toEqual([...catalog.tools.values()].slice(0, 2).map((b) => b.descriptor));
  });

  it('serializes a page once per snapshot and view, and a new snapshot starts afresh', () => {
    const catalog = five();
    const first = lists.page(catalog, 'tools', undefined);
    expect(lists.page(catalog, 'tools', undefined)).toBe(first);
    expect(lists.page(five(), 'tools', undefined)).not.toBe(first);
  });

  it('adds the modern-era fields to a modern page only', () => {
    const catalog = five();
    expect(page(lists.page(catalog, 'tools', undefined, 'legacy'))).not.toHaveProperty('resultType');
    const modern = page(lists.page(catalog, 'tools', undefined, 'modern'));
    expect(modern).toMatchObject({ resultType: 'complete', ttlMs: 0, nextCursor: expect.any(String) });
    expect(names(modern)).toEqual(['a_1', 'a_2']);
  });

  it('refuses a cursor it did not issue with invalid params (-32602)', () => {
    const catalog = five();
    for (const cursor of ['not-a-cursor', Buffer.from('-2').toString('base64url'), 12, { offset: 2 }]) {
      expect(() => lists.page(catalog, 'tools', cursor)).toThrow(expect.objectContaining({ code: RpcCode.InvalidParams, message: expect.stringMatching(/^Invalid cursor/) }));
    }
  });

  it('answers an empty page past the end, and an empty list with no cursor', () => {
    const catalog = five();
    expect(page(lists.page(catalog, 'tools', Buffer.from('10').toString('base64url')))).toEqual({ tools: [] });
    expect(page(lists.page(catalog, 'prompts', undefined))).toEqual({ prompts: [] });
  });
});

describe('ListPages per view', () => {
  // Items declare who may use them; `access` turns a declaration into a requirement as HostSecurity does.
  const access: CatalogOptions['access'] = (b) => requirement(b.declared?.scopes ?? [], [b.declared?.roles ?? []]);
  const anonymous = who('anonymous');
  const reader = who('service:reader', ['notes:read']);

  it('shares cached pages between principals that see the same items', () => {
    const { catalog } = Catalog.build(1, [generation('g', { tools: [tool('open'), tool('read', { scopes: ['notes:read'] })] })], { access });
    const otherReader = who('jwt:https://issuer#someone', ['notes:read', 'unrelated']);
    expect(lists.page(catalog, 'tools', undefined, 'legacy', otherReader)).toBe(lists.page(catalog, 'tools', undefined, 'legacy', reader));
    expect(names(page(lists.page(catalog, 'tools', undefined, 'legacy', anonymous)))).toEqual(['open']);
  });

  it('pages a view by its own cursors (an offset into what that principal sees)', () => {
    const { catalog } = Catalog.build(1, [generation('g', { tools: [tool('h1', { scopes: ['x'] }), tool('o1'), tool('h2', { scopes: ['x'] }), tool('o2'), tool('o3')] })], { access });
    const first = page(lists.page(catalog, 'tools', undefined, 'legacy', anonymous));
    expect(names(first)).toEqual(['o1', 'o2']);
    expect(names(page(lists.page(catalog, 'tools', first.nextCursor, 'legacy', anonymous)))).toEqual(['o3']);
  });
});

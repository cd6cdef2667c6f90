import { definePlugin, type PluginOptions, type Principal } from '@mcp-host/sdk';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { buildBindings } from '../plugins/buildBindings.js';
import { Drain } from '../plugins/Drain.js';
import type { PluginGeneration } from '../plugins/loadPlugin.js';
import { PluginProblemCode } from '../plugins/PluginProblem.js';
import { RpcCode } from '../protocol/ProtocolError.js';
import { Catalog, type CatalogOptions } from './Catalog.js';
import { requirement } from './Requirement.js';

const logger = pino({ level: 'silent' });

/** One in-process generation of plugin `id`, its bindings built from a `definePlugin` definition as the loader builds them. */
function generation(id: string, options: PluginOptions): PluginGeneration {
  const info = Object.freeze({ id, name: `@test/${id}`, version: '1.0.0', root: `/plugins/${id}` });
  const drain = new Drain();
  const bindings = buildBindings(definePlugin(options), new Map(), info, logger, drain);
  const manifest = { dir: info.root, id, packageName: info.name, version: info.version, engineRange: '^1.0.0', entry: `${info.root}/index.js` };
  return { info, manifest, bindings, logger, drain, dispose: async () => {} };
}

const tool = (name: string, extra: Record<string, unknown> = {}) => ({ name, description: `the ${name} tool`, inputSchema: { type: 'object' }, handler: () => name, ...extra });
const tools = (...names: string[]) => generation(names[0]!.split('_')[0]!, { tools: names.map((n) => tool(n)) });
const who = (id: string, scopes: string[] = [], roles: string[] = []): Principal => Object.freeze({ id, source: 'service' as const, subject: id, scopes, roles });
const page = (raw: { json: string }) => JSON.parse(raw.json) as Record<string, unknown> & { nextCursor?: string };
const names = (p: Record<string, unknown>, kind = 'tools') => (p[kind] as Array<{ name: string }>).map((t) => t.name);

const options = (extra: Partial<CatalogOptions> = {}): CatalogOptions => ({ pageSize: 2, modernListFields: '"resultType":"complete","ttlMs":0', ...extra });

describe('Catalog.build', () => {
  it('is a snapshot at one revision of every generation, each item found by name or URI', () => {
    const notes = generation('notes', {
      tools: [tool('notes_add')],
      resources: [{ name: 'readme', uri: 'notes://readme', handler: () => 'text' }],
      resourceTemplates: [{ name: 'note', uriTemplate: 'notes://note/{id}', handler: () => 'note' }],
      prompts: [{ name: 'summarize', arguments: [{ name: 'topic', required: true }, { name: 'tone' }], handler: () => 'prompt' }],
    });
    const clock = tools('clock_now');
    const { catalog, rejected } = Catalog.build(7, [notes, clock]);
    expect(rejected).toEqual([]);
    expect(catalog.revision).toBe(7);
    expect(catalog.generations).toEqual([notes, clock]);
    expect([...catalog.tools.keys()]).toEqual(['notes_add', 'clock_now']);
    expect(catalog.tools.get('clock_now')!.plugin.id).toBe('clock');
    expect(catalog.resources.get('notes://readme')!.descriptor).toMatchObject({ uri: 'notes://readme', name: 'readme' });
    expect(catalog.prompts.get('summarize')!.requiredArguments).toEqual(['topic']);
    expect(catalog.matchTemplate('notes://note/42')).toMatchObject({ binding: { name: 'note' }, variables: { id: '42' } });
    expect(catalog.matchTemplate('other://note/42')).toBeUndefined();
  });

  it('leaves out, whole, a generation whose names are taken by an earlier one, and says by whom and how to fix it', () => {
    const first = generation('first', { tools: [tool('search'), tool('fetch')] });
    const second = generation('second', { tools: [tool('search'), tool('other')], resources: [{ name: 'r', uri: 'x://r', handler: () => '' }] });
    const third = generation('third', { tools: [tool('third_only')] });
    const { catalog, rejected } = Catalog.build(1, [first, second, third]);
    expect(catalog.generations).toEqual([first, third]);
    // Nothing of the rejected plugin is served, not even what did not collide.
    expect([...catalog.tools.keys()]).toEqual(['search', 'fetch', 'third_only']);
    expect(catalog.tools.get('search')!.plugin.id).toBe('first');
    expect(catalog.resources.size).toBe(0);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.generation).toBe(second);
    expect(rejected[0]!.problem).toMatchObject({
      code: PluginProblemCode.DuplicateName,
      pluginId: 'second',
      path: '/plugins/second',
      message: 'name collision: tool "search" is already served by plugin "first"',
      fix: expect.stringContaining('plugins.settings.second.prefix'),
    });
  });

  it('refuses a generation that declares one name twice, and keys resources by URI and templates by their template', () => {
    const twice = generation('twice', { tools: [tool('dup'), tool('dup')] });
    const uris = generation('uris', { resources: [{ name: 'a', uri: 'same://x', handler: () => '' }, { name: 'b', uri: 'same://x', handler: () => '' }] });
    const templates = generation('templates', { resourceTemplates: [{ name: 'a', uriTemplate: 't://{id}', handler: () => '' }] });
    const templatesAgain = generation('templates2', { resourceTemplates: [{ name: 'b', uriTemplate: 't://{id}', handler: () => '' }] });
    const { catalog, rejected } = Catalog.build(1, [twice, uris, templates, templatesAgain]);
    expect(catalog.generations).toEqual([templates]);
    expect(rejected.map((r) => [r.problem.pluginId, r.problem.message])).toEqual([
      ['twice', 'name collision: tool "dup" is declared twice'],
      ['uris', 'name collision: resource "same://x" is declared twice'],
      ['templates2', 'name collision: resource template "t://{id}" is already served by plugin "templates"'],
    ]);
  });
});

describe('Catalog.listPage', () => {
  const five = () => Catalog.build(1, [tools('a_1', 'a_2', 'a_3', 'a_4', 'a_5')], options()).catalog;

  it('pages a list by its cursors until a page without nextCursor, every item once and in order', () => {
    const catalog = five();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const p = page(catalog.listPage('tools', cursor));
      seen.push(...names(p));
      cursor = p.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(['a_1', 'a_2', 'a_3', 'a_4', 'a_5']);
    expect(pages).toBe(3);
    expect(page(catalog.listPage('tools', undefined)).tools).toEqual([...catalog.tools.values()].slice(0, 2).map((b) => b.descriptor));
  });

  it('serializes a page once per snapshot and view, and a new revision starts afresh', () => {
    const catalog = five();
    const first = catalog.listPage('tools', undefined);
    expect(catalog.listPage('tools', undefined)).toBe(first);
    expect(five().listPage('tools', undefined)).not.toBe(first);
  });

  it('adds the modern-era fields to a modern page only', () => {
    const catalog = five();
    expect(page(catalog.listPage('tools', undefined, 'legacy'))).not.toHaveProperty('resultType');
    const modern = page(catalog.listPage('tools', undefined, 'modern'));
    expect(modern).toMatchObject({ resultType: 'complete', ttlMs: 0, nextCursor: expect.any(String) });
    expect(names(modern)).toEqual(['a_1', 'a_2']);
  });

  it('refuses a cursor it did not issue with invalid params (-32602)', () => {
    const catalog = five();
    for (const cursor of ['not-a-cursor', Buffer.from('-2').toString('base64url'), 12, { offset: 2 }]) {
      expect(() => catalog.listPage('tools', cursor)).toThrow(expect.objectContaining({ code: RpcCode.InvalidParams, message: expect.stringMatching(/^Invalid cursor/) }));
    }
  });

  it('answers an empty page past the end, and an empty list with no cursor', () => {
    const catalog = five();
    expect(page(catalog.listPage('tools', Buffer.from('10').toString('base64url')))).toEqual({ tools: [] });
    expect(page(catalog.listPage('prompts', undefined))).toEqual({ prompts: [] });
  });
});

describe('Catalog visibility', () => {
  // Items declare who may use them; `access` turns a declaration into a requirement as HostSecurity does.
  const access: CatalogOptions['access'] = (b) => requirement(b.declared?.scopes ?? [], [b.declared?.roles ?? []]);
  const build = () =>
    Catalog.build(
      1,
      [
        generation('ops', {
          tools: [tool('open'), tool('read', { scopes: ['notes:read'] }), tool('write', { scopes: ['notes:read', 'notes:write'] }), tool('admin', { roles: ['admin', 'ops'] })],
          prompts: [{ name: 'secret', scopes: ['notes:read'], handler: () => '' }],
        }),
      ],
      options({ pageSize: 10, access }),
    ).catalog;
  const anonymous = who('anonymous');
  const reader = who('service:reader', ['notes:read']);
  const writer = who('service:writer', ['notes:write', 'notes:read']);
  const ops = who('jwt:https://issuer#ops', [], ['ops']);

  it('shows each principal the items whose requirement it meets, in list order', () => {
    const catalog = build();
    expect(catalog.restricted).toBe(true);
    expect(names(page(catalog.listPage('tools', undefined, 'legacy', anonymous)))).toEqual(['open']);
    expect(names(page(catalog.listPage('tools', undefined, 'legacy', reader)))).toEqual(['open', 'read']);
    expect(names(page(catalog.listPage('tools', undefined, 'legacy', writer)))).toEqual(['open', 'read', 'write']);
    expect(names(page(catalog.listPage('tools', undefined, 'legacy', ops)))).toEqual(['open', 'admin']);
    expect(names(page(catalog.listPage('prompts', undefined, 'legacy', reader)), 'prompts')).toEqual(['secret']);
    expect(names(page(catalog.listPage('prompts', undefined, 'legacy', ops)), 'prompts')).toEqual([]);
  });

  it('answers canSee per binding, with the requirement that guards it', () => {
    const catalog = build();
    const write = catalog.tools.get('write')!;
    expect(catalog.canSee(writer, write)).toBe(true);
    expect(catalog.canSee(reader, write)).toBe(false);
    expect(catalog.canSee(anonymous, catalog.tools.get('open')!)).toBe(true);
    expect(catalog.requirementOf(write)).toMatchObject({ scopes: ['notes:read', 'notes:write'] });
    expect(catalog.requirementOf(catalog.tools.get('open')!)).toBeUndefined();
  });

  it('shares one view, and its cached pages, between principals that see the same items', () => {
    const catalog = build();
    const otherReader = who('jwt:https://issuer#someone', ['notes:read', 'unrelated']);
    expect(catalog.viewOf(otherReader)).toBe(catalog.viewOf(reader));
    expect(catalog.viewOf(writer)).not.toBe(catalog.viewOf(reader));
    expect(catalog.listPage('tools', undefined, 'legacy', otherReader)).toBe(catalog.listPage('tools', undefined, 'legacy', reader));
  });

  it('pages a view by its own cursors (an offset into what that principal sees)', () => {
    const { catalog } = Catalog.build(1, [generation('g', { tools: [tool('h1', { scopes: ['x'] }), tool('o1'), tool('h2', { scopes: ['x'] }), tool('o2'), tool('o3')] })], options({ access }));
    const first = page(catalog.listPage('tools', undefined, 'legacy', anonymous));
    expect(names(first)).toEqual(['o1', 'o2']);
    expect(names(page(catalog.listPage('tools', first.nextCursor, 'legacy', anonymous)))).toEqual(['o3']);
  });

  it('has one view for everyone when nothing is restricted', () => {
    const { catalog } = Catalog.build(1, [tools('a_1')], options({ access }));
    expect(catalog.restricted).toBe(false);
    expect(catalog.viewOf(anonymous)).toBe('');
    expect(catalog.viewOf(writer)).toBe('');
  });
});

import type { Principal } from '@mcp-host/sdk';
import { describe, expect, it } from 'vitest';
import { inProcessGeneration as generation } from '../plugins/generation.testkit.js';
import { nameClashProblem, PluginProblemCode } from '../plugins/PluginProblem.js';
import { Catalog, type CatalogOptions } from './Catalog.js';
import { requirement } from './Requirement.js';


const tool = (name: string, extra: Record<string, unknown> = {}) => ({ name, description: `the ${name} tool`, inputSchema: { type: 'object' }, handler: () => name, ...extra });
const tools = (...names: string[]) => generation(names[0]!.split('_')[0]!, { tools: names.map((n) => tool(n)) });
const who = (id: string, scopes: string[] = [], roles: string[] = []): Principal => Object.freeze({ id, source: 'service' as const, subject: id, scopes, roles });
const visibleNames = (catalog: Catalog, kind: 'tools' | 'prompts', principal: Principal) => catalog.visible(kind, catalog.viewOf(principal)).map((b) => (b as { name: string }).name);

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
    expect(rejected[0]!.detail).toBe('tool "search" is already served by plugin "first"');
    // The loader turns a clash into the problem it reports.
    expect(nameClashProblem(rejected[0]!)).toMatchObject({
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
    expect(rejected.map((r) => [nameClashProblem(r).pluginId, nameClashProblem(r).message])).toEqual([
      ['twice', 'name collision: tool "dup" is declared twice'],
      ['uris', 'name collision: resource "same://x" is declared twice'],
      ['templates2', 'name collision: resource template "t://{id}" is already served by plugin "templates"'],
    ]);
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
      { access },
    ).catalog;
  const anonymous = who('anonymous');
  const reader = who('service:reader', ['notes:read']);
  const writer = who('service:writer', ['notes:write', 'notes:read']);
  const ops = who('jwt:https://issuer#ops', [], ['ops']);

  it('shows each principal the items whose requirement it meets, in list order', () => {
    const catalog = build();
    expect(catalog.restricted).toBe(true);
    expect(visibleNames(catalog, 'tools', anonymous)).toEqual(['open']);
    expect(visibleNames(catalog, 'tools', reader)).toEqual(['open', 'read']);
    expect(visibleNames(catalog, 'tools', writer)).toEqual(['open', 'read', 'write']);
    expect(visibleNames(catalog, 'tools', ops)).toEqual(['open', 'admin']);
    expect(visibleNames(catalog, 'prompts', reader)).toEqual(['secret']);
    expect(visibleNames(catalog, 'prompts', ops)).toEqual([]);
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

  it('shares one view between principals that see the same items', () => {
    const catalog = build();
    const otherReader = who('jwt:https://issuer#someone', ['notes:read', 'unrelated']);
    expect(catalog.viewOf(otherReader)).toBe(catalog.viewOf(reader));
    expect(catalog.viewOf(writer)).not.toBe(catalog.viewOf(reader));
  });

  it('has one view for everyone when nothing is restricted', () => {
    const { catalog } = Catalog.build(1, [tools('a_1')], { access });
    expect(catalog.restricted).toBe(false);
    expect(catalog.viewOf(anonymous)).toBe('');
    expect(catalog.viewOf(writer)).toBe('');
  });
});

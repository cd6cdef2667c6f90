import { definePlugin, type PluginInfo } from '@mcp-host/sdk';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { buildBindings, SchemaError } from './buildBindings.js';
import { Drain } from './Drain.js';

const info: PluginInfo = { id: 'schemas', name: 'schemas', version: '1.0.0', root: '/nowhere' };
const logger = pino({ level: 'silent' });
const QUERY = { $id: 'https://schemas.example/query.json', type: 'object', properties: { q: { type: 'string', minLength: 1 } }, required: ['q'] };

const plugin = (inputSchema: object, outputSchema?: object, lookup: object = QUERY) =>
  definePlugin({ tools: [{ name: 'search', description: 'search', inputSchema, outputSchema, handler: async () => ({ content: [] }) }, { name: 'lookup', description: 'lookup', inputSchema: lookup, handler: async () => ({ content: [] }) }] } as never);

describe('buildBindings: schemas per generation', () => {
  it('binds a plugin whose tools share an $id again and again (each generation compiles its own), and a second plugin with the same $id', () => {
    for (let generation = 0; generation < 20; generation++) {
      const bindings = buildBindings(plugin(structuredClone(QUERY)), new Map(), info, logger, new Drain());
      const search = bindings.tools.find((t) => t.name === 'search')!;
      expect(search.input.validate({ q: 'x' }).ok).toBe(true);
      expect(search.input.validate({ q: '' })).toEqual({ ok: false, message: 'arguments/q must NOT have fewer than 1 characters' });
    }
    const integer = { ...QUERY, properties: { q: { type: 'integer' } } };
    const other = buildBindings(plugin(integer, undefined, integer), new Map(), { ...info, id: 'other' }, logger, new Drain());
    expect(other.tools.map((t) => t.input.validate({ q: 3 }).ok)).toEqual([true, true]);
  });

  it('refuses one $id for two different schemas within a plugin', () => {
    expect(() => buildBindings(plugin({ ...QUERY, required: [] }), new Map(), info, logger, new Drain())).toThrow(/^tool "lookup": its input schema does not compile: \$id "https:\/\/schemas.example\/query.json" is already used by a different schema/);
  });

  it('names the tool, the schema (input or output) and the error of a schema that does not compile', () => {
    const bad = () => buildBindings(plugin(QUERY, { type: 'object', properties: { n: { type: 'number', minimum: 'zero' } } }), new Map(), info, logger, new Drain());
    expect(bad).toThrow(SchemaError);
    expect(bad).toThrow(/^tool "search": its output schema does not compile: schema is invalid: data\/properties\/n\/minimum must be number/);
  });
});

describe('buildBindings: tasks and MCP Apps declarations', () => {
  const build = (def: object) => buildBindings(definePlugin(def as never), new Map(), info, logger, new Drain());
  const tool = (extra: object) => ({ tools: [{ name: 't', description: 't', handler: async () => 'ok', ...extra }] });
  const resource = (extra: object, handler: () => unknown = () => '<html></html>') => ({ resources: [{ name: 'r', uri: 'ui://demo/app', handler, ...extra }] });

  it('publishes execution.taskSupport and keeps the task settings with the declaration (they cross to isolated runtimes with it)', () => {
    const [t] = build(tool({ task: { support: 'required', inputFirstMs: 250 } })).tools;
    expect(t!.descriptor.execution).toEqual({ taskSupport: 'required' });
    expect(t!.declared?.task).toEqual({ support: 'required', inputFirstMs: 250 });
    expect(build(tool({ task: 'optional' })).tools[0]!.declared?.task).toEqual({ support: 'optional', inputFirstMs: 0 });
  });

  it('refuses a task option it does not know rather than running the tool synchronously', () => {
    expect(() => build(tool({ task: 'always' }))).toThrow(/tool "t": task must be 'optional', 'required'/);
    expect(() => build(tool({ task: { support: 'optional', inputFirstMs: -1 } }))).toThrow(/inputFirstMs/);
  });

  it("links a tool to its app as _meta.ui.resourceUri, merged with the tool's own _meta; only ui:// URIs", () => {
    const [t] = build(tool({ ui: { resourceUri: 'ui://demo/app', visibility: ['app'] }, _meta: { keep: 1 } })).tools;
    expect(t!.descriptor._meta).toEqual({ keep: 1, ui: { resourceUri: 'ui://demo/app', visibility: ['app'] } });
    expect(() => build(tool({ ui: { resourceUri: 'https://evil.example/app' } }))).toThrow(/ui.resourceUri must be a ui:\/\/ URI/);
    expect(() => build(tool({ ui: { resourceUri: 'ui://x', visibility: ['everyone'] } }))).toThrow(/ui.visibility/);
  });

  it('serves a ui:// resource as text/html;profile=mcp-app with _meta.ui on the declaration and on what it reads; refuses another MIME type, and ui elsewhere', async () => {
    const [r] = build(resource({ ui: { prefersBorder: true } })).resources;
    expect(r!.descriptor).toMatchObject({ mimeType: 'text/html;profile=mcp-app', _meta: { ui: { prefersBorder: true } } });
    expect(await r!.read('ui://demo/app', {} as never)).toEqual({ contents: [{ uri: 'ui://demo/app', text: '<html></html>', mimeType: 'text/html;profile=mcp-app', _meta: { ui: { prefersBorder: true } } }] });
    expect(() => build(resource({ mimeType: 'text/html' }))).toThrow(/served as text\/html;profile=mcp-app/);
    expect(() => build({ resources: [{ name: 'r', uri: 'notes://x', handler: () => 'x', ui: {} }] })).toThrow(/ui applies to ui:\/\/ resources/);
  });
});

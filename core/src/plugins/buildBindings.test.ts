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

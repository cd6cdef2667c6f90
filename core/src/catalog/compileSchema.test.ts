import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkSchema, schemaChecker } from './checkSchema.js';
import { compileSchema, SchemaCompiler } from './compileSchema.js';

const withId = (id: string, type: 'string' | 'integer') => ({ $id: id, type: 'object', properties: { q: { type } }, required: ['q'], additionalProperties: false });

/** What an Ajv holds: its schemas by key, its refs and its compiled-schema cache (internals, read here only). */
const ajvState = (ajv: unknown) => {
  const a = ajv as { schemas: object; refs: object; _cache: Map<unknown, unknown> };
  return { schemas: Object.keys(a.schemas).length, refs: Object.keys(a.refs).length, cache: a._cache.size };
};
const ajvOf = (c: SchemaCompiler) => (c as unknown as { ajv: unknown }).ajv;

/** A gc() for this test only: the flag is set at run time, and a new context exposes the function. */
function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('SchemaCompiler', () => {
  it('compiles one $id in any number of generations (reloads), each with its own schema, none growing the shared checker', () => {
    const warm = new SchemaCompiler();
    warm.compile(withId('https://schemas.example/q.json', 'string'));
    const checkerBefore = ajvState(schemaChecker());
    const sizes = new Set<string>();
    for (let generation = 1; generation <= 20; generation++) {
      const compiler = new SchemaCompiler();
      const schema = compiler.compile(withId('https://schemas.example/q.json', generation % 2 ? 'string' : 'integer'));
      expect(schema.validate({ q: generation % 2 ? 'text' : 7 })).toEqual({ ok: true, value: { q: generation % 2 ? 'text' : 7 } });
      expect(schema.validate({ q: generation % 2 ? 7 : 'text' })).toMatchObject({ ok: false, message: expect.stringContaining('arguments/q must be') });
      sizes.add(JSON.stringify(ajvState(ajvOf(compiler))));
    }
    // Every generation's Ajv holds the same amount (nothing carried over), and the one shared instance holds no plugin schema.
    expect(sizes.size).toBe(1);
    expect(ajvState(schemaChecker())).toEqual(checkerBefore);
    expect(Object.keys((schemaChecker() as unknown as { schemas: object }).schemas).some((k) => k.startsWith('https://schemas.example/'))).toBe(false);
  });

  it('reuses the validator of an $id compiled again with the same schema (a constant shared by tools, or copies from a worker); its Ajv does not grow', () => {
    const compiler = new SchemaCompiler();
    const first = compiler.compile(withId('https://schemas.example/shared.json', 'string'));
    const after1 = ajvState(ajvOf(compiler));
    for (let i = 0; i < 20; i++) {
      const again = compiler.compile(structuredClone(withId('https://schemas.example/shared.json', 'string')));
      expect(again.validate({ q: 1 })).toEqual(first.validate({ q: 1 }));
    }
    expect(ajvState(ajvOf(compiler))).toEqual(after1);
  });

  it('refuses one $id for two different schemas within a generation, naming the $id', () => {
    const compiler = new SchemaCompiler();
    compiler.compile(withId('https://schemas.example/twice.json', 'string'));
    expect(() => compiler.compile(withId('https://schemas.example/twice.json', 'integer'))).toThrow('$id "https://schemas.example/twice.json" is already used by a different schema of this plugin');
  });

  it('reports a schema that breaks the dialect with the meta-schema error, and leaves no errors on the shared checker', () => {
    expect(() => new SchemaCompiler().compile({ type: 'object', properties: { q: { type: 'text' } } })).toThrow(/^schema is invalid: data\/properties\/q\/type must be equal to one of the allowed values/);
    expect(schemaChecker().errors).toBeNull();
    expect(() => checkSchema({ type: 'object', minProperties: -1 })).toThrow('schema is invalid');
  });

  it('keeps ajv-formats and allErrors: every failing field is named, formats are checked', () => {
    const schema = compileSchema({ type: 'object', properties: { mail: { type: 'string', format: 'email' }, n: { type: 'integer' } }, required: ['mail', 'n'] });
    expect(schema.validate({ mail: 'a@b.example', n: 1 }).ok).toBe(true);
    const bad = schema.validate({ mail: 'not-an-address', n: 'x' });
    expect(bad).toEqual({ ok: false, message: 'arguments/mail must match format "email"; arguments/n must be integer' });
  });

  it('makes no Ajv for a generation of zod schemas', () => {
    const compiler = new SchemaCompiler();
    const schema = compiler.compile(z.object({ q: z.string().default('d') }));
    expect(schema.validate({})).toEqual({ ok: true, value: { q: 'd' } });
    expect(ajvOf(compiler)).toBeUndefined();
  });

  it('is collected with its generation: nothing global keeps a compiler or its validators', async () => {
    const gc = collectGarbage();
    const refs = (() => {
      const compiler = new SchemaCompiler();
      const schema = compiler.compile(withId('https://schemas.example/collected.json', 'string'));
      schema.validate({ q: 1 }); // errors of a failed validation stay on the compiled function, not anywhere global
      return { compiler: new WeakRef(compiler), schema: new WeakRef(schema), ajv: new WeakRef(ajvOf(compiler) as object) };
    })();
    for (let i = 0; i < 10 && (refs.compiler.deref() || refs.ajv.deref()); i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    expect(refs.compiler.deref()).toBeUndefined();
    expect(refs.schema.deref()).toBeUndefined();
    expect(refs.ajv.deref()).toBeUndefined();
  });
});

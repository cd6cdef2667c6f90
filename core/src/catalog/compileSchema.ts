import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { isZodSchema, type SchemaLike } from '@mcp-host/sdk';
import { z } from 'zod';
import { checkSchema } from './checkSchema.js';

/** A schema ready for the hot path: its JSON Schema form for publishing and a validator compiled once. */
export interface CompiledSchema {
  readonly jsonSchema: Record<string, unknown>;
  /** Returns the (possibly transformed) value, or an error message naming each failing field. */
  validate(value: unknown): { ok: true; value: unknown } | { ok: false; message: string };
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

const EMPTY_OBJECT_SCHEMA = { type: 'object', properties: {} };

/**
 * Compiles the schemas of one plugin generation, with an Ajv of its own that the generation's
 * bindings hold and drop with it. A schema's `$id` is registered in that Ajv only, so it survives
 * reloads and two plugins may use the same one; nothing global keeps a generation's schemas.
 * Within a generation, an `$id` names one schema: the same schema again (a constant shared by two
 * tools, which arrives from a worker as two copies) reuses its validator, a different one is refused.
 */
export class SchemaCompiler {
  /** Made on the first JSON Schema: a generation of zod schemas never pays for one. */
  private ajv: Ajv2020 | undefined;
  private readonly byId = new Map<string, { text: string; check: ValidateFunction }>();

  /** Compiles a zod schema or a JSON Schema (2020-12) once. Throws with the schema's problem when it does not compile. */
  compile(schema: SchemaLike | undefined): CompiledSchema {
    if (schema === undefined) schema = EMPTY_OBJECT_SCHEMA;
    if (isZodSchema(schema)) return compileZod(schema);
    const jsonSchema = schema as Record<string, unknown>;
    const check = this.compileJson(jsonSchema);
    const ajv = this.ajv!;
    return {
      jsonSchema,
      validate(value) {
        if (check(value)) return { ok: true, value };
        return { ok: false, message: ajv.errorsText(check.errors, { dataVar: 'arguments', separator: '; ' }) };
      },
    };
  }

  private compileJson(schema: Record<string, unknown>): ValidateFunction {
    const id = typeof schema?.$id === 'string' ? schema.$id : undefined;
    const text = id === undefined ? '' : JSON.stringify(schema);
    const known = id === undefined ? undefined : this.byId.get(id);
    if (known) {
      if (known.text === text) return known.check;
      throw new Error(`$id "${id}" is already used by a different schema of this plugin (within one plugin an $id names one schema)`);
    }
    checkSchema(schema);
    if (!this.ajv) {
      this.ajv = new Ajv2020({ allErrors: true, strict: false, validateSchema: false }); // checked above, against the shared meta-schemas
      addFormats(this.ajv);
    }
    const check = this.ajv.compile(schema);
    if (id !== undefined) this.byId.set(id, { text, check });
    return check;
  }
}

function compileZod(zodSchema: z.ZodType): CompiledSchema {
  const jsonSchema = z.toJSONSchema(zodSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete jsonSchema.$schema; // 2020-12 is the protocol's default dialect; omitting it keeps lists small
  return {
    jsonSchema,
    validate(value) {
      const parsed = zodSchema.safeParse(value);
      return parsed.success ? { ok: true, value: parsed.data } : { ok: false, message: z.prettifyError(parsed.error).replace(/\n/g, '; ') };
    },
  };
}

/** Compiles one schema with a compiler of its own (a schema that belongs to no generation, e.g. in a test). */
export function compileSchema(schema: SchemaLike | undefined): CompiledSchema {
  return new SchemaCompiler().compile(schema);
}

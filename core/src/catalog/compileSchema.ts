import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { isZodSchema, type SchemaLike } from '@mcp-host/sdk';
import { z } from 'zod';

/** A schema ready for the hot path: its JSON Schema form for publishing and a validator compiled once. */
export interface CompiledSchema {
  readonly jsonSchema: Record<string, unknown>;
  /** Returns the (possibly transformed) value, or an error message naming each failing field. */
  validate(value: unknown): { ok: true; value: unknown } | { ok: false; message: string };
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
// One Ajv for the host: compiled validators are cached by it, and it never fetches remote $refs.
const ajv = new Ajv2020({ allErrors: true, strict: false, validateSchema: true });
addFormats(ajv);

const EMPTY_OBJECT_SCHEMA = { type: 'object', properties: {} };

/** Compiles a zod schema or a JSON Schema (2020-12) once. Throws with the schema's problem when it does not compile. */
export function compileSchema(schema: SchemaLike | undefined): CompiledSchema {
  if (schema === undefined) schema = EMPTY_OBJECT_SCHEMA;
  if (isZodSchema(schema)) {
    const zodSchema = schema;
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
  const jsonSchema = schema as Record<string, unknown>;
  const check = ajv.compile(jsonSchema);
  return {
    jsonSchema,
    validate(value) {
      if (check(value)) return { ok: true, value };
      return { ok: false, message: ajv.errorsText(check.errors, { dataVar: 'arguments', separator: '; ' }) };
    },
  };
}

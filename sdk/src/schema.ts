import type { ZodType } from 'zod';

/** A JSON Schema object (2020-12 dialect unless it names another `$schema`). */
export type JsonSchema = { [key: string]: unknown };

/**
 * Input and output schemas are given either as a zod schema (converted once per tool version to
 * JSON Schema 2020-12 by the host) or as a plain JSON Schema object.
 */
export type SchemaLike = ZodType | JsonSchema;

/** True when `schema` is a zod schema (checked by shape, so any zod 4 copy is recognised). */
export function isZodSchema(schema: unknown): schema is ZodType {
  return typeof schema === 'object' && schema !== null && '_zod' in schema && typeof (schema as ZodType).safeParse === 'function';
}

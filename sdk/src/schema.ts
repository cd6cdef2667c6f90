import type { z, ZodType } from 'zod';

/** A JSON Schema object (2020-12 dialect unless it names another `$schema`). */
export type JsonSchema = { [key: string]: unknown };

/**
 * Input and output schemas are given either as a zod schema (converted once per tool version to
 * JSON Schema 2020-12 by the host) or as a plain JSON Schema object.
 */
export type SchemaLike = ZodType | JsonSchema;

/**
 * The value a schema describes once the host has validated it: `z.output` of a zod schema (its
 * defaults and transforms applied, which is what handlers receive). A plain JSON Schema cannot be
 * read by TypeScript, and no schema says nothing: both give `any`, so the handler's parameter may
 * be annotated by hand.
 */
export type Infer<S> = 0 extends 1 & S ? any : S extends ZodType ? z.output<S> : any;

/**
 * The arguments a tool handler receives for input schema `S`. Use it to type a decorated method's
 * parameter once: `@Tool({ input: Add }) add(args: ToolArgs<typeof Add>) {…}`.
 */
export type ToolArgs<S> = Infer<S>;

/** True when `schema` is a zod schema (checked by shape, so any zod 4 copy is recognised). */
export function isZodSchema(schema: unknown): schema is ZodType {
  return typeof schema === 'object' && schema !== null && '_zod' in schema && typeof (schema as ZodType).safeParse === 'function';
}

import { toJSONSchema } from 'zod';
import type { PromptArgumentOptions, PromptArgumentsLike } from './declarations.js';
import { isZodSchema } from './schema.js';

/**
 * A prompt's published argument list: as declared, or read from a zod object schema (each
 * property an argument, required unless optional, described by its `.describe()` text).
 */
export function promptArgumentList(spec: PromptArgumentsLike | undefined): PromptArgumentOptions[] | undefined {
  if (!isZodSchema(spec)) return spec;
  const json = toJSONSchema(spec, { io: 'input', unrepresentable: 'any' }) as { type?: unknown; properties?: Record<string, { title?: string; description?: string }>; required?: string[] };
  if (json.type !== 'object') throw new TypeError('prompt arguments: the schema must be a zod object schema');
  return Object.entries(json.properties ?? {}).map(([name, p]) => ({
    name,
    ...(p.title ? { title: p.title } : {}),
    ...(p.description ? { description: p.description } : {}),
    ...(json.required?.includes(name) ? { required: true } : {}),
  }));
}

import type { ToolContext } from '../context.js';
import type { ToolOptions } from '../declarations.js';
import { METADATA_KEYS } from '../metadataKeys.js';
import type { Infer, SchemaLike } from '../schema.js';
import { recordMember } from './recordMember.js';

/**
 * Marks a method as an MCP tool. The method receives the validated arguments and a `ToolContext`.
 * TypeScript cannot type a method's parameter from its decorator, so name the type once with
 * `ToolArgs<typeof Schema>`; the decorator then checks the method against the schema (a parameter
 * that does not match it is a compile error).
 *
 * ```ts
 * const Add = z.object({ a: z.number(), b: z.number() });
 * @Tool({ description: 'Adds two numbers', input: Add })
 * add({ a, b }: ToolArgs<typeof Add>) { return String(a + b); }
 * ```
 */
export function Tool<S extends SchemaLike = any>(options: ToolOptions<S> = {}): <M extends (args: Infer<S>, ctx: ToolContext) => unknown>(target: object, method: string | symbol, descriptor: TypedPropertyDescriptor<M>) => void {
  return (target, method) => recordMember(METADATA_KEYS.tools, target, method, options);
}

import type { ToolOptions } from '../declarations.js';
import { METADATA_KEYS } from '../metadataKeys.js';
import { recordMember } from './recordMember.js';

/**
 * Marks a method as an MCP tool. The method receives the validated arguments and a `ToolContext`.
 *
 * ```ts
 * @Tool({ description: 'Adds two numbers', input: z.object({ a: z.number(), b: z.number() }) })
 * add({ a, b }: { a: number; b: number }) { return String(a + b); }
 * ```
 */
export function Tool(options: ToolOptions = {}): MethodDecorator {
  return (target, method) => recordMember(METADATA_KEYS.tools, target, method, options);
}

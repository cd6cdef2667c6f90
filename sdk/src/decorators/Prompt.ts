import type { RequestContext } from '../context.js';
import type { PromptArgs, PromptArgumentsLike, PromptOptions } from '../declarations.js';
import { METADATA_KEYS } from '../metadataKeys.js';
import { recordMember } from './recordMember.js';

/**
 * Marks a method as a prompt. It receives the prompt's arguments and a context, and returns
 * messages. With a zod object schema as `arguments`, type the parameter `PromptArgs<typeof Schema>`
 * (the decorator checks it).
 */
export function Prompt<S extends PromptArgumentsLike = any>(options: PromptOptions<S> = {}): <M extends (args: PromptArgs<S>, ctx: RequestContext) => unknown>(target: object, method: string | symbol, descriptor: TypedPropertyDescriptor<M>) => void {
  return (target, method) => recordMember(METADATA_KEYS.prompts, target, method, options);
}

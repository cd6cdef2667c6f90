import type { PromptOptions } from '../declarations.js';
import { METADATA_KEYS } from '../metadataKeys.js';
import { recordMember } from './recordMember.js';

/** Marks a method as a prompt. It receives the prompt's arguments and a context, and returns messages. */
export function Prompt(options: PromptOptions = {}): MethodDecorator {
  return (target, method) => recordMember(METADATA_KEYS.prompts, target, method, options);
}

import type { ResourceTemplateOptions } from '../declarations.js';
import { METADATA_KEYS } from '../metadataKeys.js';
import { recordMember } from './recordMember.js';

/**
 * Marks a method as the reader of every resource whose URI matches an RFC 6570 template. It receives
 * the URI, the template's variables and a context.
 */
export function ResourceTemplate(options: ResourceTemplateOptions): MethodDecorator {
  return (target, method) => recordMember(METADATA_KEYS.resourceTemplates, target, method, options);
}

import type { ResourceOptions } from '../declarations.js';
import { METADATA_KEYS } from '../metadataKeys.js';
import { recordMember } from './recordMember.js';

/** Marks a method as the reader of one fixed resource. It receives the URI and a context, and returns its contents. */
export function Resource(options: ResourceOptions): MethodDecorator {
  return (target, method) => recordMember(METADATA_KEYS.resources, target, method, options);
}

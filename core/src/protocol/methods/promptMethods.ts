import { createRequestContext } from '../createRequestContext.js';
import { invalidParams } from '../ProtocolError.js';
import { promptResult } from '../normalizeResults.js';
import type { EngineDeps, MethodTable } from './MethodHandler.js';

/** prompts/list and prompts/get. */
export function promptMethods(deps: EngineDeps): MethodTable {
  return {
    'prompts/list': ({ params, era }) => deps.catalog().listPage('prompts', params.cursor, era),
    async 'prompts/get'(call) {
      const { name, arguments: args = {} } = call.params as { name?: unknown; arguments?: unknown };
      if (typeof name !== 'string') throw invalidParams('prompts/get: "name" must be a string');
      const binding = deps.catalog().prompts.get(name);
      if (!binding) throw invalidParams(`Unknown prompt: ${name}`, { name });
      if (typeof args !== 'object' || args === null || Array.isArray(args) || Object.values(args).some((v) => typeof v !== 'string')) {
        throw invalidParams(`prompts/get ${name}: "arguments" must be an object of strings`);
      }
      const missing = binding.requiredArguments.filter((a) => !(a in args));
      if (missing.length > 0) throw invalidParams(`prompts/get ${name}: missing required argument(s): ${missing.join(', ')}`, { missing });
      return promptResult(await binding.get(args as Record<string, string>, createRequestContext(call, binding.logger, deps.clientRequestTimeoutMs)), binding.descriptor.description);
    },
  };
}

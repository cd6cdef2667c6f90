import { createRequestContext } from '../createRequestContext.js';
import { exceedsJsonLimits } from '../../calls/jsonLimits.js';
import { invalidParams, ProtocolError, RpcCode } from '../ProtocolError.js';
import { promptResult } from '../normalizeResults.js';
import type { EngineDeps, MethodTable } from './MethodHandler.js';

/** prompts/list and prompts/get. */
export function promptMethods(deps: EngineDeps): MethodTable {
  return {
    'prompts/list': ({ params, era, principal }) => deps.lists.page(deps.catalog(), 'prompts', params.cursor, era, principal),
    async 'prompts/get'(call) {
      const { name, arguments: args = {} } = call.params as { name?: unknown; arguments?: unknown };
      if (typeof name !== 'string') throw invalidParams('prompts/get: "name" must be a string');
      const catalog = deps.catalog();
      const binding = deps.policy.admit(call, catalog, catalog.prompts.get(name), () => `prompt "${name}"`);
      if (!binding) throw invalidParams(`Unknown prompt: ${name}`, { name });
      if (typeof args !== 'object' || args === null || Array.isArray(args) || Object.values(args).some((v) => typeof v !== 'string')) {
        throw invalidParams(`prompts/get ${name}: "arguments" must be an object of strings`);
      }
      const missing = binding.requiredArguments.filter((a) => !(a in args));
      if (missing.length > 0) throw invalidParams(`prompts/get ${name}: missing required argument(s): ${missing.join(', ')}`, { missing });
      const masker = deps.policy.masker(call.principal, binding);
      const entered = deps.policy.enter(call);
      const release = typeof entered === 'function' ? entered : await entered;
      try {
        const value = await binding.get(args as Record<string, string>, createRequestContext(call, binding, deps, masker));
        const over = exceedsJsonLimits(value, deps.limits);
        if (over) throw new ProtocolError(RpcCode.InternalError, `prompt ${name} returned a result over a limit: ${over}`);
        const result = promptResult(value, binding.descriptor.description);
        return masker ? masker.result(result) : result;
      } catch (e) {
        throw masker ? masker.error(e) : e;
      } finally {
        release();
      }
    },
  };
}

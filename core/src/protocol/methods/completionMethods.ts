import type { CompleteFn } from '@mcp-host/sdk';
import type { Logger } from 'pino';
import { createRequestContext } from '../createRequestContext.js';
import type { AnyBinding } from '../../catalog/bindings.js';
import { invalidParams, ProtocolError, RpcCode } from '../ProtocolError.js';
import type { EngineDeps, MethodTable } from './MethodHandler.js';

const MAX_VALUES = 100; // the protocol caps a completion result at 100 values

/** completion/complete for prompt arguments and template variables. */
export function completionMethods(deps: EngineDeps): MethodTable {
  return {
    async 'completion/complete'(call) {
      const { ref, argument, context } = call.params as { ref?: Record<string, unknown>; argument?: Record<string, unknown>; context?: { arguments?: Record<string, string> } };
      if (typeof ref !== 'object' || ref === null) throw invalidParams('completion/complete: "ref" must be an object');
      if (typeof argument?.name !== 'string' || typeof argument.value !== 'string') throw invalidParams('completion/complete: "argument" needs string "name" and "value"');
      const catalog = deps.catalog();
      let completer: CompleteFn | undefined;
      let logger: Logger;
      let owner: AnyBinding;
      if (ref.type === 'ref/prompt') {
        const prompt = typeof ref.name === 'string' ? deps.policy.admit(call, catalog, catalog.prompts.get(ref.name), () => `prompt "${ref.name}"`) : undefined;
        if (!prompt) throw invalidParams(`completion/complete: unknown prompt ${JSON.stringify(ref.name)}`);
        completer = prompt.complete.get(argument.name);
        logger = prompt.logger;
        owner = prompt;
      } else if (ref.type === 'ref/resource') {
        const template = deps.policy.admit(call, catalog, catalog.templates.find((t) => t.descriptor.uriTemplate === ref.uri), () => `resource template ${ref.uri}`);
        if (!template) throw invalidParams(`completion/complete: unknown resource template ${JSON.stringify(ref.uri)}`);
        completer = template.complete.get(argument.name);
        logger = template.logger;
        owner = template;
      } else {
        throw invalidParams(`completion/complete: unknown ref type ${JSON.stringify(ref.type)}`);
      }
      if (!completer) return { completion: { values: [], hasMore: false } };
      // A completion context is a request context with the arguments already filled in (set on the instance: spreading it would lose its methods).
      // Suggestions are plugin data (values from a database, file names): masked like results.
      const masker = deps.policy.masker(call.principal, owner);
      const ctx = Object.assign(createRequestContext(call, owner, deps, masker), { arguments: (context?.arguments ?? {}) as Record<string, string> });
      let values: string[];
      try {
        values = await completer(argument.value, ctx);
      } catch (e) {
        throw masker ? masker.error(e) : e;
      }
      if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) throw new ProtocolError(RpcCode.InternalError, 'completion/complete: the completer did not return an array of strings');
      const shown = values.slice(0, MAX_VALUES);
      return { completion: { values: masker ? (masker.value(shown) as string[]) : shown, total: values.length, hasMore: values.length > MAX_VALUES } };
    },
  };
}

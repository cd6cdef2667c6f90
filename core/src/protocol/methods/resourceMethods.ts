import { createRequestContext } from '../createRequestContext.js';
import { invalidParams, ProtocolError, RpcCode } from '../ProtocolError.js';
import { resourceResult } from '../normalizeResults.js';
import type { EngineDeps, MethodTable } from './MethodHandler.js';

function uriParam(params: Record<string, unknown>, method: string): string {
  if (typeof params.uri !== 'string' || params.uri === '') throw invalidParams(`${method}: "uri" must be a non-empty string`);
  return params.uri;
}

/** resources/list, resources/templates/list, resources/read, resources/subscribe, resources/unsubscribe. */
export function resourceMethods(deps: EngineDeps): MethodTable {
  return {
    'resources/list': ({ params }) => deps.catalog().listPage('resources', params.cursor),
    'resources/templates/list': ({ params }) => deps.catalog().listPage('resourceTemplates', params.cursor),
    async 'resources/read'(call) {
      const uri = uriParam(call.params, 'resources/read');
      const catalog = deps.catalog();
      const fixed = catalog.resources.get(uri);
      if (fixed) return resourceResult(await fixed.read(uri, createRequestContext(call, fixed.logger, deps.clientRequestTimeoutMs)), uri, fixed.descriptor.mimeType);
      const matched = catalog.matchTemplate(uri);
      if (matched) {
        const { binding, variables } = matched;
        return resourceResult(await binding.read(uri, variables, createRequestContext(call, binding.logger, deps.clientRequestTimeoutMs)), uri, binding.descriptor.mimeType);
      }
      throw new ProtocolError(RpcCode.ResourceNotFound, `Resource not found: ${uri}`, { uri });
    },
    'resources/subscribe'({ params, session }) {
      session.subscriptions.add(uriParam(params, 'resources/subscribe'));
      return {};
    },
    'resources/unsubscribe'({ params, session }) {
      session.subscriptions.delete(uriParam(params, 'resources/unsubscribe'));
      return {};
    },
  };
}

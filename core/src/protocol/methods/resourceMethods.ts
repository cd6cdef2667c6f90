import { createRequestContext } from '../createRequestContext.js';
import { invalidParams, ProtocolError, RpcCode } from '../ProtocolError.js';
import { resourceResult } from '../normalizeResults.js';
import type { CacheHint } from '@mcp-host/sdk';
import type { CallScope } from '../CallScope.js';
import type { EngineDeps, MethodTable } from './MethodHandler.js';

/** Modern era: `resources/read` results carry cache hints (the resource's own, else the host's). */
function withCache(result: Record<string, unknown>, call: CallScope, cache: CacheHint | undefined, deps: EngineDeps): Record<string, unknown> {
  if (call.era !== 'modern') return result;
  return { ...result, ttlMs: cache?.ttlMs ?? deps.cache.readTtlMs, cacheScope: cache?.scope ?? deps.cache.cacheScope };
}

function uriParam(params: Record<string, unknown>, method: string): string {
  if (typeof params.uri !== 'string' || params.uri === '') throw invalidParams(`${method}: "uri" must be a non-empty string`);
  return params.uri;
}

/** resources/list, resources/templates/list, resources/read. */
export function resourceMethods(deps: EngineDeps): MethodTable {
  return {
    'resources/list': ({ params, era }) => deps.catalog().listPage('resources', params.cursor, era),
    'resources/templates/list': ({ params, era }) => deps.catalog().listPage('resourceTemplates', params.cursor, era),
    async 'resources/read'(call) {
      const uri = uriParam(call.params, 'resources/read');
      const catalog = deps.catalog();
      const fixed = catalog.resources.get(uri);
      if (fixed) {
        const value = await fixed.read(uri, createRequestContext(call, fixed.logger, deps.clientRequestTimeoutMs));
        return withCache(resourceResult(value, uri, fixed.descriptor.mimeType), call, fixed.cache, deps);
      }
      const matched = catalog.matchTemplate(uri);
      if (matched) {
        const { binding, variables } = matched;
        const value = await binding.read(uri, variables, createRequestContext(call, binding.logger, deps.clientRequestTimeoutMs));
        return withCache(resourceResult(value, uri, binding.descriptor.mimeType), call, binding.cache, deps);
      }
      // 2026-07-28 moved "not found" to -32602; the legacy era keeps -32002. Both carry the URI.
      throw new ProtocolError(call.era === 'modern' ? RpcCode.InvalidParams : RpcCode.ResourceNotFound, `Resource not found: ${uri}`, { uri });
    },
  };
}

/** Legacy-era resource subscriptions (2026-07-28 subscribes through subscriptions/listen). */
export function legacySubscriptionMethods(): MethodTable {
  return {
    'resources/subscribe'({ params, session }) {
      session!.subscriptions.add(uriParam(params, 'resources/subscribe'));
      return {};
    },
    'resources/unsubscribe'({ params, session }) {
      session!.subscriptions.delete(uriParam(params, 'resources/unsubscribe'));
      return {};
    },
  };
}

import { createRequestContext } from '../createRequestContext.js';
import { exceedsJsonLimits } from '../../calls/jsonLimits.js';
import { invalidParams, ProtocolError, RpcCode } from '../ProtocolError.js';
import { resourceResult } from '../normalizeResults.js';
import type { CacheHint } from '@mcp-host/sdk';
import type { ResourceBinding, TemplateBinding } from '../../catalog/bindings.js';
import type { CallScope } from '../CallScope.js';
import type { EngineDeps, MethodTable } from './MethodHandler.js';

/** Modern era: `resources/read` results carry cache hints (the resource's own, else the host's). */
function withCache(result: Record<string, unknown>, call: CallScope, cache: CacheHint | undefined, deps: EngineDeps): Record<string, unknown> {
  if (call.era !== 'modern') return result;
  return { ...result, ttlMs: cache?.ttlMs ?? deps.cache.readTtlMs, cacheScope: cache?.scope ?? deps.cache.cacheScope };
}

/**
 * Runs a read of a fixed resource or a template under the policy: a slot of the principal's
 * concurrency cap, the result within `server.limits`, and everything the caller sees of it (the
 * contents, progress, logs, errors) masked by the binding's rules.
 */
async function readUnderPolicy(call: CallScope, binding: ResourceBinding | TemplateBinding, deps: EngineDeps, uri: string, read: (ctx: ReturnType<typeof createRequestContext>) => Promise<unknown>): Promise<Record<string, unknown>> {
  const masker = deps.policy.masker(call.principal, binding);
  const entered = deps.policy.enter(call);
  const release = typeof entered === 'function' ? entered : await entered;
  try {
    const value = await read(createRequestContext(call, binding, deps, masker));
    const over = exceedsJsonLimits(value, deps.limits);
    if (over) throw new ProtocolError(RpcCode.InternalError, `resource handler for ${uri} returned a result over a limit: ${over}`);
    const result = resourceResult(value, uri, binding.descriptor.mimeType);
    return withCache(masker ? masker.result(result) : result, call, binding.cache, deps);
  } catch (e) {
    throw masker ? masker.error(e) : e;
  } finally {
    release();
  }
}

function uriParam(params: Record<string, unknown>, method: string): string {
  if (typeof params.uri !== 'string' || params.uri === '') throw invalidParams(`${method}: "uri" must be a non-empty string`);
  return params.uri;
}

/** A subscribed URI is kept for the session's life (and in a cluster, in its record): bounded. */
export const MAX_SUBSCRIBED_URI = 4096;
export const DEFAULT_MAX_SUBSCRIPTIONS = 1000;

/** resources/list, resources/templates/list, resources/read. */
export function resourceMethods(deps: EngineDeps): MethodTable {
  return {
    'resources/list': ({ params, era, principal }) => deps.lists.page(deps.catalog(), 'resources', params.cursor, era, principal),
    'resources/templates/list': ({ params, era, principal }) => deps.lists.page(deps.catalog(), 'resourceTemplates', params.cursor, era, principal),
    async 'resources/read'(call) {
      const uri = uriParam(call.params, 'resources/read');
      const catalog = deps.catalog();
      const fixed = deps.policy.admit(call, catalog, catalog.resources.get(uri), () => `resource ${uri}`);
      if (fixed) return readUnderPolicy(call, fixed, deps, uri, (ctx) => fixed.read(uri, ctx));
      // A hidden fixed resource must not be served by a template that happens to match its URI either.
      const matched = catalog.resources.has(uri) ? undefined : catalog.matchTemplate(uri);
      if (matched && deps.policy.admit(call, catalog, matched.binding, () => `resource ${uri}`)) {
        const { binding, variables } = matched;
        return readUnderPolicy(call, binding, deps, uri, (ctx) => binding.read(uri, variables, ctx));
      }
      // 2026-07-28 moved "not found" to -32602; the legacy era keeps -32002. Both carry the URI.
      throw new ProtocolError(call.era === 'modern' ? RpcCode.InvalidParams : RpcCode.ResourceNotFound, `Resource not found: ${uri}`, { uri });
    },
  };
}

/** Legacy-era resource subscriptions (2026-07-28 subscribes through subscriptions/listen). */
export function legacySubscriptionMethods(deps: EngineDeps): MethodTable {
  return {
    'resources/subscribe'(call) {
      const uri = uriParam(call.params, 'resources/subscribe');
      if (uri.length > MAX_SUBSCRIBED_URI) throw invalidParams(`resources/subscribe: "uri" is longer than ${MAX_SUBSCRIBED_URI} characters`);
      const max = deps.maxSubscriptions ?? DEFAULT_MAX_SUBSCRIPTIONS;
      if (!call.session!.subscriptions.has(uri) && call.session!.subscriptions.size >= max) {
        throw new ProtocolError(RpcCode.RateLimited, `Too many resource subscriptions on this session (limit ${max}); unsubscribe from some first`, { limit: 'subscriptionsPerSession', max });
      }
      const catalog = deps.catalog();
      // Updates to a resource the caller may not read would tell it when the resource changes; unknown URIs stay subscribable, as before.
      if (catalog.resources.has(uri) && !deps.policy.admit(call, catalog, catalog.resources.get(uri), () => `resource ${uri}`)) {
        throw new ProtocolError(RpcCode.ResourceNotFound, `Resource not found: ${uri}`, { uri });
      }
      call.session!.subscriptions.add(uri);
      call.session!.changed();
      return {};
    },
    'resources/unsubscribe'({ params, session }) {
      if (session!.subscriptions.delete(uriParam(params, 'resources/unsubscribe'))) session!.changed();
      return {};
    },
  };
}

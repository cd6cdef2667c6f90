import type { EngineDeps, MethodTable } from '../methods/MethodHandler.js';
import { SERVER_CAPABILITIES } from '../methods/lifecycleMethods.js';
import { tagged, type Listener, type ListenFilter } from '../Notifier.js';
import { invalidParams, ProtocolError, RpcCode } from '../ProtocolError.js';
import { MetaKey, MODERN_VERSIONS } from './modernMeta.js';
import { modernContextKey } from '../contextKeys.js';
import { DEFAULT_MAX_SUBSCRIPTIONS, MAX_SUBSCRIBED_URI } from '../methods/resourceMethods.js';

const FILTER_FLAGS = ['toolsListChanged', 'promptsListChanged', 'resourcesListChanged'] as const;

function readFilter(params: Record<string, unknown>, maxSubscriptions: number): ListenFilter {
  const n = params.notifications;
  if (typeof n !== 'object' || n === null || Array.isArray(n)) throw invalidParams('subscriptions/listen: "notifications" must be an object');
  const filter: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(n)) {
    if ((FILTER_FLAGS as readonly string[]).includes(key)) {
      if (typeof value !== 'boolean') throw invalidParams(`subscriptions/listen: notifications.${key} must be a boolean`);
      if (value) filter[key] = true;
    } else if (key === 'resourceSubscriptions') {
      if (!Array.isArray(value) || value.some((u) => typeof u !== 'string')) throw invalidParams('subscriptions/listen: notifications.resourceSubscriptions must be an array of URIs');
      const uris = [...new Set(value as string[])];
      if (uris.length > maxSubscriptions) throw invalidParams(`subscriptions/listen: at most ${maxSubscriptions} resourceSubscriptions per stream`, { limit: 'subscriptionsPerStream', max: maxSubscriptions });
      if (uris.some((u) => u.length > MAX_SUBSCRIBED_URI)) throw invalidParams(`subscriptions/listen: a subscribed URI is longer than ${MAX_SUBSCRIBED_URI} characters`);
      filter[key] = uris;
    } else {
      throw invalidParams(`subscriptions/listen: unknown notification kind "${key}" (known: ${[...FILTER_FLAGS, 'resourceSubscriptions'].join(', ')})`, { unknown: key });
    }
  }
  return filter as ListenFilter;
}

/** The modern era's own methods: server/discover and subscriptions/listen. */
export function modernMethods(deps: EngineDeps, shutdown: AbortSignal): MethodTable {
  return {
    'server/discover': () => ({
      // Modern versions only: a legacy client finds this server through initialize, not discover.
      supportedVersions: [...MODERN_VERSIONS],
      capabilities: SERVER_CAPABILITIES,
      ...(deps.instructions ? { instructions: deps.instructions } : {}),
      ttlMs: deps.cache.discoverTtlMs,
      cacheScope: deps.cache.cacheScope,
    }),
    async 'subscriptions/listen'({ id, params, channel, lifetime, principal }) {
      const signal = lifetime.signal;
      const filter = readFilter(params, deps.maxSubscriptions ?? DEFAULT_MAX_SUBSCRIPTIONS);
      // The session scope of shared context this stream hears of (context://session/… is per context id).
      const contextKey = modernContextKey(params._meta as Record<string, unknown> | undefined);
      if (contextKey === null) throw invalidParams('subscriptions/listen: _meta["mcp-host/contextId"] must be 1-128 letters, digits, ".", "_", "-" or ":", starting with a letter or digit');
      if (!channel.canSend) throw new ProtocolError(RpcCode.InvalidRequest, 'subscriptions/listen needs a stream: send Accept: text/event-stream');
      if (deps.notifier.listeners.size >= deps.maxListenStreams) {
        throw new ProtocolError(RpcCode.InternalError, `Too many open listen streams (limit ${deps.maxListenStreams}); retry later`, { limit: deps.maxListenStreams });
      }
      const quotas = deps.quotas;
      let took = !quotas || quotas.take('listenStreams', principal.id);
      if (typeof took !== 'boolean') took = await took;
      if (quotas && !took) {
        throw new ProtocolError(RpcCode.RateLimited, `Too many listen streams: ${quotas.refusal('listenStreams')}; close one first`, { limit: 'listenStreamsPerPrincipal', max: quotas.limit('listenStreams') });
      }
      // The acknowledgement comes first and names exactly what this stream will carry.
      channel.send(tagged('notifications/subscriptions/acknowledged', { notifications: filter }, id));
      const listener: Listener = { subscriptionId: id, filter, channel, principal, ...(contextKey ? { contextKey } : {}) };
      deps.notifier.listeners.add(listener);
      try {
        await new Promise<void>((resolve) => {
          if (signal.aborted || shutdown.aborted) return resolve();
          signal.addEventListener('abort', () => resolve(), { once: true });
          shutdown.addEventListener('abort', () => resolve(), { once: true });
        });
      } finally {
        deps.notifier.listeners.delete(listener);
        quotas?.give('listenStreams', principal.id);
      }
      // A graceful end (host shutdown) answers the listen request; a client that left gets nothing.
      return { _meta: { [MetaKey.subscriptionId]: id } };
    },
  };
}

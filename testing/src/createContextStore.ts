import { hostConfigSchema, type ContextNamespaceConfig } from '@mcp-host/config';
import { ContextNamespaces, ContextService, MemoryContextBackend, SchemaCompiler } from '@mcp-host/core';
import type { PluginInfo, RequestContext, SharedContext } from '@mcp-host/sdk';
import { pino } from 'pino';

/** The shared context of unit tests: the host's own service, in memory. */
export interface ContextStore {
  /** `ctx.context` of a handler of `plugin` (createToolContext calls it). */
  of(ctx: RequestContext, plugin: PluginInfo): SharedContext;
  /** Every write's URI, in order (what subscribers would have been told of). */
  readonly updates: string[];
}

export interface ContextStoreOptions {
  /** Shared namespaces, as a manifest's `mcpHost.context.namespaces` or the host's `context.namespaces` declare them. */
  readonly namespaces?: Record<string, ContextNamespaceConfig>;
  /** The rest of the host's `context` config (limits, quotas, TTLs). */
  readonly config?: Record<string, unknown>;
}

/**
 * A store for `createToolContext({ contextStore })`: the host's context service over memory, with the
 * host's checks, so a plugin's unit test sees the refusals a real host gives (bad keys, values over
 * limits or a namespace's schema, quotas, a namespace the principal may not write).
 */
export function createContextStore(options: ContextStoreOptions = {}): ContextStore {
  const config = hostConfigSchema.parse({ context: { ...options.config, namespaces: options.namespaces ?? {} } });
  const logger = pino({ level: 'silent' });
  const updates: string[] = [];
  const service = new ContextService({
    config: config.context,
    limits: config.server.limits,
    backend: new MemoryContextBackend(),
    namespaces: new ContextNamespaces(config.context, undefined, logger, () => new SchemaCompiler()),
    notify: (uris) => void updates.push(uris[0]!),
    logger,
  });
  return { of: (ctx, plugin) => service.of(ctx, plugin), updates };
}

import { ContextError, McpError, type PluginInfo, type RequestContext } from '@mcp-host/sdk';
import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import type { Logger } from 'pino';
import type { BoundGeneration, ResourceBinding, TemplateBinding } from '../catalog/bindings.js';
import { isModernVersion } from '../protocol/modern/modernMeta.js';
import { RpcCode } from '../protocol/ProtocolError.js';
import { HOST_VERSION } from '../version.js';

/** The host's own "plugin" serving shared context as resources; its id cannot clash with a plugin's (plugin ids have no "/"). */
export const CONTEXT_PLUGIN: PluginInfo = Object.freeze({ id: 'mcp-host/context', name: '@mcp-host/context', version: HOST_VERSION, root: '' });

const JSON_MIME = 'application/json';
const VERSION_META = 'mcp-host/version';
const EXPIRES_META = 'mcp-host/expiresAt';

/**
 * Shared context as resources, read by the caller's own scopes: `context://session` and
 * `context://principal` (their keys), `context://session/{key}`, `context://principal/{key}`,
 * `context://shared/{namespace}` (its keys) and `context://shared/{namespace}/{key}` (a value, its
 * version in `_meta`). A generation of the host's, served before every plugin's: the engine reads it
 * as any resource (permissions, masking, audit, metrics, subscriptions apply), and what a caller
 * may not see — a namespace it may not read, a key that is not there, another principal's values,
 * which no URI can name — answers "not found", alike.
 */
export function contextGeneration(logger: Logger): BoundGeneration {
  const fixed = (scope: 'session' | 'principal', description: string): ResourceBinding => ({
    kind: 'resource',
    uri: `context://${scope}`,
    cache: undefined,
    plugin: CONTEXT_PLUGIN,
    logger,
    descriptor: { uri: `context://${scope}`, name: `context-${scope}`, title: `${scope === 'session' ? 'Session' : 'Principal'} context keys`, description, mimeType: JSON_MIME },
    // A 2026-07-28 caller that names no context id has an empty session scope, not a missing resource.
    read: (uri, ctx) => keysOf(uri, ctx, () => ctx.context[scope].keys().catch((e) => (e instanceof ContextError && e.reason === 'no-session' ? [] : Promise.reject(e)))),
  });
  const template = (uriTemplate: string, name: string, description: string, read: (uri: string, v: Record<string, string>, ctx: RequestContext) => Promise<unknown>): TemplateBinding => ({
    kind: 'template',
    name,
    cache: undefined,
    plugin: CONTEXT_PLUGIN,
    logger,
    descriptor: { uriTemplate, name, description, mimeType: JSON_MIME },
    template: new UriTemplate(uriTemplate),
    complete: new Map(),
    read: (uri, variables, ctx) => read(uri, single(variables), ctx),
  });
  return {
    info: CONTEXT_PLUGIN,
    bindings: {
      tools: [],
      prompts: [],
      resources: [
        fixed('session', "The keys of your session's shared context (a 2026-07-28 client names its session with _meta[\"mcp-host/contextId\"])."),
        fixed('principal', 'The keys of the shared context of your identity, common to all your sessions.'),
      ],
      templates: [
        template('context://session/{key}', 'context-session-value', "A value of your session's shared context.", (uri, v, ctx) => valueOf(uri, v.key, ctx, () => ctx.context.session.get(v.key))),
        template('context://principal/{key}', 'context-principal-value', "A value of your identity's shared context.", (uri, v, ctx) => valueOf(uri, v.key, ctx, () => ctx.context.principal.get(v.key))),
        template('context://shared/{namespace}/{key}', 'context-shared-value', 'A value of a shared context namespace you may read.', (uri, v, ctx) => valueOf(uri, v.key, ctx, () => ctx.context.shared(v.namespace).get(v.key))),
        template('context://shared/{namespace}', 'context-shared-keys', 'The keys of a shared context namespace you may read.', (uri, v, ctx) => keysOf(uri, ctx, () => ctx.context.shared(v.namespace).keys())),
      ],
    },
  };
}

function single(variables: Record<string, string | string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(variables)) out[k] = decoded(Array.isArray(v) ? v.join(',') : v);
  return out;
}

/** A URI part decoded; one that does not decode (`%E0%A4%A`) is kept as sent, which no key or namespace matches: "not found". */
function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

async function valueOf(uri: string, key: string, ctx: RequestContext, get: () => Promise<{ value: unknown; version: number; expiresAt?: number } | undefined>): Promise<unknown> {
  const entry = await hidden(uri, ctx, get);
  if (!entry) throw notFound(uri, ctx);
  const meta = { [VERSION_META]: entry.version, ...(entry.expiresAt !== undefined ? { [EXPIRES_META]: new Date(entry.expiresAt).toISOString() } : {}) };
  return { contents: [{ uri, mimeType: JSON_MIME, text: JSON.stringify(entry.value), _meta: meta }] };
}

async function keysOf(uri: string, ctx: RequestContext, keys: () => Promise<string[]>): Promise<unknown> {
  const list = await hidden(uri, ctx, keys);
  return { contents: [{ uri, mimeType: JSON_MIME, text: JSON.stringify({ keys: list }) }] };
}

/** Refusals that would tell a caller something (a namespace exists but is closed to it, a key is malformed) read as "not found"; an unavailable store stays itself. */
async function hidden<T>(uri: string, ctx: RequestContext, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof ContextError && e.reason !== 'unavailable') throw notFound(uri, ctx);
    if (e instanceof ContextError) throw new McpError(RpcCode.Unavailable, e.message);
    throw e;
  }
}

/** As the engine says it for any URI: -32002 in the legacy era, -32602 in 2026-07-28. */
function notFound(uri: string, ctx: RequestContext): McpError {
  return new McpError(isModernVersion(ctx.client.protocolVersion) ? RpcCode.InvalidParams : RpcCode.ResourceNotFound, `Resource not found: ${uri}`, { uri });
}

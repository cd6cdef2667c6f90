import type { CompleteFn, PluginInfo, RequestContext } from '@mcp-host/sdk';
import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import type { Logger } from 'pino';
import type { PluginBindings } from '../../catalog/bindings.js';
import { SchemaCompiler } from '../../catalog/compileSchema.js';
import { compileToolSchemas } from '../buildBindings.js';
import type { CallTarget, RemoteBindings } from './workerProtocol.js';

/**
 * The host's side of an isolated generation's bindings, built from the descriptors its worker or
 * process sent: each invokes `call` with the target, and tools validate their arguments here
 * against the published JSON Schemas, so bad arguments never cost a round trip.
 */
export function proxyBindings(remote: RemoteBindings, plugin: PluginInfo, logger: Logger, call: (t: CallTarget, ctx: RequestContext & { arguments?: Record<string, string> }) => Promise<unknown>): PluginBindings {
  // The generation's own compiler, dropped with these bindings (see SchemaCompiler).
  const schemas = new SchemaCompiler();
  const completers = (owner: 'prompt' | 'template', name: string, args: string[]) =>
    new Map<string, CompleteFn>(args.map((argument) => [argument, (value, ctx) => call({ kind: 'complete', owner, name, argument, value }, ctx) as Promise<string[]>]));
  return {
    tools: remote.tools.map((t) => ({
      kind: 'tool' as const, name: t.name, plugin, logger, declared: t.declared, descriptor: t.descriptor, paramHeaders: t.paramHeaders,
      // Validated on the host against the published JSON Schema, so bad arguments never cost a round trip.
      ...compileToolSchemas(schemas, t.name, t.input, t.output),
      invoke: (args, ctx) => call({ kind: 'tool', name: t.name, args }, ctx),
    })),
    resources: remote.resources.map((r) => ({ kind: 'resource' as const, uri: r.uri, cache: r.cache, plugin, logger, declared: r.declared, descriptor: r.descriptor, read: (uri, ctx) => call({ kind: 'resource', uri }, ctx) })),
    templates: remote.templates.map((t) => ({
      kind: 'template' as const, name: t.name, cache: t.cache, plugin, logger, declared: t.declared, descriptor: t.descriptor,
      template: new UriTemplate(t.descriptor.uriTemplate as string), complete: completers('template', t.name, t.complete),
      read: (uri, variables, ctx) => call({ kind: 'template', name: t.name, uri, variables }, ctx),
    })),
    prompts: remote.prompts.map((p) => ({
      kind: 'prompt' as const, name: p.name, plugin, logger, declared: p.declared, descriptor: p.descriptor, requiredArguments: p.requiredArguments,
      complete: completers('prompt', p.name, p.complete), get: (args, ctx) => call({ kind: 'prompt', name: p.name, args }, ctx),
    })),
  };
}

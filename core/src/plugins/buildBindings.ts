import {
  ErrorCode,
  isZodSchema,
  MCP_APP_MIME_TYPE,
  McpError,
  type CompleteFn,
  type Completer,
  type MaskOptions,
  type PluginInfo,
  type PluginItems,
  type PromptOptions,
  type ResourceOptions,
  type ResourceTemplateOptions,
  type ToolOptions,
} from '@mcp-host/sdk';
import { METADATA_KEYS, promptArgumentList, readMembers } from '@mcp-host/sdk/internal';
import type { Logger } from 'pino';
import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import type { DeclaredPolicy, TaskSupport, PluginBindings, PromptBinding, ResourceBinding, TemplateBinding, ToolBinding } from '../catalog/bindings.js';
import { SchemaCompiler, type CompiledSchema } from '../catalog/compileSchema.js';
import type { Drain } from './Drain.js';
import { traceOf } from '../calls/CallTrace.js';
import { findParamHeaders } from '../catalog/findParamHeaders.js';

type AnyFn = (...args: any[]) => unknown;

/** Thrown for a declaration that cannot be served (bad schema, missing method); the loader turns it into a plugin problem. */
export class DeclarationError extends Error {}

/** A tool's input or output schema that does not compile (MCPH_PLUGIN_BAD_SCHEMA): the message names the tool and the schema error. */
export class SchemaError extends DeclarationError {
  /** The problem's fix, wherever the schema was compiled (in the plugin's worker or on the host). */
  static readonly fix = 'make the schema valid JSON Schema 2020-12 (or a zod schema); within one plugin an $id names one schema';
}

/** Compiles a tool's input and output schema with its generation's compiler; a failure names the tool and which schema. */
export function compileToolSchemas(compiler: SchemaCompiler, tool: string, input: unknown, output: unknown): { input: CompiledSchema; output: CompiledSchema | undefined } {
  const one = (schema: unknown, which: string) => {
    try {
      return compiler.compile(schema as never);
    } catch (e) {
      throw new SchemaError(`tool "${tool}": its ${which} schema does not compile: ${(e as Error).message}`, { cause: e });
    }
  };
  return { input: one(input, 'input'), output: output === undefined ? undefined : one(output, 'output') };
}

function pick(source: object, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = (source as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

const strings = (v: unknown, where: string, what: string): string[] | undefined => {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) throw new DeclarationError(`${where}: "${what}" must be an array of non-empty strings`);
  return v;
};

/** The access and masking a declaration asks for, checked here so a typo fails the load instead of opening the item. */
function declaredPolicy(opts: BaseDeclaration, where: string): DeclaredPolicy | undefined {
  const scopes = strings(opts.scopes, where, 'scopes');
  const roles = strings(opts.roles, where, 'roles');
  let mask: MaskOptions | undefined;
  if (opts.mask !== undefined) {
    const patterns = strings(opts.mask?.patterns, where, 'mask.patterns');
    const unknown = patterns?.filter((p) => !MASK_PATTERNS.includes(p as never));
    if (unknown?.length) throw new DeclarationError(`${where}: unknown mask pattern(s) ${unknown.join(', ')} (known: ${MASK_PATTERNS.join(', ')})`);
    mask = { fields: strings(opts.mask?.fields, where, 'mask.fields'), patterns: patterns as MaskOptions['patterns'] };
  }
  return scopes || roles || mask ? { scopes, roles, mask } : undefined;
}
/** A tool's `_meta`, with MCP Apps' `ui` (`resourceUri`, `visibility`) when it links an app (SEP-1865). */
function toolUiMeta(opts: ToolOptions, where: string): Record<string, unknown> | undefined {
  if (opts.ui === undefined) return opts._meta;
  const { resourceUri, visibility } = opts.ui ?? ({} as never);
  if (typeof resourceUri !== 'string' || !resourceUri.startsWith('ui://')) throw new DeclarationError(`${where}: ui.resourceUri must be a ui:// URI (the app resource to render)`);
  if (visibility !== undefined && (!Array.isArray(visibility) || visibility.some((v) => v !== 'model' && v !== 'app'))) throw new DeclarationError(`${where}: ui.visibility must list 'model' and/or 'app'`);
  const ui = { ...(opts._meta?.ui as object | undefined), resourceUri, ...(visibility ? { visibility } : {}) };
  return { ...opts._meta, ui };
}

/**
 * A `ui://` resource is an MCP App (SEP-1865): served as `text/html;profile=mcp-app` (the default;
 * another MIME type is refused), with its sandbox needs (`ui`) as `_meta.ui` on the declaration and
 * on every content it reads, which is where hosts look for them.
 */
function appResource(opts: ResourceOptions, where: string): { descriptor: Record<string, unknown>; contents(value: unknown): unknown } | undefined {
  const isApp = typeof opts.uri === 'string' && opts.uri.startsWith('ui://');
  if (!isApp) {
    if (opts.ui !== undefined) throw new DeclarationError(`${where}: ui applies to ui:// resources (MCP Apps) only`);
    return undefined;
  }
  if (opts.mimeType !== undefined && opts.mimeType !== MCP_APP_MIME_TYPE) throw new DeclarationError(`${where}: a ui:// resource is an MCP App, served as ${MCP_APP_MIME_TYPE} (not ${opts.mimeType})`);
  if (opts.ui !== undefined && (typeof opts.ui !== 'object' || opts.ui === null || Array.isArray(opts.ui))) throw new DeclarationError(`${where}: ui must be an object ({ csp?, permissions?, domain?, prefersBorder? })`);
  const ui = opts.ui ? { ...(opts._meta?.ui as object | undefined), ...opts.ui } : (opts._meta?.ui as object | undefined);
  const meta = ui ? { ...opts._meta, ui } : opts._meta;
  const withMeta = (c: Record<string, unknown>) => ({ ...c, mimeType: c.mimeType ?? MCP_APP_MIME_TYPE, ...(ui ? { _meta: { ...(c._meta as object | undefined), ui } } : {}) });
  return {
    descriptor: { mimeType: MCP_APP_MIME_TYPE, ...(meta ? { _meta: meta } : {}) },
    contents(value) {
      if (typeof value === 'string') return { contents: [withMeta({ uri: opts.uri, text: value })] };
      if (Array.isArray(value)) return { contents: value.map((c) => withMeta(c)) };
      if (typeof value === 'object' && value !== null && Array.isArray((value as { contents?: unknown }).contents)) return { ...value, contents: (value as { contents: Record<string, unknown>[] }).contents.map(withMeta) };
      if (typeof value === 'object' && value !== null && ('text' in value || 'blob' in value)) return { contents: [withMeta({ uri: opts.uri, ...value })] };
      return value;
    },
  };
}

/** Checks a tool's `task` option (plugins are JavaScript too: a typo must fail the load, not run the tool synchronously). */
function taskSupport(task: ToolOptions['task'], where: string): TaskSupport | undefined {
  if (task === undefined) return undefined;
  const support = typeof task === 'string' ? task : task?.support;
  if (support !== 'optional' && support !== 'required') throw new DeclarationError(`${where}: task must be 'optional', 'required' or { support, inputFirstMs? }`);
  const inputFirstMs = typeof task === 'object' ? (task.inputFirstMs ?? 0) : 0;
  if (!Number.isInteger(inputFirstMs) || inputFirstMs < 0 || inputFirstMs > 60_000) throw new DeclarationError(`${where}: task.inputFirstMs must be an integer from 0 to 60000`);
  return { support, inputFirstMs };
}
type BaseDeclaration = { scopes?: unknown; roles?: unknown; mask?: { fields?: unknown; patterns?: unknown } };
const MASK_PATTERNS = ['email', 'card', 'bearer', 'apiKey'] as const;

function completers(spec: Record<string, Completer> | undefined, instance: object | undefined, where: string): Map<string, CompleteFn> {
  const map = new Map<string, CompleteFn>();
  for (const [arg, c] of Object.entries(spec ?? {})) {
    let fn: CompleteFn;
    if (typeof c === 'function') fn = c;
    else {
      const method = instance ? (instance as Record<string, unknown>)[c] : undefined;
      if (typeof method !== 'function') throw new DeclarationError(`${where}: completer "${c}" for "${arg}" is not a method of the class`);
      fn = (method as CompleteFn).bind(instance);
    }
    // A completer is plugin code like any handler: traced alike (and untraced, called as it is, with nothing allocated).
    map.set(arg, (value, ctx) => {
      const trace = traceOf(ctx);
      return trace ? trace.handler(() => fn(value, ctx)) : fn(value, ctx);
    });
  }
  return map;
}

/**
 * Turns a plugin's declarations (decorated methods of its resolved class instances, and plain
 * objects) into bindings: descriptors built and schemas compiled here, once per generation.
 */
export function buildBindings(def: PluginItems, instances: ReadonlyMap<Function, object>, plugin: PluginInfo, logger: Logger, drain: Drain, prefix = ''): PluginBindings {
  const out: PluginBindings = { tools: [], resources: [], templates: [], prompts: [] };
  // The generation's own compiler: its validators live in these bindings and go with them.
  const schemas = new SchemaCompiler();
  /** Runs a handler under the generation's drain, inside its span when the call is traced; untraced, it costs the one closure it always did. */
  const handle = (ctx: object, run: () => unknown): Promise<unknown> => {
    const trace = traceOf(ctx);
    return drain.run(trace ? () => trace.handler(run) : run);
  };

  const tool = (opts: ToolOptions & { inputSchema?: unknown; outputSchema?: unknown }, name: string, fn: AnyFn, instance?: object) => {
    const where = `tool "${name}"`;
    const { input, output } = compileToolSchemas(schemas, name, opts.input ?? opts.inputSchema, (opts.output ?? opts.outputSchema) || undefined);
    const inputSchema = input.jsonSchema.type === undefined ? { type: 'object', ...input.jsonSchema } : input.jsonSchema;
    const task = taskSupport(opts.task, where);
    const meta = toolUiMeta(opts, where);
    const descriptor = { name: prefix + name, ...pick(opts, ['title', 'description']), inputSchema, ...(output ? { outputSchema: output.jsonSchema } : {}), ...pick(opts, ['annotations', 'icons']), ...(meta ? { _meta: meta } : {}), ...(task ? { execution: { taskSupport: task.support } } : {}) };
    const policy = declaredPolicy(opts as BaseDeclaration, where);
    const binding: ToolBinding = { kind: 'tool', name: prefix + name, plugin, logger, declared: task ? { ...policy, task } : policy, descriptor, input, output, paramHeaders: findParamHeaders(inputSchema), invoke: (args, ctx) => handle(ctx, () => fn.call(instance, args, ctx)) };
    out.tools.push(binding);
  };
  const resource = (opts: ResourceOptions, name: string, fn: AnyFn, instance?: object) => {
    const app = appResource(opts, `resource "${name}"`);
    const descriptor = { uri: opts.uri, name: prefix + name, ...pick(opts, ['title', 'description', 'mimeType', 'size', 'annotations', 'icons', '_meta']), ...app?.descriptor };
    const read: ResourceBinding['read'] = (uri, ctx) => handle(ctx, () => fn.call(instance, uri, ctx));
    const binding: ResourceBinding = { kind: 'resource', uri: opts.uri, cache: opts.cache, plugin, logger, declared: declaredPolicy(opts as BaseDeclaration, `resource "${name}"`), descriptor, read: app ? async (uri, ctx) => app.contents(await read(uri, ctx)) : read };
    out.resources.push(binding);
  };
  const template = (opts: ResourceTemplateOptions, name: string, fn: AnyFn, instance?: object) => {
    let parsed: UriTemplate;
    try {
      parsed = new UriTemplate(opts.uriTemplate);
    } catch (e) {
      throw new DeclarationError(`resource template "${name}": invalid URI template "${opts.uriTemplate}": ${(e as Error).message}`);
    }
    const descriptor = { uriTemplate: opts.uriTemplate, name: prefix + name, ...pick(opts, ['title', 'description', 'mimeType', 'annotations', 'icons', '_meta']) };
    const binding: TemplateBinding = {
      kind: 'template', name: prefix + name, cache: opts.cache, plugin, logger, declared: declaredPolicy(opts as BaseDeclaration, `resource template "${name}"`), descriptor, template: parsed,
      complete: completers(opts.complete, instance, `resource template "${name}"`),
      read: (uri, vars, ctx) => handle(ctx, () => fn.call(instance, uri, vars, ctx)),
    };
    out.templates.push(binding);
  };
  const prompt = (opts: PromptOptions, name: string, fn: AnyFn, instance?: object) => {
    let list: ReturnType<typeof promptArgumentList>;
    try {
      list = promptArgumentList(opts.arguments);
    } catch (e) {
      throw new DeclarationError(`prompt "${name}": ${(e as Error).message}`);
    }
    const args = list?.map((a) => pick(a, ['name', 'title', 'description', 'required']));
    // A schema also checks (and transforms) the arguments before the handler sees them.
    const schema = isZodSchema(opts.arguments) ? opts.arguments : undefined;
    const get = schema
      ? async (a: Record<string, string>) => {
          const parsed = await schema.safeParseAsync(a);
          if (!parsed.success) throw new McpError(ErrorCode.InvalidParams, `Invalid arguments for prompt ${prefix + name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`).join('; ')}`);
          return parsed.data;
        }
      : undefined;
    const descriptor = { name: prefix + name, ...pick(opts, ['title', 'description']), ...(args ? { arguments: args } : {}), ...pick(opts, ['icons', '_meta']) };
    const binding: PromptBinding = {
      kind: 'prompt', name: prefix + name, plugin, logger, declared: declaredPolicy(opts as BaseDeclaration, `prompt "${name}"`), descriptor,
      requiredArguments: (list ?? []).filter((a) => a.required).map((a) => a.name),
      complete: completers(opts.complete, instance, `prompt "${name}"`),
      get: get ? (a, ctx) => handle(ctx, async () => fn.call(instance, await get(a), ctx)) : (a, ctx) => handle(ctx, () => fn.call(instance, a, ctx)),
    };
    out.prompts.push(binding);
  };

  for (const [cls, instance] of instances) {
    const method = (m: string) => {
      const fn = (instance as Record<string, unknown>)[m];
      if (typeof fn !== 'function') throw new DeclarationError(`${cls.name}.${m} is not a method`);
      return fn as AnyFn;
    };
    for (const { method: m, options } of readMembers<ToolOptions>(METADATA_KEYS.tools, cls)) tool(options, options.name ?? m, method(m), instance);
    for (const { method: m, options } of readMembers<ResourceOptions>(METADATA_KEYS.resources, cls)) resource(options, options.name ?? m, method(m), instance);
    for (const { method: m, options } of readMembers<ResourceTemplateOptions>(METADATA_KEYS.resourceTemplates, cls)) template(options, options.name ?? m, method(m), instance);
    for (const { method: m, options } of readMembers<PromptOptions>(METADATA_KEYS.prompts, cls)) prompt(options, options.name ?? m, method(m), instance);
  }
  const plain = <T extends { name?: string; handler?: unknown }>(list: readonly T[] | undefined, kind: string, add: (o: T, name: string, fn: AnyFn) => void) => {
    for (const item of list ?? []) {
      if (typeof item?.name !== 'string' || item.name === '') throw new DeclarationError(`a ${kind} object has no "name"`);
      if (typeof item.handler !== 'function') throw new DeclarationError(`${kind} "${item.name}" has no "handler" function`);
      add(item, item.name, item.handler as AnyFn);
    }
  };
  plain(def.tools, 'tool', (o, n, f) => tool(o, n, f));
  plain(def.resources, 'resource', (o, n, f) => resource(o, n, f));
  plain(def.resourceTemplates, 'resource template', (o, n, f) => template(o, n, f));
  plain(def.prompts, 'prompt', (o, n, f) => prompt(o, n, f));
  return out;
}

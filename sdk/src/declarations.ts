import type { z, ZodType } from 'zod';
import type { RequestContext, ToolContext } from './context.js';
import type {
  CallToolResult,
  ContentBlock,
  GetPromptResult,
  Icon,
  PromptMessage,
  ReadResourceResult,
  TextResourceContents,
  BlobResourceContents,
  ToolAnnotations,
  Annotations,
} from './protocolTypes.js';
import type { Infer, SchemaLike } from './schema.js';

type Awaitable<T> = T | Promise<T>;

/**
 * What a tool handler may return:
 * - a string (one text content block),
 * - a full `CallToolResult` (`{ content: [...] }`, optionally `structuredContent`, `isError`),
 * - an array of content blocks,
 * - any other value: sent as `structuredContent` (when the tool has an output schema) and as JSON text.
 */
export type ToolReturn = string | CallToolResult | ContentBlock[] | object | number | boolean | null | undefined;

/** Completion of one argument or template variable: the values that start with what the user typed. */
export type CompleteFn = (value: string, context: CompletionContext) => Awaitable<string[]>;

/** What a completion handler sees besides the partial value. */
export interface CompletionContext extends RequestContext {
  /** Values of the other arguments the client already resolved. */
  readonly arguments: Readonly<Record<string, string>>;
}

/**
 * A completion provider: a function, or (on a decorated class) the name of a method of that class
 * with the same signature.
 */
export type Completer = CompleteFn | string;

/** Kinds of sensitive text the host can find and mask in results (see `MaskOptions.patterns`). */
export type MaskPattern = 'email' | 'card' | 'bearer' | 'apiKey';

/**
 * What the host masks in this item's results (tool content and structured content, resource text,
 * prompt messages) for callers without the unmask scope (`masking.unmaskScope`, default `pii:read`).
 * The host's and the plugin's configured rules apply as well.
 */
export interface MaskOptions {
  /** Object keys whose values are replaced, at any depth (case-insensitive), e.g. `['ssn', 'password']`. */
  fields?: string[];
  /** Kinds of text replaced wherever they appear in strings. */
  patterns?: MaskPattern[];
}

/** Options shared by tools, resources, templates and prompts. */
interface BaseOptions {
  /** Human-readable title for display. */
  title?: string;
  /** What it is for; shown to the model. */
  description?: string;
  /** Icons for display. */
  icons?: Icon[];
  /** Extra `_meta` published with the declaration. */
  _meta?: Record<string, unknown>;
  /**
   * Scopes a caller needs, all of them, to see and use this item (when the host has `auth`
   * configured). The config (`plugins.settings.<id>.permissions`) can add to or override them.
   */
  scopes?: string[];
  /** Roles of which a caller needs at least one to see and use this item. */
  roles?: string[];
  /** Masking of this item's results. */
  mask?: MaskOptions;
}

/** Declaration of a tool; `S` is its input schema, from which its handler's arguments are typed. */
export interface ToolOptions<S extends SchemaLike = SchemaLike> extends BaseOptions {
  /** Tool name (defaults to the method name). Must be unique within the host, after any configured prefix. */
  name?: string;
  /**
   * Input schema (an object schema); defaults to "no arguments". A zod schema types the handler's
   * arguments (`z.output` of it: defaults and transforms applied).
   */
  input?: S;
  /** Output schema; when set, results carry `structuredContent` validated against it. */
  output?: SchemaLike;
  /** Behaviour hints for clients (read-only, destructive, idempotent, open-world). */
  annotations?: ToolAnnotations;
  /**
   * Runs the tool as a task (the `io.modelcontextprotocol/tasks` extension) for clients that declare
   * the extension: the call answers at once with a task id, and the client polls `tasks/get` for
   * its status and result, answers its questions with `tasks/update` and may `tasks/cancel` it. The
   * handler is the same: its `ctx.elicit`/`sample`/`listRoots` park the task in `input_required`
   * until the client answers. `'optional'`: clients without the extension get the result
   * synchronously; `'required'`: they are refused (-32021). See `TaskOptions` for `inputFirst`.
   */
  task?: 'optional' | 'required' | TaskOptions;
  /**
   * MCP Apps (SEP-1865): the `ui://` resource (an HTML app) a host renders for this tool's results,
   * published as `_meta.ui` of the tool; `visibility` says who may call it (`['app']`: only the app).
   */
  ui?: { resourceUri: string; visibility?: Array<'model' | 'app'> };
}

/** MCP Apps (SEP-1865): what a `ui://` resource's app needs of its host sandbox, published as `_meta.ui`. */
export interface AppResourceOptions {
  /** Origins the app may reach: network requests, static assets, nested frames, `<base>` URIs (none by default). */
  csp?: { connectDomains?: string[]; resourceDomains?: string[]; frameDomains?: string[]; baseUriDomains?: string[] };
  /** Browser permissions the app asks for. */
  permissions?: { camera?: Record<string, never>; microphone?: Record<string, never>; geolocation?: Record<string, never>; clipboardWrite?: Record<string, never> };
  /** A dedicated origin for the app, when it needs a stable one. */
  domain?: string;
  /** Whether the host should draw a border around it. */
  prefersBorder?: boolean;
}

/** How a tool runs as a task (`ToolOptions.task`). */
export interface TaskOptions {
  support: 'optional' | 'required';
  /**
   * Questions first, then the task (2026-07-28 clients): the host waits up to this many ms for the
   * handler's first question before it creates the task, and a question asked by then that the
   * request does not answer is answered `input_required` in the request itself (the client retries
   * with the answers, and that round creates the task). For handlers that gather input before long
   * work. Default 0: the task is created at once and every question parks it.
   */
  inputFirstMs?: number;
}

/**
 * How long a client may reuse a result (2026-07-28 caching): `ttlMs` of freshness, and whether a
 * shared cache may keep it (`public`) or only the requesting user's (`private`).
 */
export interface CacheHint {
  ttlMs?: number;
  scope?: 'public' | 'private';
}

/** Declaration of a fixed resource. */
export interface ResourceOptions extends BaseOptions {
  /** The resource URI. */
  uri: string;
  /** Resource name (defaults to the method name). */
  name?: string;
  mimeType?: string;
  /** Size in bytes, when known ahead. */
  size?: number;
  annotations?: Annotations;
  /** Cache hint for `resources/read` results (default: the host's). */
  cache?: CacheHint;
  /**
   * MCP Apps (SEP-1865), for a `ui://` resource: its sandbox needs, published as `_meta.ui` of the
   * resource and of what it reads. A `ui://` resource is served as `text/html;profile=mcp-app`
   * (the default `mimeType`; another is refused).
   */
  ui?: AppResourceOptions;
}

/** Declaration of a family of resources named by an RFC 6570 URI template. */
export interface ResourceTemplateOptions extends BaseOptions {
  /** The URI template, e.g. `db://{table}/rows{?limit}`. */
  uriTemplate: string;
  /** Template name (defaults to the method name). */
  name?: string;
  mimeType?: string;
  annotations?: Annotations;
  /** Completion of template variables by name. */
  complete?: Record<string, Completer>;
  /** Cache hint for `resources/read` results (default: the host's). */
  cache?: CacheHint;
}

/** One argument of a prompt. */
export interface PromptArgumentOptions {
  name: string;
  title?: string;
  description?: string;
  required?: boolean;
}

/**
 * Declaration of a prompt. Its arguments are a list, or a zod object schema of string fields
 * (`z.string()`, optional ones `.optional()`, descriptions with `.describe()`), which also types
 * the handler's arguments and validates them before it runs.
 */
export interface PromptOptions<S extends PromptArgumentsLike = PromptArgumentsLike> extends BaseOptions {
  /** Prompt name (defaults to the method name). */
  name?: string;
  /** Arguments the prompt takes (all strings on the wire): a list, or a zod object schema. */
  arguments?: S;
  /** Completion of arguments by name. */
  complete?: Record<string, Completer>;
}

/** What a resource handler may return: text, bytes, one contents entry, an array of them, or a full `ReadResourceResult`. */
export type ResourceReturn = string | Uint8Array | ResourceContentsEntry | ResourceContentsEntry[] | ReadResourceResult;

/** One entry of a resource's contents: text or a base64 blob. */
export type ResourceContentsEntry = TextResourceContents | BlobResourceContents;

/** What a prompt handler may return: one user message's text, a list of messages, or a full `GetPromptResult`. */
export type PromptReturn = string | PromptMessage[] | GetPromptResult;

/** What `PromptOptions.arguments` accepts: a list, or a zod object schema. */
export type PromptArgumentsLike = PromptArgumentOptions[] | ZodType;

/** The arguments a prompt handler receives: the schema's output, or a record of strings for a list. */
export type PromptArgs<S> = 0 extends 1 & S ? any : S extends ZodType ? z.output<S> : Record<string, string>;

/** Handler of a tool. */
export type ToolHandler<A = any> = (args: A, ctx: ToolContext) => Awaitable<ToolReturn>;
/** Handler of a fixed resource: receives the URI read. */
export type ResourceHandler = (uri: string, ctx: RequestContext) => Awaitable<ResourceReturn>;
/** Handler of a resource template: receives the URI read and its template variables. */
export type ResourceTemplateHandler = (uri: string, variables: Record<string, string | string[]>, ctx: RequestContext) => Awaitable<ResourceReturn>;
/** Handler of a prompt: receives its arguments. */
export type PromptHandler<A = Record<string, string>> = (args: A, ctx: RequestContext) => Awaitable<PromptReturn>;

/**
 * A tool written as a plain object (no decorators needed). Its handler's `args` are inferred from
 * a zod `input` (in `definePlugin({ tools: [...] })`, or through `defineTool`).
 */
export interface ToolDefinition<S extends SchemaLike = any> extends ToolOptions<S> {
  name: string;
  /** Plain JSON Schema, as in the protocol; same as `input`. */
  inputSchema?: SchemaLike;
  /** Plain JSON Schema, as in the protocol; same as `output`. */
  outputSchema?: SchemaLike;
  handler: ToolHandler<Infer<S>>;
}
/** A fixed resource written as a plain object. */
export interface ResourceDefinition extends ResourceOptions {
  name: string;
  handler: ResourceHandler;
}
/** A resource template written as a plain object. */
export interface ResourceTemplateDefinition extends ResourceTemplateOptions {
  name: string;
  handler: ResourceTemplateHandler;
}
/** A prompt written as a plain object; with a zod `arguments` schema its handler's `args` are typed. */
export interface PromptDefinition<S extends PromptArgumentsLike = any> extends PromptOptions<S> {
  name: string;
  handler: PromptHandler<PromptArgs<S>>;
}

import type { ToolAnnotations } from '@mcp-host/sdk';
import type { ApiConfig } from '../config.js';
import type { OpenApiDocument } from './loadDocument.js';
import { deref, toJsonSchema } from './toJsonSchema.js';

type Json = Record<string, unknown>;

/** Where one tool argument goes in the request. */
export interface ParamBinding {
  /** The tool argument's name. */
  readonly arg: string;
  /** The parameter's name in the request. */
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  /** Declared with `content` rather than `schema`: sent as JSON text. */
  readonly json: boolean;
  /** Query arrays: repeated (`explode`, the default for `form`) or comma-joined. */
  readonly explode: boolean;
}

/** One OpenAPI operation, ready to become a tool. */
export interface OperationSpec {
  readonly toolName: string;
  readonly operationId?: string;
  readonly method: string;
  readonly path: string;
  readonly title?: string;
  readonly description: string;
  readonly inputSchema: Json;
  readonly outputSchema?: Json;
  readonly annotations: ToolAnnotations;
  readonly params: readonly ParamBinding[];
  readonly body?: { readonly arg: string; readonly mediaType: string; readonly required: boolean };
  /** Alternatives (any one suffices) of security schemes that all apply together; `{}` means "none needed". */
  readonly security: ReadonlyArray<Record<string, string[]>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;
/** OpenAPI: header parameters with these names are ignored (the client sets them). */
const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization']);

interface RawParameter {
  name: string;
  in: ParamBinding['in'];
  required?: boolean;
  description?: string;
  deprecated?: boolean;
  schema?: unknown;
  content?: Record<string, { schema?: unknown }>;
  style?: string;
  explode?: boolean;
}

export function toolNameOf(prefix: string, operationId: string | undefined, method: string, path: string): string {
  const base = operationId ?? `${method}_${path}`;
  return `${prefix}${base}`.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/_+/g, '_').replace(/^_|_$/g, '').slice(0, 64);
}

/** Picks the request body's media type: JSON first, then form, then text. */
function pickMediaType(content: Record<string, { schema?: unknown }>): string | undefined {
  const types = Object.keys(content);
  return (
    types.find((t) => t.split(';')[0]!.trim() === 'application/json') ??
    types.find((t) => /\+json\b/.test(t)) ??
    types.find((t) => t.startsWith('application/x-www-form-urlencoded')) ??
    types.find((t) => t.startsWith('text/'))
  );
}

/** The JSON schema of the first success response that has one. */
function successSchema(doc: OpenApiDocument, responses: unknown): unknown {
  if (typeof responses !== 'object' || responses === null) return undefined;
  const codes = Object.keys(responses).filter((c) => /^2(\d\d|XX)$/i.test(c)).sort();
  for (const code of codes) {
    const answer: { content?: Record<string, { schema?: unknown }> } | undefined = deref(doc, (responses as Json)[code]);
    const content: Record<string, { schema?: unknown }> = answer?.content ?? {};
    const type = Object.keys(content).find((t) => t.split(';')[0]!.trim() === 'application/json' || /\+json\b/.test(t));
    if (type && content[type]?.schema !== undefined) return content[type]!.schema;
  }
  return undefined;
}

/**
 * Turns every operation of the document into an `OperationSpec`: its tool name, an input schema
 * (one property per parameter, `body` for the request body) and, when a success response has a
 * JSON schema, an output schema `{ status, body }`. Operations that cannot be served (unsupported
 * body type, unresolvable `$ref`) are skipped with the reason.
 */
export function buildOperations(doc: OpenApiDocument, api: Pick<ApiConfig, 'toolPrefix' | 'include' | 'exclude'>): { operations: OperationSpec[]; skipped: string[] } {
  const operations: OperationSpec[] = [];
  const skipped: string[] = [];
  for (const [path, rawItem] of Object.entries(doc.paths ?? {})) {
    const item = deref<Json>(doc, rawItem) ?? {};
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op || typeof op !== 'object') continue;
      const operationId = typeof op.operationId === 'string' ? op.operationId : undefined;
      const toolName = toolNameOf(api.toolPrefix, operationId, method, path);
      const keys = [operationId, toolName].filter((k): k is string => k !== undefined);
      if (api.include && !keys.some((k) => api.include!.includes(k))) continue;
      if (keys.some((k) => api.exclude.includes(k))) continue;
      try {
        operations.push(buildOne(doc, path, method, item, op, operationId, toolName));
      } catch (e) {
        skipped.push(`${method.toUpperCase()} ${path}: ${(e as Error).message}`);
      }
    }
  }
  return { operations, skipped };
}

function buildOne(doc: OpenApiDocument, path: string, method: string, item: Json, op: Json, operationId: string | undefined, toolName: string): OperationSpec {
  // Operation parameters override path-level ones of the same name and location.
  const merged = new Map<string, RawParameter>();
  for (const raw of [...((item.parameters as unknown[]) ?? []), ...((op.parameters as unknown[]) ?? [])]) {
    const p = deref<RawParameter>(doc, raw);
    if (!p || typeof p.name !== 'string' || !['path', 'query', 'header', 'cookie'].includes(p.in)) throw new Error('a parameter has no name or location');
    if (p.in === 'header' && IGNORED_HEADERS.has(p.name.toLowerCase())) continue;
    merged.set(`${p.in}:${p.name}`, p);
  }
  const properties: Json = {};
  const required: string[] = [];
  const params: ParamBinding[] = [];
  for (const p of merged.values()) {
    const arg = p.name in properties ? `${p.name}_${p.in}` : p.name;
    const contentType = p.content ? Object.keys(p.content)[0] : undefined;
    const schema = toJsonSchema(doc, contentType ? p.content![contentType]!.schema : p.schema);
    const description = [p.description, p.deprecated ? '(deprecated)' : undefined, `(${p.in} parameter${arg !== p.name ? ` "${p.name}"` : ''})`].filter(Boolean).join(' ');
    properties[arg] = typeof schema === 'object' ? { ...schema, description: (schema.description as string | undefined) ?? description } : schema;
    if (p.in === 'path' || p.required) required.push(arg);
    params.push({ arg, name: p.name, in: p.in, json: contentType !== undefined, explode: p.explode ?? (p.style === undefined || p.style === 'form') });
  }
  for (const p of params) if (p.in === 'path' && !path.includes(`{${p.name}}`)) throw new Error(`path parameter ${p.name} does not appear in the path`);
  for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) if (!params.some((p) => p.in === 'path' && p.name === name)) throw new Error(`path template variable {${name}} has no parameter`);

  let body: OperationSpec['body'];
  const requestBody = op.requestBody === undefined ? undefined : deref<{ content?: Record<string, { schema?: unknown }>; required?: boolean; description?: string }>(doc, op.requestBody);
  if (requestBody?.content) {
    const mediaType = pickMediaType(requestBody.content);
    if (!mediaType) throw new Error(`request body media types ${Object.keys(requestBody.content).join(', ')} are not supported (JSON, form and text are)`);
    const arg = 'body' in properties ? 'requestBody' : 'body';
    const schema = mediaType.startsWith('text/') ? { type: 'string' } : toJsonSchema(doc, requestBody.content[mediaType]!.schema);
    properties[arg] = typeof schema === 'object' ? { ...schema, description: (schema.description as string | undefined) ?? requestBody.description ?? `Request body (${mediaType})` } : schema;
    if (requestBody.required) required.push(arg);
    body = { arg, mediaType, required: requestBody.required === true };
  }

  const response = successSchema(doc, op.responses);
  const outputSchema =
    response === undefined
      ? undefined
      : { type: 'object', properties: { status: { type: 'integer', description: 'HTTP status of the response' }, body: toJsonSchema(doc, response) }, required: ['status'] };

  const upper = method.toUpperCase();
  const summary = typeof op.summary === 'string' ? op.summary : undefined;
  const description = [summary, typeof op.description === 'string' ? op.description : undefined, `${upper} ${path}`].filter(Boolean).join('\n\n').slice(0, 4000);
  const safe = ['GET', 'HEAD', 'OPTIONS'].includes(upper);
  return {
    toolName,
    operationId,
    method: upper,
    path,
    title: summary,
    description,
    inputSchema: { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false },
    outputSchema,
    annotations: { readOnlyHint: safe, destructiveHint: upper === 'DELETE' || upper === 'PUT', idempotentHint: safe || upper === 'PUT' || upper === 'DELETE', openWorldHint: true },
    params,
    body,
    security: (op.security as Array<Record<string, string[]>> | undefined) ?? doc.security ?? [],
  };
}

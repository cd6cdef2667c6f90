import { ToolError, type CallToolResult, type Logger, type ToolContext, type ToolDefinition } from '@mcp-host/sdk';
import type { AddressPolicy } from './AddressPolicy.js';
import type { ApiConfig } from './config.js';
import { HttpRequestError, type HttpClient, type HttpResponse } from './HttpClient.js';
import { applySecurity, MissingCredentialError, type SecurityScheme } from './openapi/applySecurity.js';
import { buildOperations, type OperationSpec } from './openapi/buildOperations.js';
import type { OpenApiDocument } from './openapi/loadDocument.js';
import { deref } from './openapi/toJsonSchema.js';
import { describeResponse, isTextual } from './responseText.js';

/** The base URL of an API: the config's, or the document's first server (variables at their defaults). */
export function baseUrlOf(api: Pick<ApiConfig, 'name' | 'baseUrl'>, doc: OpenApiDocument): URL {
  let raw = api.baseUrl;
  if (raw === undefined) {
    const server = doc.servers?.[0];
    if (!server) throw new Error(`API "${api.name}": the document has no servers; set apis[].baseUrl`);
    raw = server.url.replace(/\{([^}]+)\}/g, (_, name: string) => server.variables?.[name]?.default ?? `{${name}}`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`API "${api.name}": the server URL "${raw}" is not absolute; set apis[].baseUrl`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`API "${api.name}": the base URL must be http or https, not ${url.protocol}`);
  return url;
}

/**
 * The tools of one OpenAPI document: one plain tool per operation. A call fills the path, query,
 * header and cookie parameters and the body from its arguments, adds the credentials its
 * security requirement asks for (from config or env), and goes through the guarded client to the
 * API's host (plus the allowed hosts, for redirects).
 */
export class ApiTools {
  readonly operations: OperationSpec[];
  readonly skipped: string[];
  private readonly base: URL;
  private readonly policy: AddressPolicy;
  private readonly schemes: Record<string, SecurityScheme>;

  constructor(
    private readonly api: ApiConfig,
    doc: OpenApiDocument,
    private readonly client: HttpClient,
    policy: AddressPolicy,
    private readonly logger: Logger,
  ) {
    this.base = baseUrlOf(api, doc);
    this.policy = policy.withHosts([this.base.hostname]);
    this.schemes = Object.fromEntries(Object.entries(doc.components?.securitySchemes ?? {}).map(([name, s]) => [name, deref<SecurityScheme>(doc, s)]));
    const unknown = Object.keys(api.credentials).filter((name) => !(name in this.schemes));
    if (unknown.length > 0) {
      const known = Object.keys(this.schemes);
      throw new Error(`API "${api.name}": credentials for ${unknown.map((n) => `"${n}"`).join(', ')}, which the document does not declare (its security schemes: ${known.length > 0 ? known.join(', ') : 'none'})`);
    }
    ({ operations: this.operations, skipped: this.skipped } = buildOperations(doc, api));
  }

  /** The operations as plain tool definitions. */
  tools(): ToolDefinition[] {
    return this.operations.map((op) => ({
      name: op.toolName,
      ...(op.title ? { title: op.title } : {}),
      description: op.description,
      inputSchema: op.inputSchema,
      ...(op.outputSchema ? { outputSchema: op.outputSchema } : {}),
      annotations: op.annotations,
      handler: (args: Record<string, unknown>, ctx: ToolContext) => this.call(op, args, ctx),
    }));
  }

  async call(op: OperationSpec, args: Record<string, unknown>, ctx: ToolContext): Promise<CallToolResult> {
    let security;
    try {
      security = applySecurity(this.api.name, op.security, this.schemes, this.api.credentials);
    } catch (e) {
      if (e instanceof MissingCredentialError) throw new ToolError(`${op.toolName}: ${e.message}. The operator must configure it; it cannot come from the MCP client.`);
      throw e;
    }
    let path = op.path;
    const url = new URL(this.base.href);
    const headers: Record<string, string> = { accept: 'application/json, */*;q=0.5', ...this.api.headers };
    const cookies: Record<string, string> = { ...security.cookies };
    for (const p of op.params) {
      const value = args[p.arg];
      if (value === undefined) continue;
      const text = (v: unknown) => (p.json || (typeof v === 'object' && v !== null) ? JSON.stringify(v) : String(v));
      if (p.in === 'path') {
        const segment = encodeURIComponent(text(value));
        // A dot segment would climb out of the operation's path on the API's host.
        if (segment === '.' || segment === '..' || segment === '') throw new ToolError(`${op.toolName}: path parameter ${p.name} may not be "${segment}"`);
        path = path.replace(`{${p.name}}`, segment);
      }
      else if (p.in === 'header') headers[p.name] = text(value);
      else if (p.in === 'cookie') cookies[p.name] = text(value);
      else if (Array.isArray(value) && !p.json) {
        if (p.explode) for (const v of value) url.searchParams.append(p.name, text(v));
        else url.searchParams.append(p.name, value.map(text).join(','));
      } else url.searchParams.append(p.name, text(value));
    }
    url.pathname = `${this.base.pathname.replace(/\/$/, '')}${path}`;
    for (const [k, v] of Object.entries(security.query)) url.searchParams.set(k, v);
    Object.assign(headers, security.headers);
    if (Object.keys(cookies).length > 0) headers.cookie = Object.entries(cookies).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');

    let body: Buffer | undefined;
    if (op.body && args[op.body.arg] !== undefined) {
      const value = args[op.body.arg];
      const type = op.body.mediaType;
      if (type.startsWith('application/x-www-form-urlencoded')) {
        const form = new URLSearchParams();
        for (const [k, v] of Object.entries((value ?? {}) as Record<string, unknown>)) form.append(k, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
        body = Buffer.from(form.toString());
      } else body = Buffer.from(type.startsWith('text/') ? String(value) : JSON.stringify(value));
      headers['content-type'] = type;
    }

    let response: HttpResponse;
    try {
      response = await this.client.request({ method: op.method, url, headers, body, policy: this.policy, sensitiveHeaders: security.sensitiveHeaders, signal: ctx.signal });
    } catch (e) {
      if (e instanceof HttpRequestError) throw new ToolError(`${op.method} ${op.path} failed: ${e.message}`, { cause: e });
      throw e;
    }
    this.logger.debug({ api: this.api.name, operation: op.toolName, status: response.status }, 'API call answered');
    return this.result(op, response);
  }

  private result(op: OperationSpec, response: HttpResponse): CallToolResult {
    const summary = `${op.method} ${op.path} → ${response.status} ${response.statusText}`.trim();
    if (response.status >= 400) return { isError: true, content: [{ type: 'text', text: `${summary}\n${describeResponse(response)}` }] };
    const type = String(response.headers['content-type'] ?? '');
    let parsed: unknown;
    if (/json/i.test(type) && response.body.length > 0) {
      try {
        parsed = JSON.parse(response.body.toString('utf8'));
      } catch {
        return { isError: true, content: [{ type: 'text', text: `${summary}, but its body is not valid JSON:\n${describeResponse(response)}` }] };
      }
    }
    const text = parsed !== undefined ? JSON.stringify(parsed) : isTextual(type) || response.body.length === 0 ? response.body.toString('utf8') : describeResponse(response);
    const content: CallToolResult['content'] = [{ type: 'text', text: text === '' ? summary : text }];
    if (!op.outputSchema) return { content };
    return { content, structuredContent: parsed === undefined ? { status: response.status } : { status: response.status, body: parsed } };
  }
}

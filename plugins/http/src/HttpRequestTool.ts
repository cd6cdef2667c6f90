import { z } from 'zod';
import { Tool, ToolError, injectable, type CallToolResult, type ToolContext } from '@mcp-host/sdk';
import { AddressPolicy } from './AddressPolicy.js';
import { HttpClient, HttpRequestError } from './HttpClient.js';
import { describeResponse, isTextual } from './responseText.js';

/** Headers the client sets itself; a caller may not choose them. */
const RESERVED = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'upgrade', 'te', 'trailer', 'keep-alive', 'proxy-authorization', 'proxy-connection', 'expect']);

const Input = z
  .object({
    url: z.string().url().describe('Absolute http(s) URL; its host must be one of the allowed hosts'),
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
    headers: z.record(z.string(), z.string()).default({}).describe('Request headers'),
    body: z.string().optional().describe('Request body as text'),
    json: z.unknown().optional().describe('Request body as JSON (sent with content-type application/json); instead of body'),
  })
  .refine((v) => v.body === undefined || v.json === undefined, { message: 'give body or json, not both' });

const Output = z.object({
  status: z.number().int(),
  statusText: z.string(),
  url: z.string().describe('The URL that answered, after redirects'),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
  bodyEncoding: z.enum(['utf8', 'base64']),
  redirects: z.array(z.string()).optional(),
});

/** The plain HTTP tool: any method to the allowed hosts, through the same guarded client as the API tools. */
@injectable()
export class HttpRequestTool {
  constructor(
    private readonly client: HttpClient,
    private readonly policy: AddressPolicy,
  ) {}

  @Tool({
    name: 'http_request',
    title: 'HTTP request',
    description:
      'Sends one HTTP request to an allowed host and returns the status, headers and body (text, or base64 for binary bodies). ' +
      'Private and loopback addresses are refused unless configured; redirects are followed and checked again; time and size are limited. Status 400 and above is reported as an error.',
    input: Input,
    output: Output,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  })
  async request(args: z.infer<typeof Input>, ctx: ToolContext): Promise<CallToolResult> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(args.headers)) {
      if (RESERVED.has(name.toLowerCase())) throw new ToolError(`header ${name} is set by the client and cannot be given`);
      headers[name.toLowerCase()] = value;
    }
    let body: Buffer | undefined;
    if (args.json !== undefined) {
      body = Buffer.from(JSON.stringify(args.json));
      headers['content-type'] ??= 'application/json';
    } else if (args.body !== undefined) body = Buffer.from(args.body);
    try {
      const response = await this.client.request({ method: args.method, url: new URL(args.url), headers, body, policy: this.policy, signal: ctx.signal });
      const type = String(response.headers['content-type'] ?? '');
      const summary = `${args.method} ${response.url} → ${response.status} ${response.statusText}`.trim();
      if (response.status >= 400) return { isError: true, content: [{ type: 'text', text: `${summary}\n${describeResponse(response)}` }] };
      const textual = isTextual(type) || type === '';
      const output: z.infer<typeof Output> = {
        status: response.status,
        statusText: response.statusText,
        url: response.url,
        headers: Object.fromEntries(Object.entries(response.headers).filter(([k, v]) => k !== 'set-cookie' && v !== undefined).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)])),
        body: response.body.toString(textual ? 'utf8' : 'base64'),
        bodyEncoding: textual ? 'utf8' : 'base64',
        ...(response.redirects.length > 0 ? { redirects: response.redirects } : {}),
      };
      return { content: [{ type: 'text', text: `${summary}\n${textual ? output.body : describeResponse(response)}` }], structuredContent: output };
    } catch (e) {
      if (e instanceof HttpRequestError) throw new ToolError(`${args.method} ${args.url} refused or failed: ${e.message}`, { cause: e });
      throw e;
    }
  }
}

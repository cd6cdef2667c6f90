import type { IncomingHttpHeaders } from 'node:http';
import { ProtocolError } from '../../protocol/ProtocolError.js';
import { MetaKey } from '../../protocol/modern/modernMeta.js';
import { RpcCode } from '../../protocol/ProtocolError.js';
import type { ParamHeader } from '../../protocol/Engine.js';

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes a header value that may use the `=?base64?…?=` form (for values that are not plain
 * ASCII tokens). Node's decoder skips bad characters and missing padding, so the payload is checked
 * first: a malformed one is a mismatch, never a silently different value.
 */
export function decodeHeaderValue(value: string, header: string): string {
  const m = /^=\?base64\?(.*)\?=$/i.exec(value);
  if (!m) return value;
  if (!STRICT_BASE64.test(m[1])) throw mismatch(`${header} is not valid base64 in its =?base64?…?= form`, { header });
  return Buffer.from(m[1], 'base64').toString('utf8');
}

const mismatch = (message: string, data?: unknown) => new ProtocolError(RpcCode.HeaderMismatch, `Header mismatch: ${message}`, data);

function valueAt(args: unknown, path: readonly string[]): unknown {
  let v = args;
  for (const p of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

/**
 * Checks a modern request's HTTP headers against its body (2026-07-28 Streamable HTTP):
 * MCP-Protocol-Version = _meta protocol version, Mcp-Method = method, Mcp-Name = name or URI, and
 * every Mcp-Param-* = the argument it mirrors. Any disagreement is a -32020 HeaderMismatch.
 */
export function checkModernHeaders(headers: IncomingHttpHeaders, method: string, params: Record<string, unknown>, paramHeaders: readonly ParamHeader[] | undefined): void {
  const version = headers['mcp-protocol-version'];
  const bodyVersion = (params._meta as Record<string, unknown> | undefined)?.[MetaKey.protocolVersion];
  if (version === undefined) throw mismatch('MCP-Protocol-Version header is required on 2026-07-28 requests', { header: 'MCP-Protocol-Version' });
  if (version !== bodyVersion) throw mismatch(`MCP-Protocol-Version is ${JSON.stringify(version)} but _meta says ${JSON.stringify(bodyVersion)}`, { header: 'MCP-Protocol-Version' });
  const mcpMethod = headers['mcp-method'];
  if (mcpMethod === undefined) throw mismatch('Mcp-Method header is required on 2026-07-28 requests', { header: 'Mcp-Method' });
  if (decodeHeaderValue(String(mcpMethod).trim(), 'Mcp-Method') !== method) {
    throw mismatch(`Mcp-Method is ${JSON.stringify(mcpMethod)} but the body's method is ${JSON.stringify(method)}`, { header: 'Mcp-Method' });
  }
  const name = method === 'resources/read' ? params.uri : method === 'tools/call' || method === 'prompts/get' ? params.name : undefined;
  if (name !== undefined) {
    const mcpName = headers['mcp-name'];
    if (mcpName === undefined) throw mismatch(`Mcp-Name header is required on ${method}`, { header: 'Mcp-Name' });
    if (decodeHeaderValue(String(mcpName).trim(), 'Mcp-Name') !== name) throw mismatch(`Mcp-Name is ${JSON.stringify(mcpName)} but the body names ${JSON.stringify(name)}`, { header: 'Mcp-Name' });
  }
  // SEP-2663: clients name the task in Mcp-Name on tasks/get, tasks/update and tasks/cancel; one that disagrees with the body is refused.
  if (method.startsWith('tasks/') && headers['mcp-name'] !== undefined && decodeHeaderValue(String(headers['mcp-name']).trim(), 'Mcp-Name') !== params.taskId) {
    // Neither value is echoed whole: a hostile taskId may be as long as the body limit allows.
    throw mismatch(`Mcp-Name is ${JSON.stringify(String(headers['mcp-name']).slice(0, 128))} but the body's taskId is ${JSON.stringify(String(params.taskId).slice(0, 128))}`, { header: 'Mcp-Name' });
  }
  if (!paramHeaders) return;
  for (const p of paramHeaders) {
    const headerName = `mcp-param-${p.header.toLowerCase()}`;
    const raw = headers[headerName];
    const body = valueAt(params.arguments, p.path);
    if (raw === undefined) {
      if (body !== undefined && body !== null) throw mismatch(`Mcp-Param-${p.header} is missing but the arguments carry ${p.path.join('.')}`, { header: `Mcp-Param-${p.header}` });
      continue;
    }
    const value = decodeHeaderValue(String(raw).trim(), `Mcp-Param-${p.header}`);
    const same =
      p.type === 'integer' ? /^-?\d+$/.test(value) && Number(value) === body
      : p.type === 'boolean' ? (value === 'true' || value === 'false') && (value === 'true') === body
      : value === body;
    if (!same) throw mismatch(`Mcp-Param-${p.header} is ${JSON.stringify(value)} but arguments.${p.path.join('.')} is ${JSON.stringify(body)}`, { header: `Mcp-Param-${p.header}` });
  }
}

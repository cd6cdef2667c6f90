import { McpError } from '@mcp-host/sdk';

/** JSON-RPC error codes the engine emits. */
export const RpcCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** Legacy era: the transport refused the request (no session, bad header). SDKs use it the same way. */
  ConnectionClosed: -32000,
  SessionNotFound: -32001,
  ResourceNotFound: -32002,
  /**
   * The host's own codes (JSON-RPC leaves -32000..-32099 to implementations; MCP defines none for
   * these): the caller lacks a scope or role for the item (HTTP 403), or went over a rate or
   * concurrency limit (`data.retryAfterMs` says when to retry).
   */
  Forbidden: -32003,
  RateLimited: -32029,
  /** The host cannot serve this now (it is shutting down): retry, later or elsewhere (HTTP 503 + Retry-After). */
  Unavailable: -32005,
} as const;

/** An error the engine turns into a JSON-RPC error response. Same class as plugins throw, so one path handles both. */
export class ProtocolError extends McpError {}

export const invalidParams = (message: string, data?: unknown) => new ProtocolError(RpcCode.InvalidParams, message, data);
export const methodNotFound = (method: string) => new ProtocolError(RpcCode.MethodNotFound, `Method not found: ${method}`);

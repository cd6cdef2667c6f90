/** JSON-RPC and MCP error codes a plugin may raise through `McpError`. */
export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** Legacy-era "resource not found" (2025-11-25 and before). */
  ResourceNotFound: -32002,
} as const;

/**
 * A protocol-level error: the host answers the request with a JSON-RPC error carrying this code,
 * message and data. Use it for "the request itself is wrong"; use `ToolError` for a tool that ran
 * and failed.
 */
export class McpError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'McpError';
  }
}

/** What a `ToolError` may carry besides its message. */
export interface ToolErrorOptions {
  cause?: unknown;
  /**
   * Sent as the error result's `structuredContent`, so a client or model can act on the failure
   * by its fields (the tool's output schema does not apply to an error result).
   */
  structuredContent?: Record<string, unknown>;
  /** Sent as the error result's `_meta['mcp-host/error']`: details for programs, not for the model. */
  data?: unknown;
}

/**
 * A tool that ran and failed: the host answers with a tool result `{ isError: true }` whose text is
 * the message, so the model can read it and try again; with `structuredContent` and `data` when given.
 *
 * ```ts
 * throw new ToolError('quota exceeded', { structuredContent: { retryAfterS: 30 } });
 * ```
 */
export class ToolError extends Error {
  readonly structuredContent?: Record<string, unknown>;
  readonly data?: unknown;
  constructor(message: string, options?: ToolErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ToolError';
    if (options?.structuredContent !== undefined) this.structuredContent = options.structuredContent;
    if (options?.data !== undefined) this.data = options.data;
  }
}

/** Thrown by a resource or template handler when the URI names nothing; the host answers with the era's not-found error. */
export class ResourceNotFoundError extends McpError {
  constructor(readonly uri: string) {
    super(ErrorCode.ResourceNotFound, `Resource not found: ${uri}`, { uri });
    this.name = 'ResourceNotFoundError';
  }
}

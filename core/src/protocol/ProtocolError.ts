import { McpError } from '@mcp-host/sdk';
import { RpcCode } from '../errors/codes.js';

export { RpcCode };

/** An error the engine turns into a JSON-RPC error response. Same class as plugins throw, so one path handles both. */
export class ProtocolError extends McpError {}

export const invalidParams = (message: string, data?: unknown) => new ProtocolError(RpcCode.InvalidParams, message, data);
export const methodNotFound = (method: string) => new ProtocolError(RpcCode.MethodNotFound, `Method not found: ${method}`);

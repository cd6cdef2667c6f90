import type { FastifyReply } from 'fastify';
import type { JsonRpcErrorObject, RequestId } from '../../protocol/jsonrpc.js';
import { RpcCode } from '../../protocol/ProtocolError.js';

/** Answers an HTTP request with a status and a JSON-RPC error body (every refusal of the transport). */
export function rpcError(reply: FastifyReply, status: number, error: JsonRpcErrorObject, id: RequestId | null = null): FastifyReply {
  return reply.code(status).type('application/json').send(JSON.stringify({ jsonrpc: '2.0', id, error }));
}

/** While the host drains: new work is refused with 503 and a hint to come back (to another replica, or this one restarted). */
export const DRAINING: JsonRpcErrorObject = { code: RpcCode.Unavailable, message: 'Service Unavailable: the host is shutting down; retry shortly' };

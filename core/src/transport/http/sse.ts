import type { ServerResponse } from 'node:http';
import { serializeMessage } from '../../protocol/RawJson.js';
import type { JsonRpcMessage } from '../../protocol/jsonrpc.js';

/** Starts an SSE response on a raw Node response. */
export function startSse(res: ServerResponse, headers: Record<string, string>): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no', ...headers });
  res.flushHeaders();
}

/** Writes one JSON-RPC message as an SSE `message` event; a closed stream drops it. */
export function writeSseMessage(res: ServerResponse, message: JsonRpcMessage): boolean {
  if (res.writableEnded || res.destroyed) return false;
  res.write(`event: message\ndata: ${serializeMessage(message as never)}\n\n`);
  return true;
}

import type { ServerResponse } from 'node:http';
import { serializeMessage } from '../../protocol/RawJson.js';
import type { JsonRpcMessage } from '../../protocol/jsonrpc.js';

/** Starts an SSE response on a raw Node response. */
export function startSse(res: ServerResponse, headers: Record<string, string>): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no', ...headers });
  res.flushHeaders();
}

/** Writes one JSON-RPC message as an SSE `message` event without an id (modern streams: that era has no resumption); a closed stream drops it. */
export function writeSseMessage(res: ServerResponse, message: JsonRpcMessage): boolean {
  if (res.writableEnded || res.destroyed) return false;
  res.write(`event: message\ndata: ${serializeMessage(message as never)}\n\n`);
  return true;
}

/** Writes one serialized JSON-RPC message as an SSE `message` event with its id; a closed stream drops it. */
export function writeSseEvent(res: ServerResponse, id: string, data: string): boolean {
  if (res.writableEnded || res.destroyed) return false;
  res.write(`event: message\nid: ${id}\ndata: ${data}\n\n`);
  return true;
}

/**
 * The priming event (SEP-1699): an id and empty data, so the client holds a Last-Event-ID before
 * anything else, and `retry`, how long it waits before reconnecting once the stream ends.
 */
export function writeSsePriming(res: ServerResponse, id: string, retryMs: number): void {
  res.write(`id: ${id}\nretry: ${retryMs}\ndata: \n\n`);
}

/** JSON-RPC 2.0 message shapes as the engine handles them (kept loose: the engine validates what it reads). */
export type RequestId = string | number;

export interface JsonRpcRequest {
  jsonrpc: '2.0';
  id: RequestId;
  method: string;
  params?: Record<string, unknown>;
}

export interface JsonRpcNotification {
  jsonrpc: '2.0';
  method: string;
  params?: Record<string, unknown>;
}

export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export interface JsonRpcResponse {
  jsonrpc: '2.0';
  id: RequestId | null;
  result?: unknown;
  error?: JsonRpcErrorObject;
}

export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcResponse;

/** What kind of message a parsed body holds, decided once so the transports can route it. */
export type Classified =
  | { kind: 'request'; message: JsonRpcRequest }
  | { kind: 'notification'; message: JsonRpcNotification }
  | { kind: 'response'; message: JsonRpcResponse }
  | { kind: 'invalid'; id: RequestId | null; error: JsonRpcErrorObject };

function isId(v: unknown): v is RequestId {
  return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
}

/** Classifies one parsed JSON value as a request, notification, response, or an invalid message with the reason. */
export function classify(value: unknown): Classified {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'invalid', id: null, error: { code: -32600, message: 'Invalid Request: expected a JSON-RPC 2.0 object' } };
  }
  const m = value as Record<string, unknown>;
  const id = isId(m.id) ? m.id : null;
  if (m.jsonrpc !== '2.0') return { kind: 'invalid', id, error: { code: -32600, message: 'Invalid Request: "jsonrpc" must be "2.0"' } };
  if (typeof m.method === 'string') {
    if (m.params !== undefined && (typeof m.params !== 'object' || m.params === null || Array.isArray(m.params))) {
      return { kind: 'invalid', id, error: { code: -32600, message: 'Invalid Request: "params" must be an object' } };
    }
    if (!('id' in m)) return { kind: 'notification', message: m as unknown as JsonRpcNotification };
    if (!isId(m.id)) return { kind: 'invalid', id: null, error: { code: -32600, message: 'Invalid Request: "id" must be a string or an integer' } };
    return { kind: 'request', message: m as unknown as JsonRpcRequest };
  }
  if ('result' in m || 'error' in m) {
    if (!isId(m.id)) return { kind: 'invalid', id: null, error: { code: -32600, message: 'Invalid Request: a response needs the id of the request it answers' } };
    return { kind: 'response', message: m as unknown as JsonRpcResponse };
  }
  return { kind: 'invalid', id, error: { code: -32600, message: 'Invalid Request: no "method", "result" or "error"' } };
}

export function resultResponse(id: RequestId, result: unknown): JsonRpcResponse {
  return { jsonrpc: '2.0', id, result };
}

export function errorResponse(id: RequestId | null, error: JsonRpcErrorObject): JsonRpcResponse {
  return { jsonrpc: '2.0', id, error };
}

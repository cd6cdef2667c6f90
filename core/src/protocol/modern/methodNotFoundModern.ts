import { ProtocolError, RpcCode } from '../ProtocolError.js';

/** -32601 for a modern request, saying when the method exists only in the legacy era (initialize, ping…). */
export function methodNotFoundModern(method: string, existsInLegacy: boolean): ProtocolError {
  return new ProtocolError(RpcCode.MethodNotFound, `Method not found: ${method}${existsInLegacy ? ' (removed in protocol 2026-07-28; it exists only on 2025-11-25 sessions)' : ''}`);
}

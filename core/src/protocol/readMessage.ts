import { classify, type Classified, type RequestId } from './jsonrpc.js';
import { exceedsJsonLimits, SCAN_TEXT_FROM, textNestsDeeper, type JsonLimits } from '../calls/jsonLimits.js';
import { RpcCode } from './ProtocolError.js';

const idOf = (v: unknown): RequestId | null => {
  const id = typeof v === 'object' && v !== null ? (v as { id?: unknown }).id : undefined;
  return typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id)) ? id : null;
};

/**
 * One JSON-RPC message as a transport received it (a POST body, a stdio line), parsed and
 * classified. The limits are checked first: nesting on the text before it is parsed, then sizes on
 * the parsed value, so nothing downstream (schema validation, masking, structured clone to a
 * plugin, audit) ever walks data deeper or larger than `server.limits`. `unit` names what carries
 * one message, for the batch refusal.
 */
export function readMessage(text: string, limits: JsonLimits, unit: 'POST' | 'line'): Classified {
  if (text.length >= SCAN_TEXT_FROM && textNestsDeeper(text, limits.maxDepth)) return overLimit(null, `nested deeper than ${limits.maxDepth} levels (server.limits.maxDepth)`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    return { kind: 'invalid', id: null, error: { code: RpcCode.ParseError, message: `Parse error: ${(e as Error).message}` } };
  }
  if (Array.isArray(body)) {
    return { kind: 'invalid', id: null, error: { code: RpcCode.InvalidRequest, message: `Invalid Request: JSON-RPC batches are not supported (removed in protocol 2025-06-18); send one message per ${unit}` } };
  }
  const over = exceedsJsonLimits(body, limits);
  if (over) return overLimit(idOf(body), over);
  return classify(body);
}

function overLimit(id: RequestId | null, why: string): Classified {
  return { kind: 'invalid', id, error: { code: RpcCode.InvalidRequest, message: `Invalid Request: the message is over a limit: ${why}`, data: { limit: /\(server\.limits\.(\w+)\)/.exec(why)?.[1] } } };
}

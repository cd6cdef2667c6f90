import { classify, type Classified, type JsonRpcErrorObject } from './jsonrpc.js';
import { exceedsJsonLimits, SCAN_TEXT_FROM, textNestsDeeper, type JsonLimits } from '../calls/jsonLimits.js';
import { RpcCode } from './ProtocolError.js';

/** The only version whose sessions may batch: JSON-RPC batching came in 2025-03-26 and went in 2025-06-18. */
export const BATCH_VERSION = '2025-03-26';

/** Whether a POST body or a stdio line is a JSON array (a batch): its first non-blank character. */
export function isBatchText(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    return c === 0x5b; // '['
  }
  return false;
}

/** Why a batch is refused on a session that did not negotiate 2025-03-26 (or on no session). */
export const batchRefusal = (why: string, unit: 'POST' | 'line'): JsonRpcErrorObject => ({
  code: RpcCode.InvalidRequest,
  message: `Invalid Request: JSON-RPC batches are accepted only on a session that negotiated ${BATCH_VERSION} (${why}); send one message per ${unit}`,
});

/**
 * The most messages one batch may carry. Each request of a batch also counts against its
 * principal's share of requests in flight, but a batch of cheap messages (10,000 pings) is refused
 * whole before anything runs: one POST may not fan out into unbounded work and an unbounded answer.
 */
export const MAX_BATCH_MESSAGES = 100;

/** What a batch held, each element classified as a message sent alone would be; or why the whole batch is refused. */
export type ReadBatch = { ok: true; messages: Classified[] } | { ok: false; error: JsonRpcErrorObject };

const invalid = (message: string, data?: Record<string, unknown>): ReadBatch => ({ ok: false, error: { code: RpcCode.InvalidRequest, message: `Invalid Request: ${message}`, ...(data ? { data } : {}) } });

/**
 * A JSON-RPC batch (a JSON array; 2025-03-26 only), read under the same limits as one message:
 * nesting on the text before it is parsed, then sizes on the whole array (so its length is bounded
 * by maxArrayLength, every element's depth by maxDepth counting the array). Refused whole when
 * empty (JSON-RPC 2.0: an empty array is invalid), over MAX_BATCH_MESSAGES, mixing responses with
 * requests or notifications (2025-03-26: a body is requests and notifications, or responses), or
 * holding one request id twice (the answers could not be told apart). An element that is not a
 * message is answered alone (-32600, id null), as JSON-RPC asks.
 */
export function readBatch(text: string, limits: JsonLimits): ReadBatch {
  if (text.length >= SCAN_TEXT_FROM && textNestsDeeper(text, limits.maxDepth)) return invalid(`the batch is nested deeper than ${limits.maxDepth} levels (server.limits.maxDepth)`, { limit: 'maxDepth' });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: { code: RpcCode.ParseError, message: `Parse error: ${(e as Error).message}` } };
  }
  if (!Array.isArray(body)) return invalid('expected a JSON array (a batch)');
  if (body.length === 0) return invalid('an empty batch (JSON-RPC 2.0: a batch holds at least one message)');
  if (body.length > MAX_BATCH_MESSAGES) return invalid(`a batch of ${body.length} messages; at most ${MAX_BATCH_MESSAGES} per POST`, { limit: 'batchMessages', max: MAX_BATCH_MESSAGES });
  const over = exceedsJsonLimits(body, limits);
  if (over) return invalid(`the batch is over a limit: ${over}`, { limit: /\(server\.limits\.(\w+)\)/.exec(over)?.[1] });
  const messages = body.map(classify);
  let responses = 0;
  let others = 0;
  const ids = new Set<string | number>();
  for (const m of messages) {
    if (m.kind === 'response') responses++;
    else if (m.kind !== 'invalid') others++;
    if (m.kind !== 'request') continue;
    if (ids.has(m.message.id)) return invalid(`request id ${JSON.stringify(m.message.id)} appears twice in the batch`);
    ids.add(m.message.id);
  }
  if (responses > 0 && others > 0) return invalid('a batch holds requests and notifications, or responses, not both (2025-03-26)');
  return { ok: true, messages };
}

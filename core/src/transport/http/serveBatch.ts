import type { JsonLimits } from '@mcp-host/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OpenSet } from '../../collections/OpenSet.js';
import type { Engine } from '../../protocol/Engine.js';
import { errorResponse, type JsonRpcErrorObject, type JsonRpcNotification, type JsonRpcRequest, type JsonRpcResponse } from '../../protocol/jsonrpc.js';
import type { QuotaPort } from '../../protocol/ports/SecurityPorts.js';
import { RpcCode } from '../../protocol/ProtocolError.js';
import { BATCH_VERSION, batchRefusal, readBatch } from '../../protocol/readBatch.js';
import type { Session } from '../../protocol/Session.js';
import { ANONYMOUS } from '../../identity/principals.js';
import { BatchReply } from './BatchReply.js';
import { DRAINING, rpcError } from './rpcError.js';
import type { SseKeepalive } from './SseKeepalive.js';

/** What serving a batch needs of the transport. */
export interface BatchContext {
  readonly engine: Engine;
  readonly limits: JsonLimits;
  readonly quotas: QuotaPort;
  readonly keepalive: SseKeepalive;
  /** Answers in flight, for the drain (it abandons those left). */
  readonly open: OpenSet<{ abandon(error: JsonRpcErrorObject): void }>;
  readonly draining: () => boolean;
}

/** The refusal of a batch anywhere but on a 2025-03-26 session, naming why. */
export function refuseBatch(ctx: BatchContext, req: FastifyRequest, reply: FastifyReply, why: string): void {
  ctx.engine.signals.refused('bad-request', req.principal?.id);
  rpcError(reply, 400, batchRefusal(why, 'POST'));
}

/**
 * A POSTed batch on a session that negotiated 2025-03-26, by that version's rules: only
 * notifications and responses → 202; any request → the responses, as a JSON array or an SSE
 * stream (BatchReply); an element that is not a message → its -32600 among them; initialize may
 * not be batched. The batch is read under the message limits plus its own (readBatch). Its
 * requests run concurrently and each counts against the principal's share of requests in flight:
 * a batch that does not fit is refused whole (429) before anything runs.
 */
export async function serveBatch(ctx: BatchContext, req: FastifyRequest, reply: FastifyReply, session: Session, text: string): Promise<void> {
  const { engine } = ctx;
  const principal = req.principal ?? ANONYMOUS;
  if (session.protocolVersion !== BATCH_VERSION) return refuseBatch(ctx, req, reply, `this session negotiated ${session.protocolVersion}`);
  const read = readBatch(text, ctx.limits);
  if (!read.ok) {
    engine.signals.refused((read.error.data as { limit?: unknown } | undefined)?.limit !== undefined ? 'limits' : 'bad-request', principal.id);
    return void rpcError(reply, 400, read.error);
  }
  const requests: JsonRpcRequest[] = [];
  for (const m of read.messages) if (m.kind === 'request') requests.push(m.message);
  if (requests.length > 0 && ctx.draining()) return void (engine.signals.refused('unavailable', principal.id), rpcError(reply.header('retry-after', '5'), 503, DRAINING));
  let taken = 0;
  while (taken < requests.length) {
    let took = ctx.quotas.take('inFlight', principal.id);
    if (typeof took !== 'boolean') took = await took;
    if (!took) break;
    taken++;
  }
  if (taken < requests.length) {
    for (let i = 0; i < taken; i++) ctx.quotas.give('inFlight', principal.id);
    engine.signals.refused('quota', principal.id);
    return void rpcError(reply.header('retry-after', '1'), 429, { code: RpcCode.RateLimited, message: `Too Many Requests: the batch's ${requests.length} requests do not fit: ${ctx.quotas.refusal('inFlight')}`, data: { limit: 'inFlightPerPrincipal', max: ctx.quotas.limit('inFlight') } });
  }
  // Notifications and responses first, in order: a batch's cancellation or answer reaches the session before its requests run.
  for (const m of read.messages) {
    if (m.kind === 'notification') engine.handleNotification(m.message as JsonRpcNotification, session);
    else if (m.kind === 'response') engine.handleResponse(m.message as JsonRpcResponse, session);
  }
  const invalid = read.messages.filter((m) => m.kind === 'invalid');
  if (requests.length === 0 && invalid.length === 0) return void reply.code(202).send();

  const accept = req.headers.accept;
  const batch = new BatchReply(reply, accept === undefined || accept.includes('text/event-stream') || accept.includes('*/*'), accept === undefined || accept.includes('application/json') || accept.includes('*/*'), ctx.keepalive, requests.map((r) => r.id));
  ctx.open.add(batch);
  try {
    for (const m of invalid) if (m.kind === 'invalid') batch.answer(errorResponse(m.id, m.error), null);
    await Promise.all(
      requests.map(async (request) => {
        if (request.method === 'initialize') return batch.answer(errorResponse(request.id, { code: RpcCode.InvalidRequest, message: 'Invalid Request: initialize must not be part of a batch (2025-03-26)' }), request.id);
        batch.answer(await engine.handleRequest(request, session, batch.channel), request.id);
      }),
    );
    batch.end();
  } finally {
    ctx.open.delete(batch);
    for (let i = 0; i < taken; i++) ctx.quotas.give('inFlight', principal.id);
  }
}

import type { FastifyReply } from 'fastify';
import type { Channel } from '../../protocol/Channel.js';
import { errorResponse, type JsonRpcErrorObject, type JsonRpcMessage, type JsonRpcResponse, type RequestId } from '../../protocol/jsonrpc.js';
import { serializeMessage } from '../../protocol/RawJson.js';
import type { SseKeepalive } from './SseKeepalive.js';
import { startSse, writeSseMessage } from './sse.js';

/**
 * The answer to one POSTed batch (2025-03-26): a JSON array of the responses once every request
 * of the batch is answered, unless a handler sends a related message first (progress, a log, a
 * request to the client) and the client accepts SSE; then, as for one request (PostChannel), the
 * answer becomes an SSE stream carrying those messages and each response as it comes, ended after
 * the last. A client that accepts only SSE always gets the stream.
 */
export class BatchReply {
  private streaming = false;
  private finished = false;
  private readonly responses: JsonRpcResponse[] = [];
  /** The requests of the batch not answered yet (for `abandon`). */
  private readonly unanswered = new Set<RequestId>();
  /** What each request's handler sends on: the batch's stream (or nothing, for a client taking JSON only). */
  readonly channel: Channel;

  constructor(
    private readonly reply: FastifyReply,
    private readonly sseAccepted: boolean,
    private readonly jsonAccepted: boolean,
    private readonly keepalive: SseKeepalive,
    requestIds: readonly RequestId[],
  ) {
    for (const id of requestIds) this.unanswered.add(id);
    this.channel = { canSend: sseAccepted, transport: 'http', send: (m) => this.send(m) };
  }

  private send(message: JsonRpcMessage): void {
    if (this.finished || !this.sseAccepted || this.reply.raw.destroyed) return;
    if (!this.streaming) {
      this.streaming = true;
      this.reply.hijack();
      startSse(this.reply.raw, {});
      this.keepalive.add(this.reply.raw);
      // The responses collected for the JSON array so far lead the stream.
      for (const r of this.responses.splice(0)) writeSseMessage(this.reply.raw, r);
    }
    writeSseMessage(this.reply.raw, message);
  }

  /** One element's answer: a request's response, or the error for an element that is not a message. */
  answer(response: JsonRpcResponse | undefined, id: RequestId | null): void {
    if (this.finished) return;
    if (id !== null) this.unanswered.delete(id);
    if (!response) return; // cancelled by the client: nothing to answer
    if (this.streaming || !this.jsonAccepted) this.send(response);
    else this.responses.push(response);
  }

  /** Every element answered: the JSON array, the stream's end, or 202 when nothing needed an answer (all cancelled). */
  end(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.streaming) {
      this.keepalive.delete(this.reply.raw);
      this.reply.raw.end();
      return;
    }
    if (this.reply.raw.destroyed || this.reply.sent) return;
    if (this.responses.length === 0) return void this.reply.code(202).send();
    this.reply.code(200).header('content-type', 'application/json; charset=utf-8').send(`[${this.responses.map((r) => serializeMessage(r as never)).join(',')}]`);
  }

  /** The host is shutting down: the requests still running are answered with `error`, and the answer ends. */
  abandon(error: JsonRpcErrorObject): void {
    for (const id of [...this.unanswered]) this.answer(errorResponse(id, error), id);
    this.end();
  }
}

import type { FastifyReply } from 'fastify';
import type { Channel } from '../../protocol/Channel.js';
import type { JsonRpcMessage, JsonRpcResponse } from '../../protocol/jsonrpc.js';
import { serializeMessage } from '../../protocol/RawJson.js';
import { startSse, writeSseMessage } from './sse.js';

/**
 * The response of one POSTed request. It answers with plain JSON unless the handler sends a related
 * message first (progress, log, a request to the client); then, if the client accepts SSE, it
 * switches to an SSE stream and ends it after the response. Most calls never pay for a stream.
 */
export class PostChannel implements Channel {
  private streaming = false;

  constructor(
    private readonly reply: FastifyReply,
    readonly canSend: boolean,
    private readonly headers: Record<string, string>,
  ) {}

  send(message: JsonRpcMessage): void {
    if (!this.canSend) return;
    if (!this.streaming) {
      this.streaming = true;
      this.reply.hijack();
      startSse(this.reply.raw, this.headers);
    }
    writeSseMessage(this.reply.raw, message);
  }

  /** Sends the final response (JSON, or as the stream's last event); undefined (cancelled) ends quietly. */
  finish(response: JsonRpcResponse | undefined): void {
    if (this.streaming) {
      if (response) writeSseMessage(this.reply.raw, response);
      this.reply.raw.end();
      return;
    }
    if (!response) {
      this.reply.code(202).headers(this.headers).send(); // cancelled: nothing to answer, the SDK clients treat 202 as "no body"
      return;
    }
    this.reply.code(200).headers(this.headers).type('application/json').send(serializeMessage(response as never));
  }
}

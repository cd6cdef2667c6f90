import type { FastifyReply } from 'fastify';
import type { CallLifetime } from '../../protocol/CallLifetime.js';
import type { Channel } from '../../protocol/Channel.js';
import type { JsonRpcMessage, JsonRpcResponse } from '../../protocol/jsonrpc.js';
import { serializeMessage } from '../../protocol/RawJson.js';
import { startSse, writeSseMessage } from './sse.js';

const KEEPALIVE_MS = 25_000;

/**
 * The response of one POSTed request. It answers with plain JSON unless the handler sends a related
 * message first (progress, log, a request to the client, a listen acknowledgement); then, if the
 * client accepts SSE, it switches to an SSE stream and ends it after the response. Most calls never
 * pay for a stream.
 */
export class PostChannel implements Channel {
  private streaming = false;
  private finished = false;
  private keepalive: NodeJS.Timeout | undefined;

  constructor(
    private readonly reply: FastifyReply,
    readonly canSend: boolean,
    private readonly headers: Record<string, string>,
    /** False when the client accepts only SSE: the response then always comes as a stream. */
    private readonly jsonAccepted = true,
  ) {}

  /** Ends `lifetime` if the client goes away before the response is sent (2026-07-28: that is cancellation). */
  abortOnClose(lifetime: CallLifetime): void {
    this.reply.raw.once('close', () => {
      if (!this.finished) lifetime.abort(new Error('the client closed the response stream'));
    });
  }

  /** Adds a response header; effective while nothing has been sent (a refusal before the handler ran). */
  header(name: string, value: string): void {
    this.headers[name] = value;
  }

  send(message: JsonRpcMessage): void {
    if (!this.canSend || this.finished) return;
    this.write(message);
  }

  private write(message: JsonRpcMessage): void {
    const res = this.reply.raw;
    if (!this.streaming) {
      this.streaming = true;
      this.reply.hijack();
      startSse(res, this.headers);
      // Long streams (listen) stay open for hours; comments keep proxies from timing them out.
      this.keepalive = setInterval(() => !res.writableEnded && res.write(': keepalive\n\n'), KEEPALIVE_MS).unref();
    }
    writeSseMessage(res, message);
  }

  /** Sends the final response (JSON with `status`, or as the stream's last event); undefined (cancelled) ends quietly. */
  finish(response: JsonRpcResponse | undefined, status = 200): void {
    if (response && !this.streaming && !this.jsonAccepted && this.canSend && !this.reply.raw.destroyed) this.write(response), (response = undefined);
    this.finished = true;
    clearInterval(this.keepalive);
    if (this.streaming) {
      if (response) writeSseMessage(this.reply.raw, response);
      this.reply.raw.end();
      return;
    }
    if (this.reply.raw.destroyed) return;
    if (!response) {
      this.reply.code(202).headers(this.headers).send(); // cancelled: nothing to answer, the SDK clients treat 202 as "no body"
      return;
    }
    this.reply.code(status).headers(this.headers).type('application/json').send(serializeMessage(response as never));
  }
}

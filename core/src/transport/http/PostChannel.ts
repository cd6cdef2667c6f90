import type { Socket } from 'node:net';
import type { FastifyReply } from 'fastify';
import { ChurnSet } from '../../collections/ChurnSet.js';
import type { CallLifetime } from '../../calls/CallLifetime.js';
import type { Channel } from '../../protocol/Channel.js';
import { errorResponse, type JsonRpcErrorObject, type JsonRpcMessage, type JsonRpcResponse, type RequestId } from '../../protocol/jsonrpc.js';
import { LARGE_RAW_JSON, RawJson, responseParts, serializeMessage } from '../../protocol/RawJson.js';
import type { Session } from '../../protocol/Session.js';
import { primes, ResumableStream, type SseResumption } from './ResumableStream.js';
import type { SseKeepalive } from './SseKeepalive.js';
import { startSse, writeSseMessage } from './sse.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const OPEN_CALLS = Symbol('mcp-host:openCalls');
type TrackedSocket = Socket & { [OPEN_CALLS]?: ChurnSet<CallLifetime> };

/**
 * The calls still unanswered on a connection, ended together if it closes. One 'close' listener
 * per connection instead of one per request: on HTTP/1.1 a client abandons a response only by
 * closing the connection, and adding and removing a listener per call was measurable.
 */
function openCallsOf(socket: TrackedSocket): ChurnSet<CallLifetime> {
  let calls = socket[OPEN_CALLS];
  if (!calls) {
    const set = (calls = socket[OPEN_CALLS] = new ChurnSet());
    socket.once('close', () => {
      for (const lifetime of set) lifetime.abort(new Error('the client closed the response stream'));
      set.clear();
    });
  }
  return calls;
}

/**
 * The response of one POSTed request. It answers with plain JSON unless the handler sends a related
 * message first (progress, log, a request to the client, a listen acknowledgement); then, if the
 * client accepts SSE, it switches to an SSE stream and ends it after the response. Most calls never
 * pay for a stream.
 *
 * On a legacy session the stream is resumable (SEP-1699): it starts with a priming event, each
 * event has an id and is kept in the event store, and the handler may close the stream while it
 * runs on (`closeStream`): the client comes back with a GET and Last-Event-ID for the rest.
 */
export class PostChannel implements Channel {
  private streaming = false;
  private finished = false;
  private lifetime: CallLifetime | undefined;
  private corked = false;
  /** A legacy request's session and the event store: set by `resumeOn`, used only if the answer becomes a stream. */
  private session: Session | undefined;
  private resumption: SseResumption | undefined;
  private stream: ResumableStream | undefined;

  constructor(
    private readonly reply: FastifyReply,
    readonly canSend: boolean,
    private readonly headers: Record<string, string>,
    /** False when the client accepts only SSE: the response then always comes as a stream. */
    private readonly jsonAccepted: boolean,
    /** Long streams (listen) stay open for hours; comments keep proxies from timing them out. */
    private readonly keepalive: SseKeepalive,
    /** The request this channel answers (for an answer the host gives in its place: `abandon`). */
    private readonly id: RequestId,
  ) {}

  /** A prototype getter, not a field: nothing is stored per request for telemetry. */
  get transport(): 'http' {
    return 'http';
  }

  /**
   * Answers the request now with `error`, in place of the handler (the host is shutting down), and
   * cancels it: whatever the handler returns later is dropped.
   */
  abandon(error: JsonRpcErrorObject): void {
    if (this.finished) return;
    this.finish(errorResponse(this.id, error));
    this.lifetime?.abort(new Error(error.message));
  }

  /** Ends `lifetime` if the client goes away before the response is sent (2026-07-28: that is cancellation). */
  abortOnClose(lifetime: CallLifetime): void {
    const socket = this.reply.raw.socket as TrackedSocket | null;
    if (!socket || socket.destroyed) return lifetime.abort(new Error('the client closed the response stream'));
    openCallsOf(socket).add(lifetime);
    this.lifetime = lifetime;
  }

  /** Adds a response header; effective while nothing has been sent (a refusal before the handler ran). */
  header(name: string, value: string): void {
    this.headers[name] = value;
  }

  /** Makes the stream, if the answer becomes one, resumable: `session`'s request (the legacy era). */
  resumeOn(session: Session, resumption: SseResumption): void {
    this.session = session;
    this.resumption = resumption;
  }

  send(message: JsonRpcMessage): void {
    if (!this.canSend || this.finished) return;
    this.write(message);
  }

  /**
   * Ends the response stream while the handler runs on (polling, SEP-1699): what it sends next, and
   * its response, go to the event store for the client's GET with Last-Event-ID. Not cancellation.
   * Only where the client can come back: a legacy session that got the priming event.
   */
  closeStream(): void {
    if (this.finished || !this.canSend || !this.session || !primes(this.session) || this.reply.raw.destroyed) return;
    if (!this.streaming) this.startStream();
    const res = this.reply.raw;
    if (res.writableEnded) return;
    this.keepalive.delete(res);
    res.end();
  }

  private startStream(): void {
    this.streaming = true;
    this.reply.hijack();
    const res = this.reply.raw;
    startSse(res, this.headers);
    this.keepalive.add(res);
    if (this.session) (this.stream = ResumableStream.start(this.resumption!, this.session, 'p')).prime(res);
  }

  private write(message: JsonRpcMessage): void {
    const res = this.reply.raw;
    // Everything written before the loop reaches its check phase (the headers, a progress event,
    // often the response and the end) leaves in one socket write instead of one each. Not
    // process.nextTick: a request body ends in a tick callback, so a tick queued by the handler's
    // first event runs before the handler's next await resumes, and the result went in a second write.
    if (!this.corked) {
      this.corked = true;
      res.cork();
      setImmediate(PostChannel.uncork, this);
    }
    if (!this.streaming) this.startStream();
    if (this.stream) this.stream.write(res, message);
    else writeSseMessage(res, message);
  }

  private static uncork(this: void, channel: PostChannel): void {
    channel.corked = false;
    // end() has already flushed an ended response (and its socket may serve the next request by now).
    if (!channel.reply.raw.writableEnded) channel.reply.raw.uncork();
  }

  /** Sends the final response (JSON with `status`, or as the stream's last event); undefined (cancelled) ends quietly. */
  finish(response: JsonRpcResponse | undefined, status = 200): void {
    // Answered already: by `abandon`, or by the transport itself (an envelope refusal sent as plain JSON).
    if (this.finished || (!this.streaming && this.reply.sent)) return;
    if (response && !this.streaming && !this.jsonAccepted && this.canSend && !this.reply.raw.destroyed) this.write(response), (response = undefined);
    this.finished = true;
    if (this.lifetime) (this.reply.raw.socket as TrackedSocket | null)?.[OPEN_CALLS]?.delete(this.lifetime);
    if (this.streaming) {
      const res = this.reply.raw;
      this.keepalive.delete(res);
      if (this.stream) {
        if (response) this.stream.write(res, response);
        this.stream.end();
      } else if (response) writeSseMessage(res, response);
      if (!res.writableEnded) res.end();
      return;
    }
    if (this.reply.raw.destroyed) return;
    if (!response) {
      this.reply.code(202).headers(this.headers).send(); // cancelled: nothing to answer, the SDK clients treat 202 as "no body"
      return;
    }
    const result = response.result;
    if (result instanceof RawJson && result.json.length >= LARGE_RAW_JSON) return this.sendParts(status, responseParts(response.id, result));
    const reply = this.reply.code(status);
    for (const name in this.headers) reply.header(name, this.headers[name]);
    reply.header('content-type', JSON_TYPE).send(serializeMessage(response as never));
  }

  /** A JSON body in chunks (a large cached result between the envelope's ends): one corked write, no chunk copied. */
  private sendParts(status: number, parts: Buffer[]): void {
    let length = 0;
    for (const part of parts) length += part.length;
    const res = this.reply.hijack().raw;
    res.writeHead(status, { ...this.headers, 'content-type': JSON_TYPE, 'content-length': length });
    res.cork();
    for (let i = 0; i < parts.length - 1; i++) res.write(parts[i]);
    res.end(parts[parts.length - 1]);
  }
}

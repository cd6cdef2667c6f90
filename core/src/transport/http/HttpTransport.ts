import type { JsonLimits } from '@mcp-host/config';
import type { Principal } from '@mcp-host/sdk';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { OpenSet } from '../../collections/OpenSet.js';
import { CallLifetime } from '../../calls/CallLifetime.js';
import type { Engine } from '../../protocol/Engine.js';
import type { Session } from '../../protocol/Session.js';
import { errorResponse, type JsonRpcErrorObject, type JsonRpcNotification, type JsonRpcRequest, type JsonRpcResponse } from '../../protocol/jsonrpc.js';
import type { BindBearerAuth } from '../../protocol/ports/BearerAuth.js';
import type { QuotaPort } from '../../protocol/ports/SecurityPorts.js';
import type { EventStore } from '../../protocol/ports/EventStore.js';
import type { SessionStorePort } from '../../protocol/ports/ClusterPorts.js';
import { readMessage } from '../../protocol/readMessage.js';
import { hasModernMeta, readProtocolClaim, type ModernMeta } from '../../protocol/modern/modernMeta.js';
import { methodNotFoundModern } from '../../protocol/modern/methodNotFoundModern.js';
import { checkModernHeaders } from './modernHeaders.js';
import { RpcCode } from '../../protocol/ProtocolError.js';
import { isLegacyVersion } from '../../protocol/versions.js';
import { ANONYMOUS } from '../../identity/principals.js';
import { createHttpApp, type HttpAppOptions } from './createHttpApp.js';
import { HttpAuth } from './HttpAuth.js';
import { HttpSessions } from './HttpSessions.js';
import { LegacyStreams, type StreamLease } from './LegacyStreams.js';
import { MAX_EVENT_ID_LENGTH, parseEventId, type SseResumption } from './ResumableStream.js';
import { DRAINING, rpcError } from './rpcError.js';
import { PostChannel } from './PostChannel.js';
import { SseKeepalive } from './SseKeepalive.js';
import { refuseBatch, serveBatch, type BatchContext } from './serveBatch.js';
import { isBatchText } from '../../protocol/readBatch.js';

/** The app's options (host, path, allowed hosts and origins, body size and time, request rate) and the transport's own. */
export interface HttpTransportOptions extends HttpAppOptions {
  readonly port: number;
  readonly sessionIdleTimeoutMs: number;
  readonly maxSessions: number;
  /** What one message's JSON may hold (depth, string, array and object sizes). */
  readonly limits: JsonLimits;
  /** Each principal's share of sessions, streams and requests in flight. */
  readonly quotas: QuotaPort;
  /** Bearer-token authentication, bound when the server listens; absent: every caller is the anonymous principal. */
  readonly auth?: BindBearerAuth;
  /** Where legacy SSE events are kept for resumption (Last-Event-ID); the transport closes it. */
  readonly eventStore: EventStore;
  /** The `retry` of a legacy stream's priming event. */
  readonly sseRetryMs: number;
  /** With replicas: where sessions are shared (absent: they live in this process). */
  readonly sessionStore?: SessionStorePort;
}

const accepts = (req: FastifyRequest, type: string) => {
  const a = req.headers.accept;
  return a === undefined || a.includes(type) || a.includes('*/*');
};

/**
 * Streamable HTTP on fastify, both eras on one endpoint: POST for messages (a 2026-07-28 message is
 * stateless; a 2025-11-25 one belongs to a session), GET for a legacy session's stream of unrelated
 * server messages, DELETE to end a session. The transport's orchestrator: what runs before a route
 * is in createHttpApp, sessions in HttpSessions, GET streams in LegacyStreams, one POST's answer in
 * PostChannel; here each message is routed to the engine, counted for the drain and its quota.
 */
export class HttpTransport {
  readonly sessions: HttpSessions;
  private readonly app: FastifyInstance;
  private readonly auth: HttpAuth | undefined;
  private readonly keepalive = new SseKeepalive();
  /** POSTed requests (and batches) not yet answered: a drain waits for them, then answers those left. */
  private readonly open = new OpenSet<{ abandon(error: JsonRpcErrorObject): void }>();
  private readonly batches: BatchContext;
  private readonly streams: LegacyStreams;
  private readonly resumption: SseResumption;
  private draining = false;

  constructor(
    private readonly engine: Engine,
    private readonly options: HttpTransportOptions,
    private readonly logger: Logger,
  ) {
    this.auth = options.auth ? new HttpAuth(options.auth, logger, engine.signals) : undefined;
    this.app = createHttpApp(options, this.auth, logger, engine.signals);
    this.sessions = new HttpSessions(engine, options.quotas, options, logger, options.sessionStore);
    this.resumption = { store: options.eventStore, retryMs: options.sseRetryMs };
    this.streams = new LegacyStreams(options.quotas, this.keepalive, engine.signals, this.resumption);
    this.batches = { engine, limits: options.limits, quotas: options.quotas, keepalive: this.keepalive, open: this.open, draining: () => this.draining };
    const path = options.path;
    this.app.post(path, (req, reply) => this.post(req, reply));
    this.app.get(path, (req, reply) => this.get(req, reply));
    this.app.delete(path, (req, reply) => this.delete(req, reply));
  }

  /** Legacy GET streams open now (a gauge of the metrics). */
  get getStreams(): number {
    return this.streams.size;
  }

  /** Starts listening; resolves with the endpoint URL. */
  async listen(): Promise<string> {
    await this.app.listen({ host: this.options.host, port: this.options.port });
    const address = this.app.server.address();
    const port = typeof address === 'object' && address ? address.port : this.options.port;
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    const url = `http://${host}:${port}${this.options.path}`;
    await this.auth?.bind(url);
    this.sessions.startSweep();
    return url;
  }

  /**
   * Graceful drain: new requests and streams are refused (503 + Retry-After) from now on, while
   * answers to the host's own requests (elicitation) and cancellations still get through so calls
   * in flight can finish. Legacy GET streams end; listen streams are ended by the engine. Waits up
   * to `timeoutMs` for the calls in flight, then answers those left with a shutting-down error.
   * Resolves with how many calls were cut short.
   */
  async drain(timeoutMs: number): Promise<number> {
    this.draining = true;
    this.streams.endAll();
    await this.open.idle(timeoutMs);
    const left = [...this.open];
    const error: JsonRpcErrorObject = { code: RpcCode.Unavailable, message: `Service Unavailable: the host shut down before this call finished (server.drainTimeoutMs: ${timeoutMs} ms); retry it` };
    for (const channel of left) channel.abandon(error);
    return left.length;
  }

  async close(): Promise<void> {
    this.draining = true;
    this.sessions.close();
    this.keepalive.close();
    await this.app.close();
    await this.options.eventStore.close();
  }

  /**
   * A POSTed message. A request is counted in flight (for the drain) and against its principal's
   * share of requests in flight — in this handler's own frame: every call passes here, and another
   * async layer per request is a measurable cost. A listen stream has its own share
   * (`listenStreamsPerPrincipal`), so it is not counted against requests in flight.
   */
  private async post(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const signals = this.engine.signals;
    if (!accepts(req, 'application/json') && !accepts(req, 'text/event-stream')) {
      signals.refused('bad-request', req.principal?.id);
      return void rpcError(reply, 406, { code: RpcCode.NotAcceptable, message: 'Not Acceptable: Accept must include application/json and text/event-stream' });
    }
    if (isBatchText(req.body)) return this.postBatch(req, reply, req.body);
    const msg = readMessage(req.body as string, this.options.limits, 'POST');
    if (msg.kind === 'invalid') {
      // Over `server.limits` (the error names the limit), or not a message at all.
      signals.refused((msg.error.data as { limit?: unknown } | undefined)?.limit !== undefined ? 'limits' : 'bad-request', req.principal?.id);
      return void rpcError(reply, 400, msg.error, msg.id);
    }
    if (msg.kind !== 'request') return this.acknowledge(req, reply, msg.message, msg.kind);
    const request = msg.message;
    // A drain lets answers and cancellations through (calls in flight may wait on them), not new work.
    const principal = req.principal ?? ANONYMOUS;
    if (this.draining) return void (signals.refused('unavailable', principal.id), rpcError(reply.header('retry-after', '5'), 503, DRAINING, request.id));
    const counted = request.method !== 'subscriptions/listen';
    let took = !counted || this.options.quotas.take('inFlight', principal.id);
    if (typeof took !== 'boolean') took = await took;
    if (!took) {
      signals.refused('quota', principal.id);
      return void rpcError(reply.header('retry-after', '1'), 429, { code: RpcCode.RateLimited, message: `Too Many Requests: ${this.options.quotas.refusal('inFlight')}`, data: { limit: 'inFlightPerPrincipal', max: this.options.quotas.limit('inFlight') } }, request.id);
    }
    const channel = this.channelFor(req, reply, {}, request.id);
    this.open.add(channel);
    try {
      if (this.isModern(req, request.method, request.params)) return await this.postModern(req, channel, reply, request, principal);
      if (request.method === 'initialize') return await this.initialize(req, channel, request, principal);
      const found = this.sessions.find(req, reply, request.id);
      const session = found instanceof Promise ? await found : found;
      if (!session) return;
      channel.resumeOn(session, this.resumption);
      this.finish(channel, await this.engine.handleRequest(request, session, channel));
    } finally {
      this.open.delete(channel);
      if (counted) this.options.quotas.give('inFlight', principal.id);
    }
  }

  /** A JSON array: served on a session that negotiated 2025-03-26 (serveBatch), refused with the reason anywhere else. */
  private async postBatch(req: FastifyRequest, reply: FastifyReply, text: string): Promise<void> {
    if (req.headers['mcp-session-id'] === undefined) return refuseBatch(this.batches, req, reply, 'this POST names no session: initialize alone first');
    const session = await this.sessions.find(req, reply);
    if (session) await serveBatch(this.batches, req, reply, session, text);
  }

  /** A notification or a response (to the host's own request): 202, after handing it to the session's engine. */
  private async acknowledge(req: FastifyRequest, reply: FastifyReply, message: JsonRpcNotification | JsonRpcResponse, kind: 'notification' | 'response'): Promise<void> {
    // A modern notification (e.g. notifications/cancelled after a closed listen stream) has nothing to act on.
    if (kind === 'notification' && this.isModern(req, (message as JsonRpcNotification).method, (message as JsonRpcNotification).params)) return void reply.code(202).send();
    const session = await this.sessions.find(req, reply);
    if (!session) return;
    if (kind === 'notification') this.engine.handleNotification(message as JsonRpcNotification, session);
    else this.engine.handleResponse(message as JsonRpcResponse, session);
    reply.code(202).send();
  }

  private async initialize(req: FastifyRequest, channel: PostChannel, request: JsonRpcRequest, principal: Principal): Promise<void> {
    if (req.headers['mcp-session-id'] !== undefined) {
      this.engine.signals.refused('bad-request', principal.id);
      return channel.finish(errorResponse(request.id, { code: RpcCode.InvalidRequest, message: 'Invalid Request: initialize starts a new session and must not carry Mcp-Session-Id' }), 400);
    }
    let session = this.sessions.reserve(principal);
    if (session instanceof Promise) session = await session;
    if (!('id' in session)) {
      this.engine.signals.refused(session.status === 429 ? 'quota' : 'session-limit', principal.id);
      channel.header('retry-after', '5');
      return channel.finish(errorResponse(request.id, { code: session.status === 429 ? RpcCode.RateLimited : RpcCode.Unavailable, message: session.message }), session.status);
    }
    const response = await this.engine.handleRequest(request, session, channel);
    const succeeded = response !== undefined && !response.error;
    const settled = this.sessions.settle(session, succeeded);
    const opened = settled === true || (settled !== false && (await settled));
    if (succeeded && !opened) {
      this.engine.signals.refused('unavailable', principal.id);
      channel.header('retry-after', '2');
      return channel.finish(errorResponse(request.id, { code: RpcCode.Unavailable, message: HttpSessions.STORE_DOWN }), 503);
    }
    // The id goes out only with a successful InitializeResult: a failed initialize creates no session.
    if (opened) channel.header('mcp-session-id', session.id!);
    channel.finish(response);
  }

  private channelFor(req: FastifyRequest, reply: FastifyReply, headers: Record<string, string>, id: JsonRpcRequest['id']): PostChannel {
    const accept = req.headers.accept;
    const sse = accept === undefined || accept.includes('text/event-stream') || accept.includes('*/*');
    const json = accept === undefined || accept.includes('application/json') || accept.includes('*/*');
    return new PostChannel(reply, sse, headers, json, this.keepalive, id);
  }

  /**
   * A message is modern (2026-07-28) when its body claims the modern protocol version, or when it
   * names a non-legacy version in the header without a session (it then fails the envelope check).
   */
  private isModern(req: FastifyRequest, method: string, params: Record<string, unknown> | undefined): boolean {
    if (hasModernMeta(params)) return true;
    const header = req.headers['mcp-protocol-version'];
    return method !== 'initialize' && header !== undefined && req.headers['mcp-session-id'] === undefined && !isLegacyVersion(header);
  }

  /**
   * Serves a stateless 2026-07-28 message. Checks run in the order the spec ranks its errors: the
   * `_meta` claim (-32602), headers against the body (-32020), version and capabilities (-32022,
   * -32602), unknown method (404). A legacy `Mcp-Session-Id` is ignored, as the spec asks.
   */
  private async postModern(req: FastifyRequest, channel: PostChannel, reply: FastifyReply, message: JsonRpcRequest, principal: Principal): Promise<void> {
    const { id, method } = message;
    const params = message.params ?? {};
    let meta: ModernMeta;
    try {
      readProtocolClaim(params);
      const tool = method === 'tools/call' && typeof params.name === 'string' ? this.engine.tool(params.name, principal) : undefined;
      checkModernHeaders(req.headers, method, params, tool?.paramHeaders);
      meta = this.engine.readEnvelope(message);
    } catch (e) {
      this.engine.signals.refused('bad-request', principal.id);
      return void this.sendJson(reply, 400, this.engine.errorResponse(id, method, e));
    }
    if (!this.engine.hasMethod('modern', method)) {
      this.engine.signals.refused('bad-request', principal.id);
      return void this.sendJson(reply, 404, this.engine.errorResponse(id, method, methodNotFoundModern(method, this.engine.hasMethod('legacy', method))));
    }
    const lifetime = new CallLifetime();
    channel.abortOnClose(lifetime);
    const response = await this.engine.handleModernRequest(message, meta, channel, lifetime, principal);
    // -32021 is a 400 even when a handler raises it (the client must declare the capability and retry).
    this.finish(channel, response, response?.error?.code === RpcCode.MissingRequiredClientCapability ? 400 : 200);
  }

  /**
   * Sends the engine's response. A call to an item the principal may not use is a 403 with an
   * `insufficient_scope` challenge naming every scope it needs (MCP authorization: step-up).
   */
  private finish(channel: PostChannel, response: JsonRpcResponse | undefined, status = 200): void {
    const resource = this.auth?.protectedResource;
    if (response?.error?.code === RpcCode.Forbidden && resource) {
      const needed = (response.error.data as { scopes?: string[] } | undefined)?.scopes ?? [];
      channel.header('www-authenticate', resource.insufficientScope(needed, response.error.message));
      status = 403;
    }
    channel.finish(response, status);
  }

  private sendJson(reply: FastifyReply, status: number, body: JsonRpcResponse): void {
    if (reply.sent) return;
    reply.code(status).type('application/json').send(JSON.stringify(body));
  }

  /** A legacy session's GET: its standalone stream, or with Last-Event-ID the resumption of one of its streams (LegacyStreams). */
  private async get(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!req.headers.accept?.includes('text/event-stream')) {
      this.engine.signals.refused('bad-request', req.principal?.id);
      return void rpcError(reply, 406, { code: RpcCode.NotAcceptable, message: 'Not Acceptable: GET opens an SSE stream; Accept must include text/event-stream' });
    }
    if (this.draining) return void (this.engine.signals.refused('unavailable', req.principal?.id), rpcError(reply.header('retry-after', '5'), 503, DRAINING));
    // The session first: a session another principal presents is not found, whatever else it sends.
    const session = await this.sessions.find(req, reply);
    if (!session) return;
    const lastEventId = req.headers['last-event-id'];
    const cursor = lastEventId === undefined ? undefined : parseEventId(lastEventId as string);
    if (lastEventId !== undefined && !cursor) {
      this.engine.signals.refused('bad-request', session.principal.id);
      return void rpcError(reply, 400, { code: RpcCode.ConnectionClosed, message: `Bad Request: Last-Event-ID is not an event id of this host (at most ${MAX_EVENT_ID_LENGTH} characters, <stream>_<sequence>)` });
    }
    const store = this.options.sessionStore;
    // With replicas one replica holds a session's stream; a client resuming (Last-Event-ID) takes it over from wherever it was.
    const lease: StreamLease | undefined = store && {
      take: (takeOver) => this.holdStream(store, session, reply, takeOver),
      release: () => void (session.standalone || store.release(session.id!)),
    };
    await this.streams.open(session, reply, cursor, lease);
  }

  /** Takes the hold on `session`'s GET stream for this replica, or answers why not (409 held elsewhere, 503 Redis down). */
  private async holdStream(store: SessionStorePort, session: Session, reply: FastifyReply, takeOver: boolean): Promise<boolean> {
    let hold;
    try {
      hold = await store.hold(session.id!, takeOver);
    } catch {
      this.engine.signals.refused('unavailable', session.principal.id);
      return void rpcError(reply.header('retry-after', '2'), 503, { code: RpcCode.Unavailable, message: HttpSessions.STORE_DOWN }), false;
    }
    if (hold.held) return true;
    this.engine.signals.refused('bad-request', session.principal.id);
    rpcError(reply, 409, { code: RpcCode.Conflict, message: 'Conflict: this session already has an open GET stream (on another replica); resume with Last-Event-ID to take it over' });
    return false;
  }

  private async delete(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const session = await this.sessions.find(req, reply);
    if (!session) return;
    this.sessions.end(session);
    reply.code(200).send();
  }
}

import { randomUUID } from 'node:crypto';
import type { AuthConfig } from '@mcp-host/config';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ChurnMap } from '../../collections/ChurnMap.js';
import { CallLifetime } from '../../protocol/CallLifetime.js';
import type { Engine } from '../../protocol/Engine.js';
import { classify, type JsonRpcErrorObject, type JsonRpcNotification, type JsonRpcRequest, type JsonRpcResponse } from '../../protocol/jsonrpc.js';
import { hasModernMeta, ModernCode, readProtocolClaim, type ModernMeta } from '../../protocol/modern/modernMeta.js';
import { methodNotFoundModern } from '../../protocol/modern/methodNotFoundModern.js';
import { checkModernHeaders } from './modernHeaders.js';
import { RpcCode } from '../../protocol/ProtocolError.js';
import { Session } from '../../protocol/Session.js';
import { isLegacyVersion, LEGACY_VERSIONS } from '../../protocol/versions.js';
import { ANONYMOUS } from '../../auth/principals.js';
import type { RateLimiter } from '../../auth/RateLimiter.js';
import { HttpAuth } from './HttpAuth.js';
import { installRequestLimit } from './requestLimitHook.js';
import { createOriginGuard } from './originGuard.js';
import { PostChannel } from './PostChannel.js';
import { SseKeepalive } from './SseKeepalive.js';
import { startSse, writeSseMessage } from './sse.js';

export interface HttpTransportOptions {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly allowedHosts: readonly string[];
  readonly allowedOrigins: readonly string[];
  readonly bodyLimitBytes: number;
  readonly sessionIdleTimeoutMs: number;
  readonly maxSessions: number;
  /** Bearer-token authentication; absent: every caller is the anonymous principal. */
  readonly auth?: AuthConfig;
  /** Per-principal request rate (429 + Retry-After past it). */
  readonly limiter?: RateLimiter;
}

function rpcError(reply: FastifyReply, status: number, error: JsonRpcErrorObject, id: string | number | null = null) {
  return reply.code(status).type('application/json').send(JSON.stringify({ jsonrpc: '2.0', id, error }));
}

const accepts = (req: FastifyRequest, type: string) => {
  const a = req.headers.accept;
  return a === undefined || a.includes(type) || a.includes('*/*');
};

/**
 * Streamable HTTP (2025-11-25 and earlier) on fastify: POST for messages, GET for the session's
 * stream of unrelated server messages, DELETE to end a session.
 */
export class HttpTransport {
  readonly sessions = new ChurnMap<string, Session>();
  private readonly app: FastifyInstance;
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly auth: HttpAuth | undefined;
  private readonly keepalive = new SseKeepalive();

  constructor(
    private readonly engine: Engine,
    private readonly options: HttpTransportOptions,
    private readonly logger: Logger,
  ) {
    this.app = Fastify({ logger: false, bodyLimit: options.bodyLimitBytes, forceCloseConnections: true, return503OnClosing: true });
    this.auth = options.auth ? new HttpAuth(options.auth, logger) : undefined;
    this.routes();
  }

  /** Starts listening; resolves with the endpoint URL. */
  async listen(): Promise<string> {
    await this.app.listen({ host: this.options.host, port: this.options.port });
    const address = this.app.server.address();
    const port = typeof address === 'object' && address ? address.port : this.options.port;
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    const url = `http://${host}:${port}${this.options.path}`;
    await this.auth?.bind(url);
    const sweepEvery = Math.min(Math.max(this.options.sessionIdleTimeoutMs / 2, 500), 60_000);
    this.sweepTimer = setInterval(() => this.sweep(), sweepEvery).unref();
    return url;
  }

  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    for (const s of [...this.sessions.values()]) this.endSession(s);
    this.keepalive.close();
    await this.app.close();
  }

  /** Ends sessions idle for longer than the timeout (no open stream, nothing in flight). */
  private sweep(): void {
    const cutoff = Date.now() - this.options.sessionIdleTimeoutMs;
    for (const [id, s] of this.sessions) {
      if (s.lastSeen < cutoff && !s.standalone && s.inFlight.size === 0) {
        this.endSession(s);
        this.logger.debug({ session: id }, 'idle session expired');
      }
    }
  }

  private endSession(session: Session): void {
    session.close();
    this.sessions.delete(session.id!);
    this.engine.notifier.sessions.delete(session);
  }

  private routes(): void {
    const app = this.app;
    const guard = createOriginGuard({ allowedHosts: this.options.allowedHosts, allowedOrigins: this.options.allowedOrigins, boundHost: this.options.host });

    // Bodies are parsed by the engine's path, so a parse error becomes a JSON-RPC -32700, not an HTML 400.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));

    // Callback style, not async: every request passes here, and an async hook costs a promise each.
    app.addHook('onRequest', (req, reply, done) => {
      const refused = guard(req.headers.host, req.headers.origin);
      if (refused) return void rpcError(reply, 403, { code: RpcCode.ConnectionClosed, message: `Forbidden: ${refused} (DNS rebinding protection; see server.allowedHosts / server.allowedOrigins)` });
      done();
    });
    this.auth?.install(app, this.options.path);
    if (this.options.limiter?.limitsRequests) installRequestLimit(app, this.options.path, this.options.limiter);

    app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
      const status = err.statusCode ?? 500;
      if (status >= 500) this.logger.error({ err }, 'HTTP request failed');
      const message =
        err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? `Request body larger than ${this.options.bodyLimitBytes} bytes (server.bodyLimitBytes)`
        : err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'Unsupported Media Type: Content-Type must be application/json'
        : err.message;
      return rpcError(reply, status, { code: status === 413 || status === 415 ? RpcCode.InvalidRequest : RpcCode.InternalError, message });
    });
    app.setNotFoundHandler((req, reply) => rpcError(reply, 404, { code: RpcCode.InvalidRequest, message: `Not found: ${req.url} (the MCP endpoint is ${this.options.path})` }));

    const path = this.options.path;
    app.post(path, (req, reply) => this.post(req, reply));
    app.get(path, (req, reply) => this.get(req, reply));
    app.delete(path, (req, reply) => this.delete(req, reply));
    for (const method of ['PUT', 'PATCH', 'OPTIONS'] as const) {
      app.route({ method, url: path, handler: (_req, reply) => rpcError(reply.header('allow', 'GET, POST, DELETE'), 405, { code: RpcCode.ConnectionClosed, message: `Method Not Allowed: ${method}` }) });
    }
  }

  /**
   * Finds the request's session, or answers the error the spec gives (400 no header, 404 unknown,
   * 400 bad version). A session belongs to the principal that opened it: another principal
   * presenting its id is told it does not exist, exactly as for an unknown id (MCP security best
   * practices: a session id is never a credential, and bound to the user).
   */
  private sessionOf(req: FastifyRequest, reply: FastifyReply): Session | undefined {
    const id = req.headers['mcp-session-id'];
    if (typeof id !== 'string' || id === '') {
      rpcError(reply, 400, { code: RpcCode.ConnectionClosed, message: 'Bad Request: Mcp-Session-Id header is required (send initialize first)' });
      return undefined;
    }
    const session = this.sessions.get(id);
    const principal = req.principal ?? ANONYMOUS;
    if (!session || session.principal.id !== principal.id) {
      if (session) this.logger.warn({ session: id, owner: session.principal.id, principal: principal.id }, 'session id presented by another principal; refused');
      rpcError(reply, 404, { code: RpcCode.SessionNotFound, message: 'Session not found: it expired or was closed; initialize a new session' });
      return undefined;
    }
    session.principal = principal;
    const version = req.headers['mcp-protocol-version'];
    if (version !== undefined && !isLegacyVersion(version)) {
      rpcError(reply, 400, { code: RpcCode.ConnectionClosed, message: `Bad Request: unsupported MCP-Protocol-Version ${JSON.stringify(version)} (supported: ${LEGACY_VERSIONS.join(', ')})` });
      return undefined;
    }
    return session;
  }

  private async post(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!accepts(req, 'application/json') && !accepts(req, 'text/event-stream')) {
      return void rpcError(reply, 406, { code: RpcCode.ConnectionClosed, message: 'Not Acceptable: Accept must include application/json and text/event-stream' });
    }
    let body: unknown;
    try {
      body = JSON.parse(req.body as string);
    } catch (e) {
      return void rpcError(reply, 400, { code: RpcCode.ParseError, message: `Parse error: ${(e as Error).message}` });
    }
    if (Array.isArray(body)) {
      return void rpcError(reply, 400, { code: RpcCode.InvalidRequest, message: 'Invalid Request: JSON-RPC batches are not supported (removed in protocol 2025-06-18); send one message per POST' });
    }
    const msg = classify(body);
    if (msg.kind === 'invalid') return void rpcError(reply, 400, msg.error, msg.id);

    if (msg.kind !== 'response' && this.isModern(req, msg.message.method, msg.message.params)) return this.postModern(req, reply, msg.message);

    if (msg.kind === 'request' && msg.message.method === 'initialize') {
      if (req.headers['mcp-session-id'] !== undefined) {
        return void rpcError(reply, 400, { code: RpcCode.InvalidRequest, message: 'Invalid Request: initialize starts a new session and must not carry Mcp-Session-Id' }, msg.message.id);
      }
      if (this.sessions.size >= this.options.maxSessions) {
        return void rpcError(reply.header('retry-after', '5'), 503, { code: RpcCode.ConnectionClosed, message: `Service Unavailable: session limit (${this.options.maxSessions}) reached` }, msg.message.id);
      }
      const session = new Session(randomUUID(), req.principal ?? ANONYMOUS);
      const headers: Record<string, string> = {};
      const channel = this.channelFor(req, reply, headers);
      const response = await this.engine.handleRequest(msg.message, session, channel);
      if (response && !response.error) {
        // The id goes out only with a successful InitializeResult: a failed initialize creates no session.
        headers['mcp-session-id'] = session.id!;
        this.sessions.set(session.id!, session);
        this.engine.notifier.sessions.add(session);
      }
      return channel.finish(response);
    }

    const session = this.sessionOf(req, reply);
    if (!session) return;
    switch (msg.kind) {
      case 'notification':
        this.engine.handleNotification(msg.message, session);
        return void reply.code(202).send();
      case 'response':
        this.engine.handleResponse(msg.message, session);
        return void reply.code(202).send();
      case 'request': {
        const channel = this.channelFor(req, reply, {});
        return this.finish(channel, await this.engine.handleRequest(msg.message, session, channel));
      }
    }
  }

  private channelFor(req: FastifyRequest, reply: FastifyReply, headers: Record<string, string>): PostChannel {
    const accept = req.headers.accept;
    const sse = accept === undefined || accept.includes('text/event-stream') || accept.includes('*/*');
    const json = accept === undefined || accept.includes('application/json') || accept.includes('*/*');
    return new PostChannel(reply, sse, headers, json, this.keepalive);
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
  private async postModern(req: FastifyRequest, reply: FastifyReply, message: JsonRpcRequest | JsonRpcNotification): Promise<void> {
    if (!('id' in message)) return void reply.code(202).send(); // e.g. notifications/cancelled after a closed listen stream: nothing to do
    const { id, method } = message;
    const params = message.params ?? {};
    let meta: ModernMeta;
    try {
      readProtocolClaim(params);
      const tool = method === 'tools/call' && typeof params.name === 'string' ? this.engine.tool(params.name, req.principal ?? ANONYMOUS) : undefined;
      checkModernHeaders(req.headers, method, params, tool?.paramHeaders);
      meta = this.engine.readEnvelope(message);
    } catch (e) {
      return void this.sendJson(reply, 400, this.engine.errorResponse(id, method, e));
    }
    if (!this.engine.hasMethod('modern', method)) {
      return void this.sendJson(reply, 404, this.engine.errorResponse(id, method, methodNotFoundModern(method, this.engine.hasMethod('legacy', method))));
    }
    const lifetime = new CallLifetime();
    const channel = this.channelFor(req, reply, {});
    channel.abortOnClose(lifetime);
    const response = await this.engine.handleModernRequest(message, meta, channel, lifetime, req.principal ?? ANONYMOUS);
    // -32021 is a 400 even when a handler raises it (the client must declare the capability and retry).
    this.finish(channel, response, response?.error?.code === ModernCode.MissingRequiredClientCapability ? 400 : 200);
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
    reply.code(status).type('application/json').send(JSON.stringify(body));
  }

  private get(req: FastifyRequest, reply: FastifyReply): void {
    if (!req.headers.accept?.includes('text/event-stream')) {
      return void rpcError(reply, 406, { code: RpcCode.ConnectionClosed, message: 'Not Acceptable: GET opens an SSE stream; Accept must include text/event-stream' });
    }
    const session = this.sessionOf(req, reply);
    if (!session) return;
    if (session.standalone) {
      return void rpcError(reply, 409, { code: RpcCode.ConnectionClosed, message: 'Conflict: this session already has an open GET stream' });
    }
    reply.hijack();
    const res = reply.raw;
    startSse(res, { 'mcp-session-id': session.id! });
    this.keepalive.add(res);
    const channel = { canSend: true, send: (m: never) => void writeSseMessage(res, m) };
    session.standalone = channel;
    res.on('close', () => {
      this.keepalive.delete(res);
      if (session.standalone === channel) session.standalone = undefined;
      session.lastSeen = Date.now();
    });
  }

  private delete(req: FastifyRequest, reply: FastifyReply): void {
    const session = this.sessionOf(req, reply);
    if (!session) return;
    this.endSession(session);
    reply.code(200).send();
  }
}

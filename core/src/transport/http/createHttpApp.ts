import { createServer } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { HostSignals } from '../../protocol/ports/ObservePorts.js';
import { RpcCode } from '../../protocol/ProtocolError.js';
import type { HttpAuth } from './HttpAuth.js';
import { createOriginGuard } from './originGuard.js';
import { installRequestLimit, type RequestLimiter } from './requestLimitHook.js';
import { rpcError } from './rpcError.js';

export interface HttpAppOptions {
  readonly host: string;
  readonly path: string;
  readonly allowedHosts: readonly string[];
  readonly allowedOrigins: readonly string[];
  /** A larger POST body is answered 413. */
  readonly bodyLimitBytes: number;
  /** A request body not fully received after this long is answered 408. */
  readonly bodyTimeoutMs: number;
  /** Per-principal request rate (429 + Retry-After past it). */
  readonly limiter?: RequestLimiter;
}

/**
 * The fastify instance of the MCP endpoint, with everything that runs before a route: the body
 * limits (size and arrival time), the DNS-rebinding guard, authentication, the per-principal
 * request rate, and the answers to what no route serves — each a JSON-RPC error body, and each
 * refusal reported to `signals` (counted by reason).
 */
export function createHttpApp(options: HttpAppOptions, auth: HttpAuth | undefined, logger: Logger, signals: HostSignals): FastifyInstance {
  // requestTimeout bounds how long a request body may take to arrive (slow-body clients hold a
  // socket and a parser each); Node checks it every connectionsCheckingInterval, so that is
  // tightened to keep the answer near the configured time.
  const serverFactory = (handler: Parameters<typeof createServer>[1]) =>
    createServer({ requestTimeout: options.bodyTimeoutMs, connectionsCheckingInterval: Math.min(1000, options.bodyTimeoutMs / 2) }, handler);
  const app = Fastify({ logger: false, bodyLimit: options.bodyLimitBytes, forceCloseConnections: true, return503OnClosing: true, serverFactory: serverFactory as never });
  const guard = createOriginGuard({ allowedHosts: options.allowedHosts, allowedOrigins: options.allowedOrigins, boundHost: options.host });

  // Bodies are parsed by the engine's path, so a parse error becomes a JSON-RPC -32700, not an HTML 400.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  // Callback style, not async: every request passes here, and an async hook costs a promise each.
  app.addHook('onRequest', (req, reply, done) => {
    const refused = guard(req.headers.host, req.headers.origin);
    if (refused) return void (signals.refused('origin'), rpcError(reply, 403, { code: RpcCode.OriginRefused, message: `Forbidden: ${refused} (DNS rebinding protection; see server.allowedHosts / server.allowedOrigins)` }));
    done();
  });
  auth?.install(app, options.path);
  if (options.limiter?.limitsRequests) installRequestLimit(app, options.path, options.limiter, signals);

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) logger.error({ err }, 'HTTP request failed');
    // Too large or too slow a body is over a limit; anything else under 500 is a malformed request.
    else signals.refused(status === 413 || status === 408 ? 'limits' : 'bad-request', _req.principal?.id);
    const message =
      err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? `Request body larger than ${options.bodyLimitBytes} bytes (server.bodyLimitBytes)`
      : err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'Unsupported Media Type: Content-Type must be application/json'
      // Never echo an internal error's text (it may carry data of a call) to whoever sent the request.
      : status >= 500 ? 'Internal error (logged by the host)'
      : err.message;
    return rpcError(reply, status, { code: status === 413 || status === 415 ? RpcCode.InvalidRequest : RpcCode.InternalError, message });
  });
  app.setNotFoundHandler((req, reply) => (signals.refused('bad-request'), rpcError(reply, 404, { code: RpcCode.InvalidRequest, message: `Not found: ${req.url} (the MCP endpoint is ${options.path})` })));
  for (const method of ['PUT', 'PATCH', 'OPTIONS'] as const) {
    app.route({ method, url: options.path, handler: (_req, reply) => (signals.refused('bad-request'), rpcError(reply.header('allow', 'GET, POST, DELETE'), 405, { code: RpcCode.MethodNotAllowed, message: `Method Not Allowed: ${method}` })) });
  }
  return app;
}

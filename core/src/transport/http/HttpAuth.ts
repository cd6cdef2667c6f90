import type { Principal } from '@mcp-host/sdk';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { PRM_PATH, type BearerAuth, type BindBearerAuth } from '../../protocol/ports/BearerAuth.js';
import type { HostSignals } from '../../protocol/ports/ObservePorts.js';
import { RpcCode } from '../../protocol/ProtocolError.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who sent this MCP request (set by the auth hook; absent when auth is off: the anonymous principal). */
    principal?: Principal | null;
  }
}

const STATUS_TEXT = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 503: 'Service Unavailable' } as const;

function refuse(reply: FastifyReply, status: keyof typeof STATUS_TEXT, message: string, data?: Record<string, unknown>) {
  const code = status === 503 ? RpcCode.Unavailable : status === 403 ? RpcCode.Forbidden : RpcCode.Unauthorized;
  const body = { jsonrpc: '2.0', id: null, error: { code, message: `${STATUS_TEXT[status]}: ${message}`, ...(data ? { data } : {}) } };
  return reply.code(status).type('application/json').send(JSON.stringify(body));
}

/**
 * HTTP authentication: every request to the MCP endpoint carries a bearer token (MCP spec: verify
 * every inbound request; a session id is never a credential), checked before the body is read.
 * Also serves the RFC 9728 metadata document at the root and path-inserted well-known URIs.
 */
export class HttpAuth {
  private bound: BearerAuth | undefined;

  constructor(
    private readonly bindTo: BindBearerAuth,
    private readonly logger: Logger,
    private readonly signals: HostSignals,
  ) {}

  /** Fixes the resource URI (the configured one, else the URL the server listens on) and loads the keys. */
  async bind(url: string): Promise<void> {
    this.bound = await this.bindTo(url);
    this.logger.info({ resource: this.bound.resource, metadata: this.bound.metadataUrl }, 'auth: bearer tokens required');
  }

  get protectedResource(): BearerAuth | undefined {
    return this.bound;
  }

  install(app: FastifyInstance, mcpPath: string): void {
    // Declared up front (null) so every request object has the same shape; set by the hook below.
    app.decorateRequest('principal', null);
    // Root and path-inserted forms (clients try the path-inserted one first); only the paths of this resource answer.
    const metadata = (req: FastifyRequest, reply: FastifyReply) => {
      const r = this.bound;
      const path = req.url.split('?')[0];
      if (!r || (path !== PRM_PATH && path !== r.metadataPath && path !== `${PRM_PATH}${mcpPath}`)) return refuseNotFound(reply, req.url);
      return reply.header('cache-control', 'max-age=3600').type('application/json').send(r.document);
    };
    app.get(PRM_PATH, metadata);
    app.get(`${PRM_PATH}/*`, metadata);

    app.addHook('onRequest', async (req, reply) => {
      if (req.routeOptions.url !== mcpPath || reply.sent) return;
      const r = this.bound;
      if (!r) return this.signals.refused('unavailable'), refuse(reply.header('retry-after', '1'), 503, 'the server is starting');
      const outcome = await r.authenticate(req.headers.authorization);
      if (outcome.principal) {
        req.principal = outcome.principal;
        return;
      }
      const { status, error, description, cause } = outcome.failure;
      // Keys that cannot be fetched are the host's trouble, not the caller's.
      this.signals.refused(status === 503 ? 'unavailable' : 'auth');
      if (status === 503) {
        this.logger.error({ err: cause }, 'auth: cannot verify tokens (key set unavailable)');
        return refuse(reply.header('retry-after', '5'), 503, description);
      }
      this.logger.debug({ status, error, description, ip: req.ip }, 'auth: request refused');
      return refuse(reply.header('www-authenticate', r.challenge(error, error ? description : undefined)), status, description, error ? { error, error_description: description } : undefined);
    });
  }
}

function refuseNotFound(reply: FastifyReply, url: string) {
  return reply.code(404).type('application/json').send(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: RpcCode.InvalidRequest, message: `Not found: ${url}` } }));
}

import type { AdminConfig } from '@mcp-host/config';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

/** Why the host is or is not ready: each check with its verdict and, when failing, the reason. */
export interface Readiness {
  readonly ready: boolean;
  readonly checks: Record<string, { readonly ok: boolean; readonly detail?: string }>;
}

export interface AdminServerOptions {
  readonly config: AdminConfig;
  readonly logger: Logger;
  /** Served at /metrics in Prometheus text; absent when metrics are off (then /metrics is 404). */
  readonly registry: Registry | undefined;
  readonly readiness: () => Readiness;
}

/**
 * The admin listener: a fastify app on its own address and port (loopback by default), apart from
 * the MCP endpoint so that health checks, scrapes and operators never compete with clients, and
 * nothing of it is reachable where clients are. Serves /livez, /readyz and /metrics; the admin API
 * and UI are registered on `app` by the kernel.
 */
export class AdminServer {
  readonly app: FastifyInstance;

  constructor(private readonly options: AdminServerOptions) {
    const app = (this.app = Fastify({ logger: false, forceCloseConnections: true }));
    // Alive: the event loop answers. Nothing else is checked, so a slow plugin never gets the host restarted.
    app.get('/livez', (_req, reply) => void reply.code(200).send({ status: 'ok' }));
    app.get('/readyz', (_req, reply) => {
      const r = options.readiness();
      void reply.code(r.ready ? 200 : 503).send({ status: r.ready ? 'ready' : 'not ready', checks: r.checks });
    });
    const { registry } = options;
    if (registry) {
      app.get('/metrics', async (_req, reply) => {
        const text = await registry.metrics();
        return reply.code(200).header('content-type', registry.contentType).send(text);
      });
    }
  }

  /** Starts listening; resolves with the listener's base URL. */
  async listen(): Promise<string> {
    const { host, port } = this.options.config;
    await this.app.listen({ host, port });
    const address = this.app.server.address();
    const actual = typeof address === 'object' && address ? address.port : port;
    return `http://${host.includes(':') ? `[${host}]` : host}:${actual}`;
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}

import type { AdminConfig, AuthConfig } from '@mcp-host/config';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { PrincipalQuotas } from '../auth/PrincipalQuotas.js';
import type { ControlShare, PluginControl } from '../plugins/PluginControl.js';
import type { PluginSupervisor } from '../plugins/PluginSupervisor.js';
import type { Notifier } from '../protocol/Notifier.js';
import type { EventFeed } from '../telemetry/EventFeed.js';
import { AdminAuth } from './AdminAuth.js';
import { CallStats } from './CallStats.js';
import { EventStream } from './EventStream.js';
import { registerAdminApi } from './registerAdminApi.js';
import { serveAdminUi } from './serveAdminUi.js';

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
  /** What the admin API reads and steers; without it only /livez, /readyz and /metrics are served. */
  readonly api?: AdminApiDeps;
}

/** The host services behind the admin API and UI, resolved on use (the listener starts before plugins load). */
export interface AdminApiDeps {
  /** The host's `auth`: its `jwt` verifies admin JWTs carrying `admin.scope`. */
  readonly auth: AuthConfig | undefined;
  /** The MCP endpoint's URL once it listens (the default JWT audience). */
  readonly mcpUrl: () => string | undefined;
  readonly plugins: () => PluginSupervisor;
  /** The operator's actions (one per host: they run one at a time, with the cluster's too). */
  readonly control: () => PluginControl;
  /** In a cluster: the other replicas, who apply every action too (the control's share). */
  readonly share?: ControlShare;
  readonly notifier: () => Notifier;
  readonly quotas: PrincipalQuotas;
  readonly feed: EventFeed;
}

/**
 * The admin listener: a fastify app on its own address and port (loopback by default), apart from
 * the MCP endpoint so that health checks, scrapes and operators never compete with clients, and
 * nothing of it is reachable where clients are. Serves /livez, /readyz and /metrics; the admin API
 * and UI are registered on `app` by the kernel.
 */
export class AdminServer {
  readonly app: FastifyInstance;
  private readonly events: EventStream | undefined;

  constructor(private readonly options: AdminServerOptions) {
    // Admin requests are small JSON: a tight body limit for the whole listener (actions tighten it further).
    const app = (this.app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 16 * 1024 }));
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
    const { api } = options;
    if (api) {
      const events = (this.events = new EventStream(api.feed));
      registerAdminApi(app, {
        auth: new AdminAuth({ admin: options.config, auth: api.auth, resource: api.mcpUrl }),
        supervisor: api.plugins,
        control: api.control,
        share: api.share,
        notifier: api.notifier,
        quotas: api.quotas,
        stats: new CallStats(registry),
        feed: api.feed,
        events,
        logger: options.logger,
      });
      serveAdminUi(app);
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
    // Event streams never end by themselves: end them so the listener can close.
    this.events?.closeAll();
    await this.app.close();
  }
}

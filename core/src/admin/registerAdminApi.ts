import type { Principal } from '@mcp-host/sdk';
import semver from 'semver';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { PrincipalQuotas } from '../auth/PrincipalQuotas.js';
import { ControlRefusal, type ControlOutcome, type ControlShare, type PluginControl } from '../plugins/PluginControl.js';
import type { PluginSupervisor } from '../plugins/PluginSupervisor.js';
import type { Notifier } from '../protocol/Notifier.js';
import type { EventFeed } from '../telemetry/EventFeed.js';
import type { AdminAuth } from './AdminAuth.js';
import { AdminAudit } from './AdminAudit.js';
import type { CallStats } from './CallStats.js';
import { catalogItems } from './catalogItems.js';
import type { EventStream } from './EventStream.js';
import { pluginInventory } from './pluginInventory.js';
import { sessionUsage } from './sessionUsage.js';

export interface AdminApiOptions {
  readonly auth: AdminAuth;
  /** Resolved on use: the admin listener answers while plugins are still loading. */
  readonly supervisor: () => PluginSupervisor;
  readonly control: () => PluginControl;
  /** In a cluster: the other replicas, who apply every action too (the control's share). */
  readonly share?: ControlShare;
  /** The engine's notifier: the sessions and listen streams of this host. */
  readonly notifier: () => Notifier;
  readonly quotas: PrincipalQuotas;
  readonly stats: CallStats;
  readonly feed: EventFeed;
  readonly events: EventStream;
  readonly logger: Logger;
}

/** Plugin ids as manifests allow them: anything else (a path, `..`, a long string) is no plugin. */
const PLUGIN_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** Action bodies are tiny (`{ "version": "1.2.3" }`); anything larger is refused 413 before it is parsed. */
const ACTION_BODY_LIMIT = 1024;
const NOTE = 'runtime overlay: enable/disable, pins and rollbacks last until changed or the host restarts; the config file is not modified';
const CLUSTER_NOTE = 'runtime overlay, shared by the replicas: every action applies on each replica, and enable/disable, pins and rollbacks are kept in Redis (a replica started later applies them) until changed or Redis loses them; the config file is not modified';

type IdRequest = FastifyRequest<{ Params: { id: string }; Body: { version?: string } | undefined }>;

/**
 * The admin API under /admin/api: read routes (plugins, catalog, reloads, sessions, stats, the
 * event stream) and actions on one plugin (reload, enable, disable, pin, unpin, rollback). Every
 * route authenticates first (AdminAuth); every action is audited and published on the feed.
 */
export function registerAdminApi(app: FastifyInstance, options: AdminApiOptions): void {
  const { auth, feed, share } = options;
  const note = share ? CLUSTER_NOTE : NOTE;
  const audit = new AdminAudit(options.logger);
  const principals = new WeakMap<FastifyRequest, Principal>();

  // Registered, not awaited: fastify loads it with the app, before the listener starts.
  void app.register(
    async (api) => {
      api.addHook('onRequest', async (request, reply) => {
        // Admin answers describe the host as it is now: never cached, never sniffed.
        void reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff');
        const verdict = await auth.check(request.headers.authorization);
        if (verdict.ok) {
          principals.set(request, verdict.principal);
          return;
        }
        if (verdict.challenge) void reply.header('www-authenticate', verdict.challenge);
        return reply.code(verdict.status).send({ error: verdict.error });
      });
      const ready = (reply: FastifyReply): PluginSupervisor | undefined => {
        const s = options.supervisor();
        if (s.loaded) return s;
        void reply.code(503).header('retry-after', '1').send({ error: 'plugins are still loading' });
        return undefined;
      };

      api.get('/plugins', async (_req, reply) => {
        const s = ready(reply);
        if (!s) return reply;
        return { revision: s.catalog.revision, note, ...(await pluginInventory(s)) };
      });
      api.get('/catalog', async (_req, reply) => {
        const s = ready(reply);
        return s ? catalogItems(s.catalog) : reply;
      });
      api.get('/reloads', async (_req, reply) => {
        const s = ready(reply);
        if (!s) return reply;
        // Newest first; problems without their causes (stack traces and objects stay in the log).
        return { reloads: [...s.history].reverse().map((r) => ({ ...r, problems: r.problems.map((p) => ({ code: p.code, path: p.path, message: p.message, fix: p.fix })) })) };
      });
      api.get('/sessions', async () => sessionUsage(options.notifier(), options.quotas));
      api.get('/stats', async () => options.stats.read());
      api.get('/events', (request, reply) => options.events.serve(request, reply));

      const act = (action: string, run: (id: string, request: IdRequest, by: string) => Promise<ControlOutcome>) => async (request: IdRequest, reply: FastifyReply) => {
        const principal = principals.get(request)!;
        const { id } = request.params;
        const s = ready(reply);
        if (!s) return reply;
        if (!PLUGIN_ID.test(id) || !(await known(options.control(), id))) {
          audit.write(principal, action, id, 'unknown-plugin');
          return reply.code(404).send({ error: `no plugin ${JSON.stringify(id.slice(0, 80))} is served or found under plugins.paths` });
        }
        // A change of the overlay while the others cannot hear of it would leave the replicas serving differently.
        if (share && !share.up && action !== 'reload') {
          audit.write(principal, action, id, 'refused', 'Redis is down');
          return reply.code(503).header('retry-after', '1').send({ error: 'Redis is down: this action would change this replica only; retry once the replica is ready again (/readyz)' });
        }
        let out: ControlOutcome;
        try {
          out = await run(id, request, principal.id);
        } catch (e) {
          if (!(e instanceof ControlRefusal)) {
            audit.write(principal, action, id, 'error', String(e));
            throw e;
          }
          out = { ok: false, message: e.message };
        }
        const outcome = out.ok ? 'ok' : 'refused';
        audit.write(principal, action, id, outcome, out.message);
        feed.publish({ type: 'admin', action, plugin: id, principal: principal.id, outcome, message: out.message, ...(out.record ? { version: out.record.version, revision: out.record.revision } : {}) });
        const record = out.record && { outcome: out.record.outcome, version: out.record.version, revision: out.record.revision, durationMs: out.record.durationMs, changed: out.record.changed, items: out.record.items };
        return reply.code(out.ok ? 200 : 409).send({ ok: out.ok, action, plugin: id, message: out.message, ...(record ? { reload: record } : {}), note });
      };
      const post = { bodyLimit: ACTION_BODY_LIMIT };
      api.post('/plugins/:id/reload', post, act('reload', (id, _request, by) => options.control().reload(id, by)));
      api.post('/plugins/:id/enable', post, act('enable', (id, _request, by) => options.control().enable(id, by)));
      api.post('/plugins/:id/disable', post, act('disable', (id, _request, by) => options.control().disable(id, by)));
      api.post('/plugins/:id/rollback', post, act('rollback', (id, _request, by) => options.control().rollback(id, by)));
      api.delete('/plugins/:id/pin', post, act('unpin', (id, _request, by) => options.control().unpin(id, by)));
      // Checked by hand rather than by a route schema: fastify's validator would strip unknown keys and coerce types, and an action should run only on exactly what was meant.
      api.post('/plugins/:id/pin', { ...post, preValidation: async (request, reply) => {
        const body = request.body as Record<string, unknown> | undefined;
        const ok = typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 1 && typeof body.version === 'string' && semver.valid(body.version) === body.version;
        if (!ok) return reply.code(400).send({ error: 'the body must be {"version": "<a version found under plugins.paths, e.g. 1.2.3>"}' });
      } }, act('pin', (id, request, by) => options.control().pin(id, request.body!.version!, by)));
    },
    { prefix: '/admin/api' },
  );
}

/** Whether `id` is a plugin this host serves or could serve (a folder under plugins.paths holds it). */
async function known(control: PluginControl, id: string): Promise<boolean> {
  return control.serving(id) !== undefined || (await control.versionsOf(id)).length > 0;
}

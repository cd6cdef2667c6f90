import type { HostState } from '../admin/HostState.js';
import type { Readiness } from '../admin/AdminServer.js';
import type { PluginSupervisor } from '../plugins/PluginSupervisor.js';
import type { RedisLink } from '../cluster/RedisLink.js';

/**
 * Ready = the first load of the plugins is done and the host is serving, not draining. Plugins that
 * failed to load do not make the host unready (it serves the rest, as it logs); they are listed.
 * A replica (`cluster`) is ready only while its Redis is up: a load balancer then sends new
 * sessions to replicas that can share them (it keeps serving what needs no shared state meanwhile).
 */
export function readinessOf(state: HostState, plugins: PluginSupervisor, redis?: RedisLink): Readiness {
  const loaded = state.phase !== 'starting';
  const problems = loaded ? plugins.problems.length : 0;
  const checks: Readiness['checks'] = {
    plugins: loaded ? { ok: true, detail: `${plugins.catalog.generations.length} loaded${problems ? `, ${problems} refused (see the admin API or the log)` : ''}` } : { ok: false, detail: 'plugins are loading' },
    serving: state.phase === 'serving' ? { ok: true } : { ok: false, detail: state.phase === 'starting' ? 'the transport is not listening yet' : `the host is ${state.phase}` },
  };
  if (redis) checks.redis = redis.up ? { ok: true, detail: `replica ${redis.replicaId}` } : { ok: false, detail: `Redis is down (replica ${redis.replicaId}); reconnecting` };
  return { ready: Object.values(checks).every((c) => c.ok), checks };
}

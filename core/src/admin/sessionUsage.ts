import type { PrincipalQuotas } from '../auth/PrincipalQuotas.js';
import type { Notifier } from '../protocol/Notifier.js';
import type { QuotaKind } from '../protocol/ports/SecurityPorts.js';

/** One principal's share of this host: its sessions and streams, and its quotas where they are counted. */
export interface PrincipalUsage {
  readonly principal: string;
  readonly sessions: number;
  readonly getStreams: number;
  readonly listenStreams: number;
  /** Requests of its legacy sessions being served now. */
  readonly sessionRequestsInFlight: number;
  /** Its requests in flight of both eras, as `server.quotas` counts them (0 when no quota is set). */
  readonly quotaInFlight: number;
}

/**
 * The connections this host holds now, from the Notifier the engine delivers notifications
 * through (the one registry of legacy sessions and modern listen streams): totals, usage per
 * principal, and each legacy session without its id (an id is a handle on someone's session; the
 * admin view needs who and what, not the key).
 */
export function sessionUsage(notifier: Notifier, quotas: PrincipalQuotas) {
  const usage = new Map<string, { sessions: number; getStreams: number; listenStreams: number; sessionRequestsInFlight: number }>();
  const of = (id: string) => {
    let u = usage.get(id);
    if (!u) usage.set(id, (u = { sessions: 0, getStreams: 0, listenStreams: 0, sessionRequestsInFlight: 0 }));
    return u;
  };
  const now = Date.now();
  const sessions = [];
  for (const s of notifier.sessions) {
    if (s.closed) continue;
    const u = of(s.principal.id);
    u.sessions++;
    if (s.standalone) u.getStreams++;
    u.sessionRequestsInFlight += s.inFlight.size;
    sessions.push({
      principal: s.principal.id,
      client: s.clientInfo ? `${s.clientInfo.name}@${s.clientInfo.version}` : undefined,
      protocolVersion: s.protocolVersion || undefined,
      initialized: s.initialized,
      getStream: s.standalone !== undefined,
      subscriptions: s.subscriptions.size,
      requestsInFlight: s.inFlight.size,
      idleMs: now - s.lastSeen,
    });
  }
  const listeners = [];
  for (const l of notifier.listeners) {
    of(l.principal.id).listenStreams++;
    const f = l.filter;
    listeners.push({ principal: l.principal.id, filter: { tools: f.toolsListChanged === true, prompts: f.promptsListChanged === true, resources: f.resourcesListChanged === true, resourceSubscriptions: f.resourceSubscriptions?.length ?? 0 } });
  }
  const kinds: QuotaKind[] = ['sessions', 'getStreams', 'listenStreams', 'inFlight'];
  const principals: PrincipalUsage[] = [...usage.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([principal, u]) => ({ principal, ...u, quotaInFlight: quotas.holding('inFlight', principal) }));
  return {
    totals: { sessions: sessions.length, getStreams: sessions.filter((s) => s.getStream).length, listenStreams: listeners.length },
    // Infinity is not JSON: an unset quota is null.
    quotas: Object.fromEntries(kinds.map((k) => [k, Number.isFinite(quotas.limit(k)) ? quotas.limit(k) : null])),
    principals,
    sessions,
    listeners,
  };
}

import type { Principal } from '@mcp-host/sdk';
import type { ListChange } from '../catalog/diffCatalogs.js';
import { ChurnSet } from '../collections/ChurnSet.js';
import type { Channel } from './Channel.js';
import type { JsonRpcNotification, RequestId } from './jsonrpc.js';
import { MetaKey } from './modern/modernMeta.js';
import type { ClusterBusPort } from './ports/ClusterPorts.js';
import type { HostSignals } from './ports/ObservePorts.js';
import type { Session } from './Session.js';
import { inAudience, legacySessionKey } from './contextKeys.js';
import type { ContextAudience } from './ports/ContextPorts.js';

export type { ListChange };



/** What a modern `subscriptions/listen` stream asked for. */
export interface ListenFilter {
  readonly toolsListChanged?: boolean;
  readonly promptsListChanged?: boolean;
  readonly resourcesListChanged?: boolean;
  readonly resourceSubscriptions?: readonly string[];
}

export interface Listener {
  readonly subscriptionId: RequestId;
  readonly filter: ListenFilter;
  readonly channel: Channel;
  /** Who opened the stream: it hears only of lists that changed as this principal sees them. */
  readonly principal: Principal;
  /** The session scope of shared context the stream named (`_meta["mcp-host/contextId"]`), if any. */
  readonly contextKey?: string;
}

const FLAG: Record<ListChange, keyof ListenFilter> = { tools: 'toolsListChanged', prompts: 'promptsListChanged', resources: 'resourcesListChanged' };

/** The bus topic of plugins' announcements between replicas. */
const TOPIC = 'notify';
/** A URI from another replica longer than this is no URI a client subscribed to: ignored. */
const MAX_URI = 8192;

/**
 * Delivers change notifications to every connected client of either era: legacy sessions on their
 * standalone channel (GET stream, stdio), modern listeners on their listen stream, each only for
 * what it asked for.
 *
 * In a cluster (`cluster` given), what a plugin announces (`resourceUpdated`, `announceListChanged`)
 * is also published to the other replicas, each of which delivers it to its own clients — a
 * client's stream lives on one replica, so each client hears it once. Catalog swaps
 * (`listChanged`) stay local: every replica swaps its own catalog and tells its own clients.
 * Permissions are applied by the replica that delivers, with its catalog.
 */
export class Notifier {
  readonly sessions = new ChurnSet<Session>();
  readonly listeners = new ChurnSet<Listener>();
  /** Who may read a shared-context namespace (set by the kernel with the context service); none: nobody hears of namespaces. */
  mayReadNamespace: (principal: Principal, namespace: string) => boolean = () => false;

  constructor(
    /** With permissions: whether a principal may read a URI, so updates go only to those who may. */
    private readonly canRead?: (principal: Principal, uri: string) => boolean,
    /** Told how many clients each list_changed went to (the metrics count them). */
    private readonly signals?: Pick<HostSignals, 'listChangedSent'>,
    /** The other replicas, in a cluster. */
    private readonly cluster?: ClusterBusPort,
  ) {
    cluster?.subscribe(TOPIC, (m) => this.heard(m));
  }

  /** A plugin said one of its lists changed (sdk NOTIFICATIONS): every client of the cluster hears it. */
  announceListChanged(kind: ListChange): void {
    this.listChanged([kind]);
    this.cluster?.publish(TOPIC, { listChanged: kind });
  }

  /** A plugin said a resource changed (sdk NOTIFICATIONS): its subscribers on every replica hear it. */
  resourceUpdated(uri: string): void {
    this.updated(uri);
    this.cluster?.publish(TOPIC, { resourceUpdated: uri });
  }

  /**
   * A shared-context value changed: its subscribers among `audience` hear it on every replica —
   * only clients of that principal (and session), or only readers of that namespace, since the same
   * `context://session/x` names another value for every session.
   */
  contextUpdated(uris: readonly string[], audience: ContextAudience): void {
    this.updatedFor(uris, audience);
    this.cluster?.publish(TOPIC, { contextUpdated: uris, audience });
  }

  /** Another replica's announcement, delivered here only; anything else on the topic is ignored. */
  private heard(m: Record<string, unknown>): void {
    const { listChanged: kind, resourceUpdated: uri, contextUpdated: uris, audience } = m;
    if (typeof kind === 'string' && Object.hasOwn(FLAG, kind)) this.listChanged([kind as ListChange]);
    else if (typeof uri === 'string' && uri.length <= MAX_URI) this.updated(uri);
    else if (Array.isArray(uris) && uris.length <= 2 && uris.every((u) => typeof u === 'string' && u.length <= MAX_URI) && isAudience(audience)) this.updatedFor(uris, audience);
  }

  private updatedFor(uris: readonly string[], audience: ContextAudience): void {
    const may = this.mayReadNamespace;
    for (const s of this.sessions) {
      if (!s.standalone || s.closed || !uris.some((u) => s.subscriptions.has(u)) || !inAudience(audience, s.principal, legacySessionKey(s.id), may)) continue;
      for (const uri of uris) if (s.subscriptions.has(uri)) s.standalone.send({ jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri } });
    }
    for (const l of this.listeners) {
      const subs = l.filter.resourceSubscriptions;
      if (!subs || !uris.some((u) => subs.includes(u)) || !inAudience(audience, l.principal, l.contextKey, may)) continue;
      for (const uri of uris) if (subs.includes(uri)) l.channel.send(tagged('notifications/resources/updated', { uri }, l.subscriptionId));
    }
  }

  /**
   * Sends `notifications/<kind>/list_changed` once per kind to every client of this process that should hear it.
   * With `visibleTo`, a client hears only of the kinds that changed in what its principal can see.
   */
  listChanged(kinds: Iterable<ListChange>, visibleTo?: (principal: Principal) => ReadonlySet<ListChange>): void {
    for (const kind of kinds) {
      const method = `notifications/${kind}/list_changed`;
      const legacy = { jsonrpc: '2.0' as const, method };
      let sent = 0;
      for (const s of this.sessions) if (s.initialized && !s.closed && s.standalone && (!visibleTo || visibleTo(s.principal).has(kind))) s.standalone.send(legacy), sent++;
      for (const l of this.listeners) if (l.filter[FLAG[kind]] === true && (!visibleTo || visibleTo(l.principal).has(kind))) l.channel.send(tagged(method, {}, l.subscriptionId)), sent++;
      this.signals?.listChangedSent(kind, sent);
    }
  }

  /** Sends `notifications/resources/updated` to this process's subscribers of `uri`. */
  private updated(uri: string): void {
    const params = { uri };
    const may = this.canRead;
    for (const s of this.sessions) if (s.subscriptions.has(uri) && !s.closed && (!may || may(s.principal, uri))) s.standalone?.send({ jsonrpc: '2.0', method: 'notifications/resources/updated', params });
    for (const l of this.listeners) if (l.filter.resourceSubscriptions?.includes(uri) && (!may || may(l.principal, uri))) l.channel.send(tagged('notifications/resources/updated', params, l.subscriptionId));
  }
}

function isAudience(a: unknown): a is ContextAudience {
  if (typeof a !== 'object' || a === null) return false;
  const { principal, session, namespace } = a as Record<string, unknown>;
  if (typeof namespace === 'string') return principal === undefined && session === undefined;
  return typeof principal === 'string' && (session === undefined || typeof session === 'string');
}

/** A notification on a listen stream carries the stream's subscription id in `_meta`. */
export function tagged(method: string, params: Record<string, unknown>, subscriptionId: RequestId): JsonRpcNotification {
  return { jsonrpc: '2.0', method, params: { ...params, _meta: { [MetaKey.subscriptionId]: subscriptionId } } };
}

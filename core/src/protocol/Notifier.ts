import type { Principal } from '@mcp-host/sdk';
import type { ListChange } from '../catalog/diffCatalogs.js';
import { ChurnSet } from '../collections/ChurnSet.js';
import type { Channel } from './Channel.js';
import type { JsonRpcNotification, RequestId } from './jsonrpc.js';
import { MetaKey } from './modern/modernMeta.js';
import type { HostSignals } from './ports/ObservePorts.js';
import type { Session } from './Session.js';

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
}

const FLAG: Record<ListChange, keyof ListenFilter> = { tools: 'toolsListChanged', prompts: 'promptsListChanged', resources: 'resourcesListChanged' };

/**
 * Delivers change notifications to every connected client of either era: legacy sessions on their
 * standalone channel (GET stream, stdio), modern listeners on their listen stream, each only for
 * what it asked for.
 */
export class Notifier {
  readonly sessions = new ChurnSet<Session>();
  readonly listeners = new ChurnSet<Listener>();

  constructor(
    /** With permissions: whether a principal may read a URI, so updates go only to those who may. */
    private readonly canRead?: (principal: Principal, uri: string) => boolean,
    /** Told how many clients each list_changed went to (the metrics count them). */
    private readonly signals?: Pick<HostSignals, 'listChangedSent'>,
  ) {}

  /**
   * Sends `notifications/<kind>/list_changed` once per kind to every client that should hear it.
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

  /** Sends `notifications/resources/updated` to subscribers of `uri`. */
  resourceUpdated(uri: string): void {
    const params = { uri };
    const may = this.canRead;
    for (const s of this.sessions) if (s.subscriptions.has(uri) && !s.closed && (!may || may(s.principal, uri))) s.standalone?.send({ jsonrpc: '2.0', method: 'notifications/resources/updated', params });
    for (const l of this.listeners) if (l.filter.resourceSubscriptions?.includes(uri) && (!may || may(l.principal, uri))) l.channel.send(tagged('notifications/resources/updated', params, l.subscriptionId));
  }
}

/** A notification on a listen stream carries the stream's subscription id in `_meta`. */
export function tagged(method: string, params: Record<string, unknown>, subscriptionId: RequestId): JsonRpcNotification {
  return { jsonrpc: '2.0', method, params: { ...params, _meta: { [MetaKey.subscriptionId]: subscriptionId } } };
}

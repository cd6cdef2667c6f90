import type { Implementation } from '@mcp-host/sdk';
import type { Logger } from 'pino';
import type { TaskStore } from '../../tasks/TaskStore.js';
import type { ReplicaForwarder } from '../ports/ClusterPorts.js';
import type { Catalog } from '../../catalog/Catalog.js';
import type { CallScope } from '../CallScope.js';
import type { JsonLimits } from '../../calls/jsonLimits.js';
import type { ListPages } from '../ListPages.js';
import type { Notifier } from '../Notifier.js';
import type { CallPolicyPort, QuotaPort } from '../ports/SecurityPorts.js';
import type { ContextPort } from '../ports/ContextPorts.js';

/** Cache hints of the modern era for results that have none of their own. */
export interface CacheDefaults {
  readonly listTtlMs: number;
  readonly readTtlMs: number;
  readonly discoverTtlMs: number;
  readonly cacheScope: 'public' | 'private';
}

/** What method handlers may use of the host. */
export interface EngineDeps {
  catalog(): Catalog;
  readonly notifier: Notifier;
  readonly logger: Logger;
  readonly serverInfo: Implementation;
  readonly instructions?: string;
  /** How long a server→client request (elicitation, sampling, roots) may wait for the client. */
  readonly clientRequestTimeoutMs: number;
  readonly cache: CacheDefaults;
  /** What plugin results, log data and questions may hold (`server.limits` but for string length: pluginDataLimits). */
  readonly limits: JsonLimits;
  /** Upper bound of concurrently open `subscriptions/listen` streams. */
  readonly maxListenStreams: number;
  /** Resource subscriptions per legacy session or listen stream (default 1000). */
  readonly maxSubscriptions?: number;
  /** The list results of each catalog snapshot, serialized once. */
  readonly lists: ListPages;
  /** Permissions, limits, masking and audit of calls. */
  readonly policy: CallPolicyPort;
  /** Every task of the host (the tasks extension), by owner. */
  readonly tasks: TaskStore;
  /** With replicas: serves a request on the replica holding what it names (a task). */
  readonly forwarder?: ReplicaForwarder;
  /** Each principal's share of listen streams (absent: only the global cap). */
  readonly quotas?: QuotaPort;
  /** Shared context: `ctx.context` of every handler, and the end of a legacy session's scope. */
  readonly context?: ContextPort & { sessionEnded?(principal: string, sessionId: string | undefined): void };
}

/** Serves one request method; returns the result (or a RawJson) or throws a ProtocolError. */
export type MethodHandler = (call: CallScope) => unknown | Promise<unknown>;
export type MethodTable = Record<string, MethodHandler>;

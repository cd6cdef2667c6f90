import type { ClientCapabilities, Implementation, LoggingLevel, Principal } from '@mcp-host/sdk';
import type { JsonRpcRequest, JsonRpcResponse } from '../jsonrpc.js';

/**
 * How the engine and transports see the other replicas of a cluster: interfaces they own, which
 * `cluster/` implements on Redis and the kernel hands in. In one process there are none.
 */

/** Handles one message from another replica (`from` names it). */
export type BusHandler = (message: Record<string, unknown>, from: string) => void;

/** Messages between replicas: at most once, to those connected now, never back to the sender. */
export interface ClusterBusPort {
  readonly replicaId: string;
  publish(topic: string, message: Record<string, unknown>): void;
  /** Hears `topic` from the other replicas; returns the unsubscribe. */
  subscribe(topic: string, handler: BusHandler): () => void;
}

/** What a legacy session is, as every replica must know it to serve the session's requests. */
export interface SessionRecord {
  readonly principal: Principal;
  readonly protocolVersion: string;
  readonly clientInfo?: Implementation;
  readonly capabilities: ClientCapabilities;
  readonly logLevel?: LoggingLevel;
  readonly subscriptions: readonly string[];
}

/**
 * What a session's local copy tells the other replicas (set on the Session by the transport when
 * clustered): its state changed, a cancellation or an answer for a request another replica serves.
 */
export interface SessionRemote {
  /** Appended to the ids of this replica's requests to the client, so the answer finds its way back (`id@replica`). */
  readonly replicaId: string;
  /** The session's state (log level, subscriptions) changed here: store it and tell the copies. */
  changed(session: string, record: SessionRecord): void;
  /** `notifications/cancelled` for a request not in flight here: it may be on another replica. */
  cancel(session: string, requestId: string | number, reason: string): void;
  /** A client's answer to a request this replica did not send; false when no replica could have sent it. */
  answer(session: string, response: JsonRpcResponse): boolean;
}

/** What replicas tell each other about sessions (the shared session store's bus messages). */
export type SessionEvent =
  | { readonly type: 'changed'; readonly session: string; readonly record: SessionRecord }
  | { readonly type: 'ended'; readonly session: string }
  | { readonly type: 'cancel'; readonly session: string; readonly requestId: string | number; readonly reason: string }
  | { readonly type: 'answer'; readonly session: string; readonly response: JsonRpcResponse }
  | { readonly type: 'release'; readonly session: string };

/** Who holds a session's GET stream now. */
export type StreamHold = { readonly held: true } | { readonly held: false; readonly holder: string };

/**
 * Legacy sessions shared by the replicas (Redis): records with an idle expiry, the replica holding
 * each GET stream (a lease), and the messages about sessions between replicas.
 */
export interface SessionStorePort {
  readonly replicaId: string;
  /** Whether the store can be reached now. */
  readonly up: boolean;
  /** A session opened on any replica; undefined when unknown, ended or expired; rejects when the store is unreachable. */
  load(id: string): Promise<SessionRecord | undefined>;
  /** Stores a session's record (rejects when unreachable: the session cannot be shared). */
  save(id: string, record: SessionRecord): Promise<void>;
  /** Restarts the session's idle expiry (throttled by the store; errors ignored). */
  touch(id: string): void;
  /** This replica dropped its copy of the session (the record stays for the others). */
  forget(id: string): void;
  /** Ends the session for every replica. */
  remove(id: string): Promise<void>;
  /** To every other replica. */
  broadcast(event: SessionEvent): void;
  /** To one replica. */
  sendTo(replica: string, event: SessionEvent): void;
  /** Hears what other replicas send; returns the unsubscribe. */
  listen(handler: (event: SessionEvent) => void): () => void;
  /**
   * Takes the hold on the session's GET stream for this replica: when another replica holds it and
   * `takeOver` is false, says who (the stream is live there).
   */
  hold(id: string, takeOver: boolean): Promise<StreamHold>;
  /** Gives the hold back (the stream closed here). */
  release(id: string): void;
  /**
   * Calls `handler` each time the store comes back after being unreachable (a restarted Redis may
   * have lost everything): replicas then store again what their copies know.
   */
  onReconnect(handler: () => void): () => void;
  /** Stores a record again unless a newer one is there; takes the stream hold again if free. */
  restore(id: string, record: SessionRecord, holdsStream: boolean): void;
}

/** A request's era, as a forwarded request carries it. */
export type ForwardedEra = 'legacy' | 'modern';

/**
 * Serves a request on the replica that holds what it names — a task runs, and is kept, on the
 * replica that started it — when the request landed on another one.
 */
export interface ReplicaForwarder {
  readonly replicaId: string;
  /** The response of `replica` to `request` made by `principal`; an error response when it does not answer in time. */
  forward(replica: string, era: ForwardedEra, request: JsonRpcRequest, principal: Principal): Promise<JsonRpcResponse>;
}

/**
 * A hash every replica reads, with a revision bumped at each change: the operators' plugin overlay
 * (one text per plugin id), so a replica that starts later, or missed a message, serves with it.
 */
export interface SharedOverlayPort {
  /** Whether Redis answers now. */
  readonly up: boolean;
  /** Calls `listener` each time Redis comes back; returns the removal. */
  onUp(listener: () => void): () => void;
  read(): Promise<{ readonly entries: ReadonlyMap<string, string>; readonly rev: string | null }>;
  readOne(id: string): Promise<string | null>;
  /** Sets (or, with undefined, removes) one entry and bumps the revision, at once. */
  write(id: string, text: string | undefined): Promise<void>;
  /** The revision now (null: no hash at all). */
  rev(): Promise<string | null>;
  /** Only when the hash is missing altogether (Redis lost it): writes `entries` back, first writer per id; false when it was there. */
  restore(entries: ReadonlyMap<string, string>): Promise<boolean>;
}

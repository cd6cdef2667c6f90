import type { ClientCapabilities, ClientInfo, Implementation, LoggingLevel, Principal } from '@mcp-host/sdk';
import { ChurnMap } from '../collections/ChurnMap.js';
import type { CallLifetime } from '../calls/CallLifetime.js';
import type { Channel } from './Channel.js';
import type { JsonRpcResponse, RequestId } from './jsonrpc.js';
import { ProtocolError, RpcCode } from './ProtocolError.js';
import { ANONYMOUS } from '../identity/principals.js';
import type { SessionRecord, SessionRemote } from './ports/ClusterPorts.js';

const LEVELS: LoggingLevel[] = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];
export const levelRank = (l: LoggingLevel) => LEVELS.indexOf(l);
export const isLoggingLevel = (v: unknown): v is LoggingLevel => typeof v === 'string' && LEVELS.includes(v as LoggingLevel);

interface PendingRequest {
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}


/**
 * The state of one legacy-era connection (an HTTP session or the stdio peer): what initialize
 * negotiated, the log level, subscriptions, requests in flight both ways.
 */
export class Session {
  initialized = false;
  protocolVersion = '';
  clientInfo: Implementation | undefined;
  clientCapabilities: ClientCapabilities = {};
  logLevel: LoggingLevel | undefined;
  readonly subscriptions = new Set<string>();
  lastSeen = Date.now();
  closed = false;
  /** Requests from the client being served, for `notifications/cancelled`. */
  readonly inFlight = new ChurnMap<RequestId, CallLifetime>();
  /** The channel for messages not related to a request (HTTP GET stream, stdio). */
  standalone: Channel | undefined;
  private readonly pending = new ChurnMap<RequestId, PendingRequest>();
  private nextId = 0;
  /** With replicas: how this copy reaches the others (set by the transport). */
  remote: SessionRemote | undefined;

  constructor(
    /** The `Mcp-Session-Id` on HTTP; undefined on stdio. */
    readonly id: string | undefined,
    /**
     * Who opened the session. Only requests of the same principal id may use it; each such request
     * refreshes it (a renewed token may carry other scopes), and notifications follow what it may see.
     */
    public principal: Principal = ANONYMOUS,
  ) {}

  private view: ClientInfo | undefined;

  /** The client as handlers see it (fixed once initialize has run). */
  get client(): ClientInfo {
    const view = { protocolVersion: this.protocolVersion, info: this.clientInfo, capabilities: this.clientCapabilities, sessionId: this.id };
    // Cached only once initialize has filled it in; before that (the initialize call itself) it is built fresh.
    return this.initialized ? (this.view ??= view) : view;
  }

  /** What other replicas need to serve this session. */
  record(): SessionRecord {
    return { principal: this.principal, protocolVersion: this.protocolVersion, clientInfo: this.clientInfo, capabilities: this.clientCapabilities, logLevel: this.logLevel, subscriptions: [...this.subscriptions] };
  }

  /** Takes the state another replica stored (a copy made here to serve a request, or refreshed after a change there). */
  restore(record: SessionRecord): this {
    this.principal = record.principal;
    this.protocolVersion = record.protocolVersion;
    this.clientInfo = record.clientInfo;
    this.clientCapabilities = record.capabilities ?? {};
    this.logLevel = record.logLevel;
    this.subscriptions.clear();
    for (const uri of record.subscriptions) this.subscriptions.add(uri);
    this.initialized = true;
    this.view = undefined;
    return this;
  }

  /** The log level or subscriptions changed: replicas are told (nothing to do in one process). */
  changed(): void {
    if (this.remote && this.id) this.remote.changed(this.id, this.record());
  }

  /** A client's `notifications/cancelled`: aborts the request here, or tells the replica that may serve it. */
  cancel(requestId: RequestId, reason: string): void {
    const call = this.inFlight.get(requestId);
    if (call) call.abort(new Error(reason));
    else if (this.remote && this.id) this.remote.cancel(this.id, requestId, reason);
  }

  /** Whether a log at `level` passes the level the client set (everything passes until it sets one). */
  wantsLog(level: LoggingLevel): boolean {
    return this.logLevel === undefined || levelRank(level) >= levelRank(this.logLevel);
  }

  /**
   * Sends a request to the client and resolves with its result. Rejects on the client's error, on
   * timeout and on `signal` (then the client is told with `notifications/cancelled`).
   */
  request(method: string, params: Record<string, unknown>, channel: Channel, signal: AbortSignal, timeoutMs: number): Promise<unknown> {
    if (this.closed) return Promise.reject(new ProtocolError(RpcCode.ConnectionClosed, 'session closed'));
    if (!channel.canSend) return Promise.reject(new Error(`cannot send ${method}: the client's request did not accept a stream (Accept: text/event-stream)`));
    // With replicas the id names this one, so an answer POSTed to another replica is sent here.
    const id = this.remote ? `mcp-host-${++this.nextId}@${this.remote.replicaId}` : `mcp-host-${++this.nextId}`;
    return new Promise((resolve, reject) => {
      const cancel = (reason: string) => {
        if (!this.pending.delete(id)) return;
        clearTimeout(timer);
        channel.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason } });
        reject(new Error(`${method} ${reason}`));
      };
      const onAbort = () => cancel('cancelled: the originating request was cancelled');
      const timer = setTimeout(() => cancel(`timed out after ${timeoutMs} ms`), timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (r) => (signal.removeEventListener('abort', onAbort), resolve(r)),
        reject: (e) => (signal.removeEventListener('abort', onAbort), reject(e)),
        timer,
      });
      channel.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  /** Routes a response from the client to the request it answers (here or on the replica that sent it). Returns false for unknown ids. */
  settle(response: JsonRpcResponse, local = false): boolean {
    const p = response.id === null ? undefined : this.pending.get(response.id);
    if (!p) return !local && this.remote !== undefined && this.id !== undefined && this.remote.answer(this.id, response);
    this.pending.delete(response.id!);
    clearTimeout(p.timer);
    if (response.error) p.reject(new ProtocolError(response.error.code, `client answered with an error: ${response.error.message}`, response.error.data));
    else p.resolve(response.result);
    return true;
  }

  /** Ends the session: aborts work in flight and fails requests waiting on the client. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.inFlight.values()) c.abort(new Error('session closed'));
    this.inFlight.clear();
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new ProtocolError(RpcCode.ConnectionClosed, 'session closed'));
    }
    this.pending.clear();
  }
}

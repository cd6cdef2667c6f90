import { randomUUID } from 'node:crypto';
import type { Principal } from '@mcp-host/sdk';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ANONYMOUS } from '../../identity/principals.js';
import type { QuotaPort } from '../../protocol/ports/SecurityPorts.js';
import { ChurnMap } from '../../collections/ChurnMap.js';
import type { Engine } from '../../protocol/Engine.js';
import { RpcCode } from '../../protocol/ProtocolError.js';
import { Session } from '../../protocol/Session.js';
import { isLegacyVersion, LEGACY_VERSIONS } from '../../protocol/versions.js';
import type { RequestId } from '../../protocol/jsonrpc.js';
import { rpcError } from './rpcError.js';
import type { SessionEvent, SessionRemote, SessionStorePort } from '../../protocol/ports/ClusterPorts.js';
import { sessionRemoteOf } from './sessionRemoteOf.js';

/** Why a session could not be opened: the global cap, or the principal's share of it. */
export type OpenRefusal = { readonly status: 503 | 429; readonly message: string };

const SESSION_STORE_DOWN = 'Service Unavailable: the session store (Redis) cannot be reached; retry shortly';

/**
 * The legacy sessions of the HTTP transport: opened by a successful initialize, ended by DELETE,
 * idle expiry or shutdown. Each counts against the global `server.maxSessions` and against its
 * principal's `server.quotas.sessionsPerPrincipal`, so one principal cannot take every session.
 *
 * With replicas (`store`), a session lives in the shared store and any replica serves it: a
 * request for a session opened elsewhere loads it into a local copy, kept until idle; the copies
 * hear of each other's changes, cancellations and answers through the store (`SessionRemote`).
 */
export class HttpSessions {
  private readonly sessions = new ChurnMap<string, Session>();
  private sweepTimer: NodeJS.Timeout | undefined;
  /** Copies being loaded from the store: concurrent requests of one session share one load. */
  private readonly loading = new Map<string, Promise<Session | undefined | 'down'>>();
  private readonly remote: SessionRemote | undefined;
  /** Sessions whose quota this replica took (their initialize was served here). */
  private readonly quotaHeld = new WeakSet<Session>();
  private readonly unlisten: (() => void) | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly quotas: QuotaPort,
    private readonly options: { readonly maxSessions: number; readonly sessionIdleTimeoutMs: number },
    private readonly logger: Logger,
    private readonly store?: SessionStorePort,
  ) {
    if (!store) return;
    this.remote = sessionRemoteOf(store, logger);
    const unlisten = store.listen((event) => this.onRemote(event));
    // A Redis that restarted lost the sessions: every replica stores again those it has copies of, so they survive.
    const unreconnect = store.onReconnect(() => {
      for (const [id, s] of this.sessions) store.restore(id, s.record(), s.standalone !== undefined);
      logger.info({ sessions: this.sessions.size }, 'sessions stored again after Redis returned (what it lost is restored from the copies here)');
    });
    this.unlisten = () => (unlisten(), unreconnect());
  }

  get size(): number {
    return this.sessions.size;
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  /**
   * The request's session, or undefined after answering the error the spec gives (400 no header,
   * 404 unknown, 400 bad version). A session belongs to the principal that opened it: another
   * principal presenting its id is told it does not exist, exactly as for an unknown id (MCP
   * security best practices: a session id is never a credential, and bound to the user).
   */
  find(req: FastifyRequest, reply: FastifyReply, requestId: RequestId | null = null): Session | undefined | Promise<Session | undefined> {
    const id = req.headers['mcp-session-id'];
    if (typeof id !== 'string' || id === '') {
      this.engine.signals.refused('bad-request', req.principal?.id);
      rpcError(reply, 400, { code: RpcCode.ConnectionClosed, message: 'Bad Request: Mcp-Session-Id header is required (send initialize first)' }, requestId);
      return undefined;
    }
    const local = this.sessions.get(id);
    if (local) this.store?.touch(id);
    else if (this.store && id.length <= 64) return this.findShared(id, req, reply, requestId);
    return this.admit(local, id, req, reply, requestId);
  }

  /** A session opened on another replica (or whose copy here expired): loaded from the store. */
  private async findShared(id: string, req: FastifyRequest, reply: FastifyReply, requestId: RequestId | null): Promise<Session | undefined> {
    let load = this.loading.get(id);
    if (!load) {
      load = this.loadCopy(id);
      this.loading.set(id, load);
      void load.finally(() => this.loading.delete(id));
    }
    const session = await load;
    if (session === 'down') {
      this.engine.signals.refused('unavailable', req.principal?.id);
      rpcError(reply.header('retry-after', '2'), 503, { code: RpcCode.Unavailable, message: SESSION_STORE_DOWN }, requestId);
      return undefined;
    }
    return this.admit(session, id, req, reply, requestId);
  }

  private async loadCopy(id: string): Promise<Session | undefined | 'down'> {
    let record;
    try {
      record = await this.store!.load(id);
    } catch {
      return 'down';
    }
    if (!record) return undefined;
    // Another request may have made the copy meanwhile.
    const existing = this.sessions.get(id);
    if (existing) return existing;
    const session = new Session(id, record.principal).restore(record);
    session.remote = this.remote;
    this.sessions.set(id, session);
    this.engine.addSession(session);
    return session;
  }

  private admit(session: Session | undefined, id: string, req: FastifyRequest, reply: FastifyReply, requestId: RequestId | null): Session | undefined {
    const principal = req.principal ?? ANONYMOUS;
    if (!session || session.principal.id !== principal.id) {
      this.engine.signals.refused('bad-request', principal.id);
      if (session) this.logger.warn({ session: id, owner: session.principal.id, principal: principal.id }, 'session id presented by another principal; refused');
      // The request's id is echoed, so a client matches the refusal to its request (null for a notification, GET, DELETE).
      rpcError(reply, 404, { code: RpcCode.SessionNotFound, message: 'Session not found: it expired or was closed; initialize a new session' }, requestId);
      return undefined;
    }
    // The same principal, perhaps with a renewed token (other scopes): notifications follow what it may see now.
    session.principal = principal;
    const version = req.headers['mcp-protocol-version'];
    if (version !== undefined && !isLegacyVersion(version)) {
      this.engine.signals.refused('bad-request', principal.id);
      rpcError(reply, 400, { code: RpcCode.ConnectionClosed, message: `Bad Request: unsupported MCP-Protocol-Version ${JSON.stringify(version)} (supported: ${LEGACY_VERSIONS.join(', ')})` }, requestId);
      return undefined;
    }
    return session;
  }

  /** A session for an initialize of `principal`, not yet registered (a failed initialize creates none), or why not. */
  reserve(principal: Principal): Session | OpenRefusal | Promise<Session | OpenRefusal> {
    if (this.sessions.size >= this.options.maxSessions) return { status: 503, message: `Service Unavailable: session limit (${this.options.maxSessions}) reached` };
    const took = this.quotas.take('sessions', principal.id);
    // A quota counted across replicas (cluster) answers later.
    if (typeof took !== 'boolean') return took.then((t) => this.reserved(t, principal));
    return this.reserved(took, principal);
  }

  private reserved(took: boolean, principal: Principal): Session | OpenRefusal {
    if (!took) return { status: 429, message: `Too Many Requests: ${this.quotas.refusal('sessions')}; end some with DELETE` };
    const session = new Session(randomUUID(), principal);
    session.remote = this.remote;
    this.quotaHeld.add(session);
    return session;
  }

  /**
   * Registers a reserved session once its initialize succeeded, or gives its quota back. With
   * replicas the session is stored before its id goes out (the client's next request may land on
   * any replica); when the store cannot be reached it is not opened: answers false.
   */
  settle(session: Session, opened: boolean): boolean | Promise<boolean> {
    if (!opened) return this.quotaHeld.delete(session), this.quotas.give('sessions', session.principal.id), false;
    if (!this.store) return this.register(session);
    return this.store.save(session.id!, session.record()).then(
      () => this.register(session),
      (err: Error) => {
        this.logger.warn({ err: { message: err.message } }, 'session not opened: the session store (Redis) cannot be reached');
        this.quotaHeld.delete(session);
        this.quotas.give('sessions', session.principal.id);
        return false;
      },
    );
  }

  /** The refusal of an initialize whose session could not be stored. */
  static readonly STORE_DOWN = SESSION_STORE_DOWN;

  private register(session: Session): true {
    this.sessions.set(session.id!, session);
    this.engine.addSession(session);
    return true;
  }

  /** Ends a session for good (DELETE, shutdown of one process): every replica drops its copy. */
  end(session: Session): void {
    if (!this.drop(session)) return;
    this.engine.sessionEnded(session);
    if (!this.store) return;
    this.store.remove(session.id!).catch((err: Error) => this.logger.warn({ err: { message: err.message } }, 'ended session not removed from the store (Redis down?): it expires by itself'));
    this.store.broadcast({ type: 'ended', session: session.id! });
  }

  /** Drops this replica's copy: its calls are aborted, its GET stream ends. */
  private drop(session: Session): boolean {
    if (!this.sessions.delete(session.id!)) return false;
    session.close();
    session.standalone?.end?.();
    this.engine.removeSession(session);
    this.store?.forget(session.id!);
    if (this.quotaHeld.delete(session)) this.quotas.give('sessions', session.principal.id);
    return true;
  }

  /** What another replica says about a session this one may have a copy of. */
  private onRemote(event: SessionEvent): void {
    const session = this.sessions.get(event.session);
    if (!session) return;
    switch (event.type) {
      case 'changed':
        session.restore(event.record);
        break;
      case 'ended':
        this.drop(session);
        break;
      case 'cancel':
        session.inFlight.get(event.requestId)?.abort(new Error(event.reason));
        break;
      case 'answer':
        session.settle(event.response, true);
        break;
      case 'release':
        session.standalone?.end?.();
        break;
    }
  }

  /** Expires idle sessions (no open stream, nothing in flight) from now on. */
  startSweep(): void {
    const sweepEvery = Math.min(Math.max(this.options.sessionIdleTimeoutMs / 2, 500), 60_000);
    this.sweepTimer = setInterval(() => this.sweep(), sweepEvery).unref();
  }

  private sweep(): void {
    const cutoff = Date.now() - this.options.sessionIdleTimeoutMs;
    for (const [id, s] of this.sessions) {
      if (s.lastSeen < cutoff && !s.standalone && s.inFlight.size === 0) {
        // With replicas the copy goes; the session expires in the store when no replica uses it.
        if (this.store) this.drop(s);
        else this.end(s);
        this.logger.debug({ session: id }, 'idle session expired');
      }
    }
  }

  /** Ends every session (shutdown): work in flight is aborted, requests waiting on clients fail. */
  close(): void {
    clearInterval(this.sweepTimer);
    this.unlisten?.();
    // A replica shutting down leaves its sessions to the others.
    for (const s of [...this.sessions.values()]) {
      if (this.store) this.drop(s);
      else this.end(s);
    }
  }
}

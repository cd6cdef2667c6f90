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

/** Why a session could not be opened: the global cap, or the principal's share of it. */
export type OpenRefusal = { readonly status: 503 | 429; readonly message: string };

/**
 * The legacy sessions of the HTTP transport: opened by a successful initialize, ended by DELETE,
 * idle expiry or shutdown. Each counts against the global `server.maxSessions` and against its
 * principal's `server.quotas.sessionsPerPrincipal`, so one principal cannot take every session.
 */
export class HttpSessions {
  private readonly sessions = new ChurnMap<string, Session>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly quotas: QuotaPort,
    private readonly options: { readonly maxSessions: number; readonly sessionIdleTimeoutMs: number },
    private readonly logger: Logger,
  ) {}

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
  find(req: FastifyRequest, reply: FastifyReply, requestId: RequestId | null = null): Session | undefined {
    const id = req.headers['mcp-session-id'];
    if (typeof id !== 'string' || id === '') {
      this.engine.signals.refused('bad-request', req.principal?.id);
      rpcError(reply, 400, { code: RpcCode.ConnectionClosed, message: 'Bad Request: Mcp-Session-Id header is required (send initialize first)' }, requestId);
      return undefined;
    }
    const session = this.sessions.get(id);
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
    return new Session(randomUUID(), principal);
  }

  /** Registers a reserved session once its initialize succeeded, or gives its quota back. */
  settle(session: Session, opened: boolean): void {
    if (!opened) return this.quotas.give('sessions', session.principal.id);
    this.sessions.set(session.id!, session);
    this.engine.addSession(session);
  }

  end(session: Session): void {
    if (!this.sessions.delete(session.id!)) return;
    session.close();
    this.engine.removeSession(session);
    this.quotas.give('sessions', session.principal.id);
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
        this.end(s);
        this.logger.debug({ session: id }, 'idle session expired');
      }
    }
  }

  /** Ends every session (shutdown): work in flight is aborted, requests waiting on clients fail. */
  close(): void {
    clearInterval(this.sweepTimer);
    for (const s of [...this.sessions.values()]) this.end(s);
  }
}

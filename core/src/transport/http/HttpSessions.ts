import { randomUUID } from 'node:crypto';
import type { Principal } from '@mcp-host/sdk';
import type { Logger } from 'pino';
import type { PrincipalQuotas } from '../../auth/PrincipalQuotas.js';
import { ChurnMap } from '../../collections/ChurnMap.js';
import type { Engine } from '../../protocol/Engine.js';
import { Session } from '../../protocol/Session.js';

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
    private readonly quotas: PrincipalQuotas,
    private readonly options: { readonly maxSessions: number; readonly sessionIdleTimeoutMs: number },
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  /** A session for an initialize of `principal`, not yet registered (a failed initialize creates none), or why not. */
  reserve(principal: Principal): Session | OpenRefusal {
    if (this.sessions.size >= this.options.maxSessions) return { status: 503, message: `Service Unavailable: session limit (${this.options.maxSessions}) reached` };
    if (!this.quotas.take('sessions', principal.id)) return { status: 429, message: `Too Many Requests: ${this.quotas.refusal('sessions')}; end some with DELETE` };
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

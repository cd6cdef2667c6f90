import type { QuotasConfig } from '@mcp-host/config';
import { ChurnMap } from '../collections/ChurnMap.js';
import type { QuotaKind, QuotaPort } from '../protocol/ports/SecurityPorts.js';

export type { QuotaKind };

/** The config key of each quota, named in refusals so an operator knows what to raise. */
const KEY: Record<QuotaKind, keyof QuotasConfig> = {
  sessions: 'sessionsPerPrincipal',
  getStreams: 'getStreamsPerPrincipal',
  listenStreams: 'listenStreamsPerPrincipal',
  inFlight: 'inFlightPerPrincipal',
};

/**
 * Fair shares of the host's held resources (`server.quotas`): how many sessions, GET streams,
 * listen streams and requests in flight one principal may hold at once. The global caps bound the
 * host; these keep one principal from taking all of it, so a principal over its share is refused
 * while everyone else is served. Counts are keyed by principal id (which carries its source, so a
 * token cannot spend another identity's share).
 */
export class PrincipalQuotas implements QuotaPort {
  /** No share below the global caps (a host without auth has one principal). */
  static readonly UNLIMITED: QuotasConfig = Object.freeze({ sessionsPerPrincipal: Infinity, getStreamsPerPrincipal: Infinity, listenStreamsPerPrincipal: Infinity, inFlightPerPrincipal: Infinity });

  private readonly held: Record<QuotaKind, ChurnMap<string, number>> = { sessions: new ChurnMap(), getStreams: new ChurnMap(), listenStreams: new ChurnMap(), inFlight: new ChurnMap() };

  /** Nothing to count (no quota below the global caps): every request skips the bookkeeping. */
  private readonly unlimited: boolean;

  constructor(private readonly config: QuotasConfig) {
    this.unlimited = Object.values(config).every((n) => n === Infinity);
  }

  /**
   * Takes one unit of `kind` for `principal`; false (nothing taken) when it already holds its
   * quota. Always answers at once here; the port's type lets a shared count (cluster) answer later.
   */
  take(kind: QuotaKind, principal: string): boolean | Promise<boolean> {
    if (this.unlimited) return true;
    const counts = this.held[kind];
    const n = counts.get(principal) ?? 0;
    if (n >= this.config[KEY[kind]]) return false;
    counts.set(principal, n + 1);
    return true;
  }

  /** Gives back one unit taken with `take`. */
  give(kind: QuotaKind, principal: string): void {
    if (this.unlimited) return;
    const counts = this.held[kind];
    const n = counts.get(principal);
    if (n === undefined) return;
    if (n <= 1) counts.delete(principal);
    else counts.set(principal, n - 1);
  }

  /** How many units of `kind` a principal holds (for tests and the admin view). */
  holding(kind: QuotaKind, principal: string): number {
    return this.held[kind].get(principal) ?? 0;
  }

  /** Each principal holding units of `kind` on this host, with how many. */
  holders(kind: QuotaKind): Iterable<[string, number]> {
    return this.held[kind].entries();
  }

  limit(kind: QuotaKind): number {
    return this.config[KEY[kind]];
  }

  /** The refusal's words: what was refused and which key raises it. */
  refusal(kind: QuotaKind): string {
    return `this principal already holds ${this.limit(kind)} ${WORDS[kind]} (server.quotas.${KEY[kind]})`;
  }
}

const WORDS: Record<QuotaKind, string> = { sessions: 'sessions', getStreams: 'GET streams', listenStreams: 'listen streams', inFlight: 'requests in flight' };

import type { Catalog } from '../../catalog/Catalog.js';
import type { CallScope } from '../CallScope.js';
import type { Session } from '../Session.js';

/**
 * How operators see the engine and the transports: interfaces the protocol owns, which `telemetry`
 * implements (Prometheus metrics, OpenTelemetry traces, the admin feed) and the kernel hands in.
 * Every method is cheap and never throws: watching a request must not change how it is served.
 */

/** Watches each request the engine serves, around its handler (the span and the duration of the call). */
export interface CallObserver {
  around<T>(call: CallScope, catalog: Catalog, run: () => Promise<T>): Promise<T>;
}

/** Why a request was refused before or instead of being served (the `reason` label of the refusal counter). */
export type RefusalReason = 'auth' | 'forbidden' | 'rate-limited' | 'quota' | 'limits' | 'origin' | 'unavailable' | 'session-limit' | 'bad-request';

/** Host events that are counted and shown live; the transports and the engine report them. */
export interface HostSignals {
  /** A request refused; `principal` is the caller's id when known. */
  refused(reason: RefusalReason, principal?: string): void;
  /** A legacy session opened or ended (its duration is measured from `opened`). */
  sessionOpened(session: Session): void;
  sessionClosed(session: Session): void;
  /** `count` clients were sent `notifications/<kind>/list_changed`. */
  listChangedSent(kind: string, count: number): void;
}

const NOOP = () => {};

/** The signals of a host that watches nothing. */
export const NO_SIGNALS: HostSignals = { refused: NOOP, sessionOpened: NOOP, sessionClosed: NOOP, listChangedSent: NOOP };

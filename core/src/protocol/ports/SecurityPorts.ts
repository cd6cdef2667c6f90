import type { Principal } from '@mcp-host/sdk';
import type { AnyBinding } from '../../catalog/bindings.js';
import type { Catalog } from '../../catalog/Catalog.js';
import type { CallScope } from '../CallScope.js';

/**
 * How the engine sees security: interfaces it owns, which `auth` implements and the kernel hands
 * in. The engine never imports an implementation, so it can be read, tested and reasoned about
 * without knowing how tokens, permissions, masking or limits are configured.
 */

/** Masks what a caller may not see of an item's results, errors and messages. */
export interface ResultMasker {
  /** A whole result (content, structured content, `_meta`, keys). */
  result(r: Record<string, unknown>): Record<string, unknown>;
  /** Any value (log data, questions, completion values). */
  value(v: unknown): unknown;
  /** One text (`json`: parse JSON text and mask it by field too). */
  text(s: string, json?: boolean): string;
  /** An error of any kind, as the same kind with its message and data masked. */
  error<E>(e: E): E;
}

/** Writes the audit line of a call to a plugin item around the call. */
export interface CallAudit {
  around<T>(call: CallScope, catalog: Catalog, run: () => Promise<T>): Promise<T>;
}

/** The policy step of a call: permissions, rate and concurrency limits, masking, audit. */
export interface CallPolicyPort {
  readonly audit: CallAudit | undefined;
  /** The binding when the caller may use it; undefined when unknown (or hidden); throws when forbidden. */
  admit<B extends AnyBinding>(call: CallScope, catalog: Catalog, binding: B | undefined, what: () => string): B | undefined;
  /**
   * Starts a call into a plugin (tools: `tool` names it); returns the release; throws (or rejects)
   * when over a limit. A Promise only where limits are counted elsewhere (a cluster's Redis).
   */
  enter(call: CallScope, tool?: string): (() => void) | Promise<() => void>;
  /** The masker for what `principal` receives from `binding`, if anything is to be masked. */
  masker(principal: Principal, binding: AnyBinding): ResultMasker | undefined;
}

/** A held resource one principal has a share of (`server.quotas`). */
export type QuotaKind = 'sessions' | 'getStreams' | 'listenStreams' | 'inFlight';

/** Each principal's share of the host's held resources. */
export interface QuotaPort {
  /**
   * Takes one unit for `principal`; false (nothing taken) when it holds its share already. A
   * Promise only where the share is counted elsewhere (a cluster's Redis): callers await only then,
   * so a single host's check stays synchronous.
   */
  take(kind: QuotaKind, principal: string): boolean | Promise<boolean>;
  give(kind: QuotaKind, principal: string): void;
  limit(kind: QuotaKind): number;
  /** The words of a refusal: what was refused and which key raises it. */
  refusal(kind: QuotaKind): string;
}

const NOOP = () => {};

/** The policy of a host that enforces nothing: every known item is admitted, nothing is limited, masked or audited. */
export const OPEN_POLICY: CallPolicyPort = {
  audit: undefined,
  admit: (_call, _catalog, binding) => binding,
  enter: () => NOOP,
  masker: () => undefined,
};

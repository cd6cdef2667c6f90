import type { Principal } from '@mcp-host/sdk';
import type { Catalog } from '../catalog/Catalog.js';
import type { CallScope } from '../protocol/CallScope.js';
import type { CallPolicyPort } from '../protocol/ports/SecurityPorts.js';
import { ProtocolError, RpcCode } from '../protocol/ProtocolError.js';
import type { AnyBinding } from './AccessPolicy.js';
import type { AuditLog } from './AuditLog.js';
import { ForbiddenError } from './ForbiddenError.js';
import type { Masker } from './Masker.js';
import type { MaskPolicy } from './MaskPolicy.js';
import type { RateLimiter } from './RateLimiter.js';

export interface CallPolicyOptions {
  /** Answer a forbidden item like an unknown one (so its existence is not disclosed). */
  readonly hideForbidden?: boolean;
  readonly masking?: MaskPolicy;
  readonly limiter?: RateLimiter;
  readonly audit?: AuditLog;
}

const NOOP = () => {};

/**
 * The policy step of a call, between the catalog lookup and the plugin: may this principal use
 * this item (permissions), may it now (rate and concurrency limits), what it gets back (masking),
 * and the audit line. One instance per host; with nothing configured each step is a check of an
 * absent option.
 */
export class CallPolicy implements CallPolicyPort {
  constructor(private readonly options: CallPolicyOptions = {}) {}

  get audit(): AuditLog | undefined {
    return this.options.audit;
  }

  /**
   * The binding when the caller may use it; undefined when it is unknown, or forbidden and
   * `hideForbidden` (the caller then gets the unknown-item answer); else throws ForbiddenError.
   */
  admit<B extends AnyBinding>(call: CallScope, catalog: Catalog, binding: B | undefined, what: () => string): B | undefined {
    if (!binding || catalog.canSee(call.principal, binding)) return binding;
    if (this.options.hideForbidden) return undefined;
    throw new ForbiddenError(call.principal, catalog.requirementOf(binding)!, what());
  }

  /**
   * Starts a call into a plugin: takes a token of the tool's bucket (tools only) and a slot of the
   * principal's concurrency cap. Returns the slot's release; throws -32029 with data.retryAfterMs.
   * Counted in a cluster's Redis, the answer is a Promise (rejected when over a limit); on one
   * host it is immediate.
   */
  enter(call: CallScope, tool?: string): (() => void) | Promise<() => void> {
    const limiter = this.options.limiter;
    if (!limiter) return NOOP;
    const id = call.principal.id;
    const wait = tool === undefined ? 0 : limiter.tool(id, tool);
    return typeof wait === 'number' ? slot(limiter, id, tool, wait) : wait.then((w) => slot(limiter, id, tool, w));
  }

  /** The masker for what `principal` receives from `binding`, if anything is to be masked. */
  masker(principal: Principal, binding: AnyBinding): Masker | undefined {
    return this.options.masking?.forCaller(principal, binding);
  }
}

/** After the tool's bucket answered `wait`: the slot of the principal's concurrency cap, or the refusal. */
function slot(limiter: RateLimiter, id: string, tool: string | undefined, wait: number): (() => void) | Promise<() => void> {
  if (wait > 0) throw new ProtocolError(RpcCode.RateLimited, `Rate limited: too many calls of tool "${tool}"; retry in ${wait} ms`, { retryAfterMs: wait, limit: 'perTool' });
  const release = limiter.enter(id);
  return release instanceof Promise ? release.then((r) => admitted(limiter, r)) : admitted(limiter, release);
}

function admitted(limiter: RateLimiter, release: (() => void) | undefined): () => void {
  if (!release) throw new ProtocolError(RpcCode.RateLimited, `Rate limited: ${limiter.cap} calls already running for this principal; retry when one ends`, { limit: 'maxConcurrentPerPrincipal', max: limiter.cap });
  return release;
}

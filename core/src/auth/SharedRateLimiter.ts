import type { LimitsConfig } from '@mcp-host/config';
import type { SharedCounts } from '../protocol/ports/LimitPorts.js';
import { RateLimiter } from './RateLimiter.js';

/** The kind under which calls in flight (`maxConcurrentPerPrincipal`) are held. */
const CALLS = 'calls';

/**
 * `limits` across a cluster: a principal's token buckets are counted in Redis (one atomic script
 * per take, on Redis's clock), so its rate is the configured one whichever replicas its requests
 * reach; its calls in flight are a share held per replica under a lease (a dead replica's calls
 * are freed when it lapses). See cluster/SharedHoldings.
 *
 * Redis down (or a command failing): this replica's own buckets and counts (the parent class)
 * decide, so the limits hold per replica and no request waits on Redis.
 */
export class SharedRateLimiter extends RateLimiter {
  constructor(
    private readonly limits: LimitsConfig,
    private readonly counts: SharedCounts,
  ) {
    super(limits);
    counts.track(CALLS, () => this.running());
  }

  override request(principal: string, now = Date.now()): number | Promise<number> {
    const p = this.limits.perPrincipal;
    if (!p || !this.counts.up) return super.request(principal, now);
    return this.counts.bucket(`rate:${principal}`, p.rate, p.burst).catch(() => super.request(principal, now));
  }

  override tool(principal: string, tool: string, now = Date.now()): number | Promise<number> {
    const t = this.limits.tools[tool] ?? this.limits.perTool;
    if (!t || !this.counts.up) return super.tool(principal, tool, now);
    return this.counts.bucket(`tool:${encodeURIComponent(tool)}:${principal}`, t.rate, t.burst).catch(() => super.tool(principal, tool, now));
  }

  override enter(principal: string): (() => void) | undefined | Promise<(() => void) | undefined> {
    const cap = this.limits.maxConcurrentPerPrincipal;
    const local = super.enter(principal) as (() => void) | undefined;
    // Without a cap, with Redis down, or with this replica alone at the cap: the local answer is the answer.
    if (cap === undefined || !local || !this.counts.up) return local;
    return this.counts.take(CALLS, principal, cap).then((taken) => {
      if (!taken) return void local();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        local();
        this.counts.give(CALLS, principal);
      };
    });
  }
}

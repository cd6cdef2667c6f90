import type { LimitsConfig } from '@mcp-host/config';
import { RateLimiter } from '../auth/RateLimiter.js';
import { withLimitCommands, type LimitCommands } from './limitScripts.js';
import type { Redis } from 'ioredis';
import type { RedisLink } from './RedisLink.js';
import type { SharedHoldings } from './SharedHoldings.js';

/** The kind under which calls in flight (`maxConcurrentPerPrincipal`) are held. */
const CALLS = 'calls';

/**
 * `limits` across the cluster: a principal's token buckets live in Redis (limitScripts
 * TAKE_TOKEN, one atomic script per take, Redis's clock), so its rate is the configured one
 * whichever replicas its requests reach; its calls in flight are a share held per replica
 * (SharedHoldings: a dead replica's calls are freed when its lease lapses).
 *
 * Redis down (or a command failing): each replica's own buckets and counts (the parent class)
 * decide, so the limits hold per replica and no request waits on Redis.
 */
export class SharedRateLimiter extends RateLimiter {
  private readonly redis: Redis & LimitCommands;

  constructor(
    private readonly limits: LimitsConfig,
    private readonly link: RedisLink,
    private readonly holdings: SharedHoldings,
  ) {
    super(limits);
    this.redis = withLimitCommands(link.redis);
    holdings.track(CALLS, () => this.running());
  }

  override request(principal: string, now = Date.now()): number | Promise<number> {
    const p = this.limits.perPrincipal;
    if (!p || !this.link.up) return super.request(principal, now);
    return this.redis.mcpTakeToken(this.link.key('limits', 'rate', principal), p.rate, p.burst).catch(() => super.request(principal, now));
  }

  override tool(principal: string, tool: string, now = Date.now()): number | Promise<number> {
    const t = this.limits.tools[tool] ?? this.limits.perTool;
    if (!t || !this.link.up) return super.tool(principal, tool, now);
    return this.redis.mcpTakeToken(this.link.key('limits', 'tool', encodeURIComponent(tool), principal), t.rate, t.burst).catch(() => super.tool(principal, tool, now));
  }

  override enter(principal: string): (() => void) | undefined | Promise<(() => void) | undefined> {
    const cap = this.limits.maxConcurrentPerPrincipal;
    const local = super.enter(principal) as (() => void) | undefined;
    // Without a cap, with Redis down, or with this replica alone at the cap: the local answer is the answer.
    if (cap === undefined || !local || !this.holdings.up) return local;
    return this.holdings.take(CALLS, principal, cap).then((taken) => {
      if (!taken) return void local();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        local();
        this.holdings.give(CALLS, principal);
      };
    });
  }
}

import type { LimitsConfig } from '@mcp-host/config';
import { ChurnMap } from '../collections/ChurnMap.js';
import { TokenBucket } from './TokenBucket.js';

/** Buckets kept before idle (full) ones are dropped; a full bucket is the same as no bucket. */
const PRUNE_AT = 10_000;

class Buckets {
  private readonly map = new Map<string, TokenBucket>();

  take(key: string, rate: number, burst: number, now: number): number {
    let b = this.map.get(key);
    if (!b) {
      if (this.map.size >= PRUNE_AT) for (const [k, old] of this.map) if (old.full(now)) this.map.delete(k);
      this.map.set(key, (b = new TokenBucket(rate, burst, now)));
    }
    return b.take(now);
  }
}

/**
 * The limits of `limits`: a token bucket per principal (every HTTP request), one per principal
 * and tool (each call), and a cap on a principal's calls in flight. Keys are principal ids, so a
 * caller's limits follow it across sessions and eras. Here every answer is immediate; the types
 * let a subclass that counts elsewhere (a cluster's Redis: SharedRateLimiter) answer later.
 */
export class RateLimiter {
  private readonly principals = new Buckets();
  private readonly tools = new Buckets();
  private readonly calls = new ChurnMap<string, number>();

  constructor(private readonly config: LimitsConfig) {}

  get limitsRequests(): boolean {
    return this.config.perPrincipal !== undefined;
  }

  /** One HTTP request of `principal`: 0, or the milliseconds to wait. */
  request(principal: string, now = Date.now()): number | Promise<number> {
    const p = this.config.perPrincipal;
    return p ? this.principals.take(principal, p.rate, p.burst, now) : 0;
  }

  /** One call of `tool` by `principal`: 0, or the milliseconds to wait. */
  tool(principal: string, tool: string, now = Date.now()): number | Promise<number> {
    const t = this.config.tools[tool] ?? this.config.perTool;
    return t ? this.tools.take(`${principal}\u0000${tool}`, t.rate, t.burst, now) : 0;
  }

  /** Starts a call of `principal`; returns its release, or undefined when the principal is at its cap. */
  enter(principal: string): (() => void) | undefined | Promise<(() => void) | undefined> {
    const cap = this.config.maxConcurrentPerPrincipal;
    if (cap === undefined) return NOOP;
    const n = this.calls.get(principal) ?? 0;
    if (n >= cap) return undefined;
    this.calls.set(principal, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.calls.get(principal) ?? 1) - 1;
      if (left === 0) this.calls.delete(principal);
      else this.calls.set(principal, left);
    };
  }

  /** Each principal with calls running on this host, with how many. */
  running(): Iterable<[string, number]> {
    return this.calls.entries();
  }

  get cap(): number | undefined {
    return this.config.maxConcurrentPerPrincipal;
  }
}

const NOOP = () => {};

/**
 * Counts the replicas of a cluster share (in Redis: cluster/SharedHoldings), through which auth's
 * limiter and quotas hold for the whole cluster (SharedRateLimiter, SharedQuotas). A single host
 * has none. Every method answers without waiting on a Redis that is down: `up` says whether to
 * ask at all, and a failed command resolves as the local count would have it.
 */
export interface SharedCounts {
  /** Whether the shared counts can be asked now (else each replica counts alone). */
  readonly up: boolean;
  /** Takes a token of the bucket `name`, refilled at `rate` a second up to `burst`: 0, or the milliseconds to wait. Rejects when Redis fails. */
  bucket(name: string, rate: number, burst: number): Promise<number>;
  /** A kind of held unit and where this replica counts its own (principal → units), written back when Redis may have lost them. */
  track(kind: string, entries: () => Iterable<[string, number]>): void;
  /** Takes one unit of `kind` for `principal` (counted locally already): false when the cluster holds `limit`; true too when Redis failed. */
  take(kind: string, principal: string, limit: number): Promise<boolean>;
  /** Gives one unit back (not awaited). */
  give(kind: string, principal: string): void;
}

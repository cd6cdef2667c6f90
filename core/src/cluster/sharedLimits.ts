import type { Logger } from 'pino';
import type { LimitsFactory } from '../auth/HostSecurity.js';
import type { RedisLink } from './RedisLink.js';
import { SharedHoldings } from './SharedHoldings.js';
import { SharedQuotas } from './SharedQuotas.js';
import { SharedRateLimiter } from './SharedRateLimiter.js';

/** Limits and quotas that hold across the cluster (HostSecurity builds them instead of the per-host ones). */
export function sharedLimits(link: RedisLink, logger: Logger): LimitsFactory {
  const holdings = new SharedHoldings(link, link.config.leaseMs, logger);
  return {
    limiter: (config) => new SharedRateLimiter(config, link, holdings),
    quotas: (config) => new SharedQuotas(config, holdings),
  };
}

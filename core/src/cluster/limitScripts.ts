import type { Redis } from 'ioredis';

/**
 * The Lua scripts of the shared limits. Each runs atomically in Redis, so replicas taking from the
 * same bucket or share at once are serialized there (no read-modify-write race between them). Time
 * is Redis's own clock (`TIME`), never a replica's: every replica then refills buckets and judges
 * leases by the same clock, whatever the skew between the replicas' machines (a caller's clock
 * passed in would let a replica running ahead refill buckets early and expire others' leases).
 * Scripts that read TIME and then write are replicated by their effects (Redis 5+, the only mode
 * of Redis 7), so a Redis replica applies the same values.
 */

/** Now in milliseconds (with fractions) by Redis's clock. */
const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000`;

/**
 * A token bucket (KEYS[1]: a hash of tokens and the time they were counted), refilled at ARGV[1]
 * tokens a second up to ARGV[2]. Takes one token: returns 0, or the milliseconds until one is
 * there. The key expires once the bucket would be full again (a full bucket is the same as none).
 */
const TAKE_TOKEN = `${NOW}
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(b[1]), tonumber(b[2])
if not tokens then tokens, at = burst, now end
tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate * 1000) end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return wait`;

/**
 * One unit of a held share (KEYS[1]: a hash of holder -> units held; KEYS[2]: the holders' leases,
 * a sorted set of holder -> expiry). Counts the units of holders whose lease runs (dropping the
 * fields of those whose lease lapsed: a dead replica's holdings), and takes one for ARGV[1] when
 * they are under ARGV[2]: returns 1, else 0. ARGV[3]: how long the hash outlives its last write.
 */
const TAKE_HELD = `${NOW}
local held = redis.call('HGETALL', KEYS[1])
local total = 0
for i = 1, #held, 2 do
  local holder = held[i]
  local lease = holder ~= ARGV[1] and redis.call('ZSCORE', KEYS[2], holder)
  if holder ~= ARGV[1] and (not lease or tonumber(lease) < now) then redis.call('HDEL', KEYS[1], holder)
  else total = total + tonumber(held[i + 1]) end
end
if total >= tonumber(ARGV[2]) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/** Gives back one unit of ARGV[1]'s holding in KEYS[1]; a holding that reaches 0 (or was dropped) is removed, never negative. */
const GIVE_HELD = `local n = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if n <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
return n`;

/**
 * Renews holder ARGV[1]'s lease (KEYS[1]: the leases) for ARGV[2] ms and forgets lapsed ones (the
 * set itself goes once no replica has renewed for two leases).
 * Returns 1 when its lease was still running (its holdings were counted all along), 0 when it is
 * new or had lapsed (others may have dropped its holdings: the holder writes them again).
 */
const RENEW_LEASE = `${NOW}
local prev = redis.call('ZSCORE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)
redis.call('PEXPIRE', KEYS[1], 2 * tonumber(ARGV[2]))
if prev and tonumber(prev) >= now then return 1 end
return 0`;

/** The scripts as commands of a connection (ioredis sends EVALSHA, and the script once if Redis lacks it). */
export interface LimitCommands {
  mcpTakeToken(bucket: string, rate: number, burst: number): Promise<number>;
  mcpTakeHeld(hash: string, leases: string, holder: string, limit: number, ttlMs: number): Promise<number>;
  mcpGiveHeld(hash: string, holder: string): Promise<number>;
  mcpRenewLease(leases: string, holder: string, leaseMs: number): Promise<number>;
}

/** `redis` with the limit scripts defined on it (once per connection). */
export function withLimitCommands(redis: Redis): Redis & LimitCommands {
  if (!('mcpTakeToken' in redis)) {
    redis.defineCommand('mcpTakeToken', { numberOfKeys: 1, lua: TAKE_TOKEN });
    redis.defineCommand('mcpTakeHeld', { numberOfKeys: 2, lua: TAKE_HELD });
    redis.defineCommand('mcpGiveHeld', { numberOfKeys: 1, lua: GIVE_HELD });
    redis.defineCommand('mcpRenewLease', { numberOfKeys: 1, lua: RENEW_LEASE });
  }
  return redis as Redis & LimitCommands;
}

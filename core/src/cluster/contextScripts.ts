import type { Redis } from 'ioredis';

/**
 * The Lua scripts of the shared context (`RedisContextBackend`). One scope is four keys, passed in
 * this order to every script: KEYS[1] the values (hash key -> JSON), KEYS[2] their metadata (hash
 * key -> "<version>:<size>", size in UTF-8 bytes of key and JSON, computed by the caller
 * since Lua counts bytes), KEYS[3] the expiries (sorted set key -> epoch ms, only values with a
 * TTL), KEYS[4] the scope's byte count. KEYS[5] (writes only) is the version counter, one for the
 * whole prefix: a version is never handed out twice, even after a scope is cleared or expired and
 * written again (a per-scope counter would die with its scope and reuse versions: ABA for a
 * compare-and-set holding an old version).
 *
 * Each script runs atomically, so concurrent writers on any replica are serialized by Redis. Time
 * is Redis's clock (`TIME`), never a replica's, so the replicas' clock skew does not matter
 * (Redis 7 replicates scripts by their effects: a Redis replica applies the same values). Values
 * whose expiry has come are purged before a script acts, so an expired value is absent to every
 * operation and counts against no quota.
 */

/** Now in whole milliseconds by Redis's clock. */
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** The size part of a metadata field ("<version>:<size>"). */
const PARTS = `local function parts(meta)
  local c = string.find(meta, ':', 1, true)
  return tonumber(string.sub(meta, 1, c - 1)), tonumber(string.sub(meta, c + 1))
end`;

/**
 * Drops the values whose expiry has come, keeping the byte count true; a scope left empty leaves
 * no key behind.
 */
const PURGE = `${PARTS}
local function purge()
  local gone = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
  if #gone == 0 then return end
  local freed = 0
  for _, k in ipairs(gone) do
    local meta = redis.call('HGET', KEYS[2], k)
    if meta then
      local _, size = parts(meta)
      freed = freed + size
    end
    redis.call('HDEL', KEYS[1], k)
    redis.call('HDEL', KEYS[2], k)
  end
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
  if redis.call('HLEN', KEYS[1]) == 0 then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
  else redis.call('DECRBY', KEYS[4], freed) end
end`;

/**
 * Sets when the scope's keys go, given the scope's own deadline (epoch ms, or nil: none). When
 * every value has a TTL the scope goes with its last value at the latest, so values that all
 * expired leave nothing in Redis even if no operation comes to purge them; a scope holding a value
 * without TTL and without a deadline of its own is kept.
 */
const SETTLE = `local function settle(deadline)
  local n = redis.call('HLEN', KEYS[1])
  if n == 0 then
    redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
    return
  end
  if redis.call('ZCARD', KEYS[3]) == n then
    local last = tonumber(redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')[2])
    if not deadline or last < deadline then deadline = last end
  end
  for i = 1, 4 do
    if deadline then redis.call('PEXPIREAT', KEYS[i], deadline) else redis.call('PERSIST', KEYS[i]) end
  end
end`;

/** The current value of a field, as a reply: {json, version, expiresAt or -1}, or nil when absent. */
const CURRENT = `local function current(key)
  local meta = redis.call('HGET', KEYS[2], key)
  if not meta then return nil end
  local version = parts(meta)
  local at = redis.call('ZSCORE', KEYS[3], key)
  return { redis.call('HGET', KEYS[1], key), version, at and tonumber(at) or -1 }
end`;

/**
 * A write's first step: what the key holds now (its metadata, version and size; 0 and 0 when
 * absent), and, when `expected` ('' unconditional, 0 absent) is not its version, the conflict
 * reply: {0, 'conflict', json, version, expiresAt}, or {0, 'conflict'} when absent.
 */
const HELD = `${CURRENT}
local function held(key, expected)
  local meta = redis.call('HGET', KEYS[2], key)
  local version, size = 0, 0
  if meta then version, size = parts(meta) end
  if expected == '' or tonumber(expected) == version then return meta, size, nil end
  local cur = current(key)
  if not cur then return meta, size, { 0, 'conflict' } end
  return meta, size, { 0, 'conflict', cur[1], cur[2], cur[3] }
end`;

/**
 * Reads ARGV[1]: {json, version, expiresAt or -1}, or nil. Writes nothing: a value whose expiry
 * has come is answered as absent and left to the next write or listing to purge.
 */
const GET = `${NOW}
${PARTS}
${CURRENT}
local at = redis.call('ZSCORE', KEYS[3], ARGV[1])
if at and tonumber(at) <= now then return nil end
return current(ARGV[1])`;

/**
 * Writes ARGV[2] (JSON) under ARGV[1]. ARGV[3]: TTL in ms or ''. ARGV[4]: the version expected
 * ('' unconditional, 0 absent). ARGV[5], ARGV[6]: max keys, max bytes ('' unlimited). ARGV[7]:
 * the scope's TTL in ms or ''. ARGV[8]: the new value's size (key plus JSON, UTF-8 bytes).
 * Returns {1, version, expiresAt or -1}, {0, 'conflict', json, version, expiresAt} ({0,
 * 'conflict'} when absent), or {0, 'quota', 'keys' | 'bytes'}.
 */
const SET = `${NOW}
${PURGE}
${SETTLE}
${HELD}
purge()
local key = ARGV[1]
local meta, heldSize, conflict = held(key, ARGV[4])
if conflict then return conflict end
local size = tonumber(ARGV[8])
if not meta and ARGV[5] ~= '' and redis.call('HLEN', KEYS[1]) + 1 > tonumber(ARGV[5]) then return { 0, 'quota', 'keys' } end
local bytes = tonumber(redis.call('GET', KEYS[4]) or '0')
if ARGV[6] ~= '' and bytes - heldSize + size > tonumber(ARGV[6]) then return { 0, 'quota', 'bytes' } end
local version = redis.call('INCR', KEYS[5])
redis.call('HSET', KEYS[1], key, ARGV[2])
redis.call('HSET', KEYS[2], key, version .. ':' .. ARGV[8])
redis.call('INCRBY', KEYS[4], size - heldSize)
local expiresAt = -1
if ARGV[3] ~= '' then
  expiresAt = now + tonumber(ARGV[3])
  redis.call('ZADD', KEYS[3], expiresAt, key)
else
  redis.call('ZREM', KEYS[3], key)
end
local deadline = nil
if ARGV[7] ~= '' then deadline = now + tonumber(ARGV[7]) end
settle(deadline)
return { 1, version, expiresAt }`;

/**
 * Deletes ARGV[1] if its version is ARGV[2] ('' unconditional, 0 absent). Returns {1, 1 | 0}
 * (existed) or the conflict as SET does. The scope's own deadline (its keys' TTL) is kept: a
 * delete is not a write that extends the scope's life.
 */
const DELETE = `${NOW}
${PURGE}
${SETTLE}
${HELD}
purge()
local key = ARGV[1]
local meta, heldSize, conflict = held(key, ARGV[2])
if conflict then return conflict end
if not meta then return { 1, 0 } end
local ttl = redis.call('PTTL', KEYS[1])
redis.call('HDEL', KEYS[1], key)
redis.call('HDEL', KEYS[2], key)
redis.call('ZREM', KEYS[3], key)
redis.call('DECRBY', KEYS[4], heldSize)
local deadline = nil
if ttl > 0 then deadline = now + ttl end
settle(deadline)
return { 1, 1 }`;

/** The keys holding a live value (unsorted: the caller sorts as JavaScript compares). */
const KEYS_OF = `${NOW}
${PURGE}
purge()
return redis.call('HKEYS', KEYS[1])`;

/** The raw replies of the scripts (see each script). */
export type CurrentReply = [json: string, version: number, expiresAt: number];
export type SetReply = [1, number, number] | [0, 'conflict', string?, number?, number?] | [0, 'quota', 'keys' | 'bytes'];
export type DeleteReply = [1, 0 | 1] | [0, 'conflict', string?, number?, number?];

/** The scripts as commands of a connection (ioredis sends EVALSHA, and the script once if Redis lacks it). */
export interface ContextCommands {
  mcpCtxGet(values: string, meta: string, expiries: string, bytes: string, key: string): Promise<CurrentReply | null>;
  mcpCtxSet(
    values: string,
    meta: string,
    expiries: string,
    bytes: string,
    versions: string,
    key: string,
    json: string,
    ttlMs: string,
    ifVersion: string,
    maxKeys: string,
    maxBytes: string,
    scopeTtlMs: string,
    size: string,
  ): Promise<SetReply>;
  mcpCtxDelete(values: string, meta: string, expiries: string, bytes: string, key: string, ifVersion: string): Promise<DeleteReply>;
  mcpCtxKeys(values: string, meta: string, expiries: string, bytes: string): Promise<string[]>;
}

/** `redis` with the context scripts defined on it (once per connection). */
export function withContextCommands(redis: Redis): Redis & ContextCommands {
  if (!('mcpCtxSet' in redis)) {
    redis.defineCommand('mcpCtxGet', { numberOfKeys: 4, lua: GET });
    redis.defineCommand('mcpCtxSet', { numberOfKeys: 5, lua: SET });
    redis.defineCommand('mcpCtxDelete', { numberOfKeys: 4, lua: DELETE });
    redis.defineCommand('mcpCtxKeys', { numberOfKeys: 4, lua: KEYS_OF });
  }
  return redis as Redis & ContextCommands;
}

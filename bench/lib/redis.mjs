// The machine's Redis (127.0.0.1:6379) for the cluster scenario. Each run uses a key prefix of its
// own, so a run never meets another's keys (nor a test suite's), and deletes every key under it at
// the end, after its replicas stopped: on success, on a crash and on SIGINT/SIGTERM (stopAll runs
// the deletion). Only a SIGKILL of the bench leaves keys behind, and those expire by themselves
// (session records after the host's idle timeout, stream holds after the lease).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { atStopAll } from './children.mjs';

export const REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * Checks that Redis answers and picks this run's prefix. Resolves with `{ prefix, cleanup() }`;
 * `cleanup` deletes the keys under the prefix, closes the connection and resolves with how many
 * keys it deleted (idempotent).
 */
export async function benchRedis() {
  // Fails fast instead of retrying: a Redis that is down is a set-up error of this machine.
  const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    redis.disconnect();
    throw new Error(`Redis at ${REDIS_URL} cannot be reached (${e.message}); start it: redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no`);
  }
  const prefix = `mcp-host-bench-${randomUUID().slice(0, 8)}:`;
  const keys = async () => {
    const found = [];
    for await (const batch of redis.scanStream({ match: `${prefix}*`, count: 1000 })) found.push(...batch);
    return found;
  };
  let done;
  const deleteAll = () =>
    (done ??= (async () => {
      try {
        const found = await keys();
        for (let i = 0; i < found.length; i += 500) await redis.del(...found.slice(i, i + 500));
        return found.length;
      } finally {
        redis.disconnect();
      }
    })());
  const off = atStopAll(deleteAll);
  return { prefix, cleanup: () => (off(), deleteAll()) };
}

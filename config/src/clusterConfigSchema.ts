import { z } from 'zod';

/*
 * Replicas (`cluster`): several host processes behind one load balancer, sharing sessions, SSE
 * events, limits and change notifications through Redis. Absent = one process, nothing shared,
 * no Redis: the embedded default.
 */
export const clusterSchema = z
  .object({
    /** The Redis every replica shares, e.g. redis://127.0.0.1:6379/0 (MCP_HOST_REDIS_URL). */
    redisUrl: z.string().regex(/^rediss?:\/\//, { error: 'must be a redis:// or rediss:// URL' }),
    /** This replica's name, unique in the cluster (logs, metrics, routing); default: host name and pid (MCP_HOST_REPLICA_ID). */
    replicaId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'must be 1-64 letters, digits, ".", "_" or "-"' }).optional(),
    /** Prefix of every Redis key and channel: several clusters may share one Redis. */
    keyPrefix: z.string().regex(/^[A-Za-z0-9:._-]{1,64}$/).default('mcp-host:'),
    /**
     * How long a replica's hold on a session's GET stream lasts without renewal (renewed every third
     * of it): once a dead replica's lease expires, another replica takes its sessions' streams.
     */
    leaseMs: z.number().int().min(1000).max(600_000).default(10_000),
    /** Resumable SSE in Redis Streams: events kept per stream and how long an idle stream is kept. */
    events: z
      .object({
        maxPerStream: z.number().int().min(1).max(100_000).default(1000),
        ttlMs: z.number().int().min(1000).default(300_000),
      })
      .strict()
      .prefault({}),
    /** A Redis command not answered in this long fails (the host says Redis is down; nothing is queued). */
    commandTimeoutMs: z.number().int().min(50).max(60_000).default(2000),
  })
  .strict();

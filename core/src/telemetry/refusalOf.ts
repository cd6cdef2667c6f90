import { McpError } from '@mcp-host/sdk';
import { RpcCode } from '../errors/codes.js';
import type { RefusalReason } from '../protocol/ports/ObservePorts.js';

/** The `data.limit` of the quotas' refusals (each principal's share), as opposed to rates and concurrency limits. */
const QUOTA_LIMITS = new Set(['inFlightPerPrincipal', 'sessionsPerPrincipal', 'getStreamsPerPrincipal', 'listenStreamsPerPrincipal']);

/**
 * Whether an error a call ended with is a refusal, and of which kind: a forbidden item (-32003), or
 * a rate, concurrency limit or quota (-32029, told apart by `data.limit`). Other errors are the
 * call's own failures, not refusals.
 */
export function refusalOf(e: unknown): RefusalReason | undefined {
  if (!(e instanceof McpError)) return undefined;
  if (e.code === RpcCode.Forbidden) return 'forbidden';
  if (e.code !== RpcCode.RateLimited) return undefined;
  const limit = (e.data as { limit?: unknown } | undefined)?.limit;
  return typeof limit === 'string' && QUOTA_LIMITS.has(limit) ? 'quota' : 'rate-limited';
}

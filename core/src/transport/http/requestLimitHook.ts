import type { FastifyInstance } from 'fastify';
import { ANONYMOUS } from '../../identity/principals.js';
import type { HostSignals } from '../../protocol/ports/ObservePorts.js';
import { RpcCode } from '../../protocol/ProtocolError.js';

/**
 * `limits.perPrincipal` on HTTP: every request to the MCP endpoint takes a token of its principal's
 * bucket, or is answered 429 with Retry-After (seconds) and `data.retryAfterMs`. Registered after
 * authentication, so the bucket is the caller's; a refused request costs no body parsing.
 */
/** A principal's request rate (auth's RateLimiter). */
export interface RequestLimiter {
  /** Whether requests are limited at all (`limits.perPrincipal`). */
  readonly limitsRequests: boolean;
  /** Takes one request of `principal`: 0, or the milliseconds to wait (later where counted across replicas). */
  request(principal: string): number | Promise<number>;
}

export function installRequestLimit(app: FastifyInstance, mcpPath: string, limiter: RequestLimiter, signals: HostSignals): void {
  app.addHook('onRequest', async (req, reply) => {
    if (req.routeOptions.url !== mcpPath || reply.sent) return;
    const principal = (req.principal ?? ANONYMOUS).id;
    let wait = limiter.request(principal);
    if (typeof wait !== 'number') wait = await wait;
    if (wait === 0) return;
    signals.refused('rate-limited', principal);
    const body = { jsonrpc: '2.0', id: null, error: { code: RpcCode.RateLimited, message: `Too Many Requests: retry in ${wait} ms (limits.perPrincipal)`, data: { retryAfterMs: wait } } };
    return reply.code(429).header('retry-after', String(Math.ceil(wait / 1000))).type('application/json').send(JSON.stringify(body));
  });
}

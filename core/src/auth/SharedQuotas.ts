import type { QuotasConfig } from '@mcp-host/config';
import type { SharedCounts } from '../protocol/ports/LimitPorts.js';
import { PrincipalQuotas, type QuotaKind } from './PrincipalQuotas.js';

const KINDS: readonly QuotaKind[] = ['sessions', 'getStreams', 'listenStreams', 'inFlight'];

/**
 * `server.quotas` across the cluster: a principal's sessions, streams and requests in flight are
 * counted over every replica (cluster/SharedHoldings: each replica's holdings under a lease, so a
 * dead replica's units are freed when it lapses). The parent class counts what this replica
 * holds: that count is the fallback while Redis is down (the quotas then hold per replica), the
 * truth written back to Redis when it returns, and a first check that costs no round trip (a
 * replica that alone holds the share refuses at once). A quota left unlimited never reaches Redis.
 */
export class SharedQuotas extends PrincipalQuotas {
  constructor(
    config: QuotasConfig,
    private readonly holdings: SharedCounts,
  ) {
    super(config);
    for (const kind of KINDS) if (this.limit(kind) !== Infinity) holdings.track(kind, () => this.holders(kind));
  }

  override take(kind: QuotaKind, principal: string): boolean | Promise<boolean> {
    const limit = this.limit(kind);
    if (limit === Infinity || !this.holdings.up) return super.take(kind, principal);
    if (!super.take(kind, principal)) return false;
    return this.holdings.take(kind, principal, limit).then((taken) => {
      if (!taken) super.give(kind, principal);
      return taken;
    });
  }

  override give(kind: QuotaKind, principal: string): void {
    const held = this.holding(kind, principal) > 0;
    super.give(kind, principal);
    if (held && this.limit(kind) !== Infinity) this.holdings.give(kind, principal);
  }
}

import { createHash, timingSafeEqual } from 'node:crypto';
import type { AuthConfig } from '@mcp-host/config';
import type { Principal } from '@mcp-host/sdk';
import { principal } from '../identity/principals.js';

/**
 * Static tokens for services (CI, batch jobs). The config holds only each token's SHA-256, so a
 * leaked config file leaks no credential; a presented token is hashed and compared with every
 * entry in constant time, without stopping at the first match, so timing says nothing about which.
 */
export class ServiceTokens {
  private readonly entries: Array<{ hash: Buffer; principal: Principal }>;

  constructor(tokens: AuthConfig['serviceTokens']) {
    this.entries = tokens.map((t) => ({ hash: Buffer.from(t.sha256.toLowerCase(), 'hex'), principal: principal({ source: 'service', subject: t.name }, t.scopes, t.roles) }));
  }

  get size(): number {
    return this.entries.length;
  }

  match(token: string): Principal | undefined {
    if (this.entries.length === 0) return undefined;
    const hash = createHash('sha256').update(token).digest();
    let found: Principal | undefined;
    for (const e of this.entries) if (timingSafeEqual(hash, e.hash) && !found) found = e.principal;
    return found;
  }
}

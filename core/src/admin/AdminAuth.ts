import { createHash, timingSafeEqual } from 'node:crypto';
import type { AdminConfig, AuthConfig } from '@mcp-host/config';
import type { Principal } from '@mcp-host/sdk';
import { bearerChallenge } from '../auth/bearerChallenge.js';
import { JwtVerifier, KeysUnavailableError } from '../auth/JwtVerifier.js';
import { principal } from '../identity/principals.js';

/** Who may act as admin, or why not: an HTTP status, a JSON body and (401) the challenge. */
export type AdminVerdict =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly status: 401 | 403 | 503; readonly error: string; readonly challenge?: string };

export interface AdminAuthOptions {
  readonly admin: AdminConfig;
  /** The host's `auth` config: its `jwt` verifies admin JWTs (with `admin.scope`). */
  readonly auth: AuthConfig | undefined;
  /** The JWT audience when `auth.jwt.audience` and `auth.resource` are unset: the MCP endpoint's URL, known once it listens. */
  readonly resource: () => string | undefined;
}

const REALM = 'mcp-host admin';

/**
 * Authenticates admin callers from the `Authorization: Bearer` header only (never the query string,
 * which ends up in logs and browser history): a token whose SHA-256 is in `admin.tokenSha256`
 * (compared in constant time with every entry), or a JWT accepted by `auth.jwt` that carries
 * `admin.scope`. With neither configured the admin API is off (403, saying what to set).
 */
export class AdminAuth {
  private readonly hashes: Buffer[];
  private verifier: Promise<JwtVerifier> | undefined;

  constructor(private readonly options: AdminAuthOptions) {
    this.hashes = options.admin.tokenSha256.map((h) => Buffer.from(h.toLowerCase(), 'hex'));
  }

  /** Whether anyone at all can be admin under this config. */
  get configured(): boolean {
    return this.hashes.length > 0 || this.jwtConfigured;
  }

  private get jwtConfigured(): boolean {
    return this.options.admin.scope !== undefined && this.options.auth?.jwt !== undefined;
  }

  async check(header: string | undefined): Promise<AdminVerdict> {
    if (!this.configured) {
      const half = this.options.admin.scope !== undefined ? ' (admin.scope is set, but auth.jwt is not)' : '';
      return { ok: false, status: 403, error: `the admin API is off: no admin is configured${half}. Set admin.tokenSha256 to the SHA-256 hex of an admin token (echo -n "$TOKEN" | sha256sum), or admin.scope together with auth.jwt` };
    }
    const match = /^Bearer +([\x21-\x7e]+) *$/i.exec(header ?? '');
    if (!match) return this.refuse(header ? 'the Authorization header is not a Bearer token' : undefined);
    const token = match[1]!;
    const byHash = this.matchToken(token);
    if (byHash) return { ok: true, principal: byHash };
    // Only something shaped like a JWT goes to the verifier; an opaque token that matched no hash is simply wrong.
    if (this.jwtConfigured && token.split('.').length === 3) return this.checkJwt(token);
    return this.refuse('the token is not an admin token');
  }

  private matchToken(token: string): Principal | undefined {
    if (this.hashes.length === 0) return undefined;
    const hash = createHash('sha256').update(token).digest();
    let found: number | undefined;
    // Every entry is compared, so timing does not say which one (if any) matched.
    this.hashes.forEach((h, i) => {
      if (timingSafeEqual(hash, h) && found === undefined) found = i;
    });
    if (found === undefined) return undefined;
    // Named by a prefix of the configured hash: which admin token acted, without anything of the token.
    return principal({ source: 'service', subject: `admin-token-${this.options.admin.tokenSha256[found]!.slice(0, 12).toLowerCase()}` });
  }

  private async checkJwt(token: string): Promise<AdminVerdict> {
    const { auth, admin } = this.options;
    try {
      this.verifier ??= JwtVerifier.create(auth!.jwt!, auth!.resource ?? this.options.resource() ?? '');
      const p = await (await this.verifier).verify(token);
      if (!p.scopes.includes(admin.scope!)) return { ok: false, status: 403, error: `the token lacks the admin scope ${admin.scope}`, challenge: bearerChallenge({ realm: REALM, error: 'insufficient_scope', scope: admin.scope }) };
      return { ok: true, principal: p };
    } catch (e) {
      if (e instanceof KeysUnavailableError) return { ok: false, status: 503, error: 'the JWT issuer\'s keys are unavailable; try again' };
      // A verifier that failed to build (bad jwksFile) is retried on the next request rather than kept failing.
      if (!(e instanceof Error) || e.constructor === Error) this.verifier = undefined;
      return this.refuse((e as Error).message);
    }
  }

  private refuse(description: string | undefined): AdminVerdict {
    return {
      ok: false,
      status: 401,
      error: description ? `not an admin: ${description}` : 'admin authentication required: send Authorization: Bearer <admin token>',
      challenge: bearerChallenge({ realm: REALM, ...(description ? { error: 'invalid_token', error_description: description } : {}) }),
    };
  }
}

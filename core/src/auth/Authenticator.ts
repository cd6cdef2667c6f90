import type { AuthConfig } from '@mcp-host/config';
import type { Principal } from '@mcp-host/sdk';
import type { AuthFailure, AuthOutcome } from '../protocol/ports/BearerAuth.js';
import { InvalidTokenError, JwtVerifier, KeysUnavailableError } from './JwtVerifier.js';
import { ANONYMOUS } from '../identity/principals.js';
import { ServiceTokens } from './ServiceTokens.js';

export type { AuthFailure, AuthOutcome };

/** `Bearer <b64token>` (RFC 6750 §2.1); the scheme is case-insensitive, one or more spaces follow it. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

/**
 * Turns a request's Authorization header into a principal. Service tokens are tried first (a
 * hash lookup), then JWTs. A header that is not a well-formed Bearer credential is a malformed
 * request (400 invalid_request, RFC 6750 §3.1), not a bad token.
 */
export class Authenticator {
  private constructor(
    private readonly config: AuthConfig,
    private readonly services: ServiceTokens,
    private readonly jwt: JwtVerifier | undefined,
  ) {}

  static async create(config: AuthConfig, resource: string): Promise<Authenticator> {
    const jwt = config.jwt ? await JwtVerifier.create(config.jwt, resource) : undefined;
    return new Authenticator(config, new ServiceTokens(config.serviceTokens), jwt);
  }

  async authenticate(header: string | string[] | undefined): Promise<AuthOutcome> {
    if (header === undefined || header === '') {
      return this.config.anonymous ? { principal: ANONYMOUS } : { failure: { status: 401, description: 'this server requires a bearer token' } };
    }
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    if (!match) return { failure: { status: 400, error: 'invalid_request', description: "the Authorization header must be 'Bearer <token>'" } };
    const token = match[1]!;
    const service = this.services.match(token);
    if (service) return { principal: service };
    if (!this.jwt || !JWT_SHAPE.test(token)) return { failure: { status: 401, error: 'invalid_token', description: 'the token is not valid for this server' } };
    try {
      return { principal: await this.jwt.verify(token) };
    } catch (e) {
      if (e instanceof InvalidTokenError) return { failure: { status: 401, error: 'invalid_token', description: e.message } };
      if (e instanceof KeysUnavailableError) return { failure: { status: 503, description: 'the token cannot be verified right now; retry later', cause: e } };
      throw e;
    }
  }
}

import { readFile } from 'node:fs/promises';
import type { AuthConfig } from '@mcp-host/config';
import type { Principal } from '@mcp-host/sdk';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { principal } from '../identity/principals.js';

type JwtConfig = NonNullable<AuthConfig['jwt']>;
/** jose, imported by `create` only: a host without JWT auth (every stdio host) does not pay its ~50 ms of start-up. */
type Jose = typeof import('jose');

/** A token this server does not accept (answered 401 invalid_token, with `description`). */
export class InvalidTokenError extends Error {}
/** The keys to check a token could not be had (the JWKS URL is down): not the caller's fault, 503. */
export class KeysUnavailableError extends Error {}

const words = (v: unknown): string[] => (typeof v === 'string' ? v.split(' ').filter(Boolean) : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * Verifies bearer JWTs as an OAuth 2.1 resource server: signature by a key of the issuer's JWKS
 * (remote: cached, refetched when a token names an unknown `kid`, at most once per cooldown),
 * algorithm from the allow-list (never `none` or HMAC), `iss`, `aud` (tokens issued for this
 * resource only: no passthrough of tokens meant for others), `exp` (required) and `nbf` with skew.
 */
export class JwtVerifier {
  private constructor(
    private readonly jose: Jose,
    private readonly keys: JWTVerifyGetKey,
    private readonly config: JwtConfig,
    private readonly audience: string[],
  ) {}

  static async create(config: JwtConfig, resource: string): Promise<JwtVerifier> {
    // Principal ids are `jwt:<issuer>#<subject>`: an issuer with '#' would make them ambiguous.
    if (config.issuer.includes('#')) throw new Error(`auth.jwt.issuer ${JSON.stringify(config.issuer)}: an issuer identifier has no fragment ('#'; RFC 8414 §2); use the issuer exactly as its tokens' iss claim and metadata give it`);
    const audience = config.audience === undefined ? [resource] : Array.isArray(config.audience) ? config.audience : [config.audience];
    const jose = await import('jose');
    const { createLocalJWKSet, createRemoteJWKSet } = jose;
    let keys: JWTVerifyGetKey;
    if (config.jwksUrl) {
      keys = createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration: config.jwksCooldownSec * 1000 });
    } else {
      const file = config.jwksFile!;
      let jwks;
      try {
        jwks = JSON.parse(await readFile(file, 'utf8'));
      } catch (e) {
        throw new Error(`auth.jwt.jwksFile ${file}: ${(e as Error).message}`, { cause: e });
      }
      keys = createLocalJWKSet(jwks);
    }
    return new JwtVerifier(jose, keys, config, audience);
  }

  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await this.jose.jwtVerify(token, this.keys, {
        issuer: this.config.issuer,
        audience: this.audience,
        algorithms: this.config.algorithms,
        clockTolerance: this.config.clockToleranceSec,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (e) {
      throw describe(e, this.jose.errors);
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new InvalidTokenError('the token has no subject');
    // jose checked that `iss` is the configured issuer, which `create` made sure has no '#'.
    return principal({ source: 'jwt', issuer: payload.iss!, subject: payload.sub }, words(payload.scope ?? payload.scp), words(payload[this.config.rolesClaim]));
  }
}

/** Says why a token failed, in words safe to send back (nothing of the token or the keys). */
function describe(e: unknown, errors: Jose['errors']): Error {
  if (e instanceof errors.JWTExpired) return new InvalidTokenError('the token has expired');
  if (e instanceof errors.JWTClaimValidationFailed) {
    const claim = e.claim;
    if (e.reason === 'missing') return new InvalidTokenError(`the token has no ${claim} claim`);
    if (claim === 'nbf') return new InvalidTokenError('the token is not valid yet');
    if (claim === 'aud') return new InvalidTokenError('the token was issued for another audience');
    if (claim === 'iss') return new InvalidTokenError('the token was issued by an untrusted issuer');
    return new InvalidTokenError(`the token claim ${claim} is invalid`);
  }
  if (e instanceof errors.JOSEAlgNotAllowed || e instanceof errors.JOSENotSupported) return new InvalidTokenError('the token is signed with an algorithm this server does not accept');
  if (e instanceof errors.JWSSignatureVerificationFailed) return new InvalidTokenError('the token signature is invalid');
  if (e instanceof errors.JWKSNoMatchingKey) return new InvalidTokenError('no key of the issuer matches the token (unknown kid)');
  if (e instanceof errors.JWKSMultipleMatchingKeys) return new InvalidTokenError('several keys of the issuer match the token; it needs a kid');
  if (e instanceof errors.JWSInvalid || e instanceof errors.JWTInvalid) return new InvalidTokenError('the token is malformed');
  // Fetching or parsing the key set failed (timeout, network, not 200): the server cannot judge the token.
  if (e instanceof errors.JWKSTimeout || e instanceof errors.JWKSInvalid || e instanceof TypeError || (e instanceof errors.JOSEError && e.code === 'ERR_JOSE_GENERIC')) {
    return new KeysUnavailableError(`the issuer's keys are unavailable: ${(e as Error).message}`, { cause: e });
  }
  return new InvalidTokenError('the token could not be verified');
}

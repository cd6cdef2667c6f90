import type { Principal } from '@mcp-host/sdk';

/** Where clients find a protected resource's metadata (RFC 9728 §3): root and path-inserted forms. */
export const PRM_PATH = '/.well-known/oauth-protected-resource';

/** Why a request was not authenticated, as RFC 6750 §3.1 names it (no `error` when no credentials were sent). */
export interface AuthFailure {
  readonly status: 400 | 401 | 503;
  readonly error?: 'invalid_request' | 'invalid_token';
  readonly description: string;
  /** For the host's log only (a key set fetch that failed). */
  readonly cause?: unknown;
}

export type AuthOutcome = { readonly principal: Principal; readonly failure?: undefined } | { readonly principal?: undefined; readonly failure: AuthFailure };

/**
 * Bearer-token authentication as a transport needs it, bound to the URL the server listens on:
 * who a request's Authorization header names, this server as an OAuth protected resource (its
 * metadata document) and the challenges that point clients to it. `auth` implements it; the
 * kernel hands a binder to the HTTP transport.
 */
export interface BearerAuth {
  /** The canonical URI of this server (RFC 8707). */
  readonly resource: string;
  /** Where the metadata document is, and the path such a request arrives at here. */
  readonly metadataUrl: string;
  readonly metadataPath: string;
  /** The metadata document, serialized once. */
  readonly document: string;
  authenticate(header: string | string[] | undefined): Promise<AuthOutcome>;
  /** The WWW-Authenticate value of a 401 (or 400). */
  challenge(error?: string, description?: string): string;
  /** The WWW-Authenticate value of a 403 naming the scopes an operation needs. */
  insufficientScope(scopes: readonly string[], description: string): string;
}

/** Binds bearer authentication to the URL the server listens on (the default resource URI). */
export type BindBearerAuth = (url: string) => Promise<BearerAuth>;

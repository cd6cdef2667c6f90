import type { AuthConfig } from '@mcp-host/config';
import { PRM_PATH } from '../protocol/ports/BearerAuth.js';
import { bearerChallenge } from './bearerChallenge.js';

export { PRM_PATH };

/**
 * This server as an OAuth protected resource (RFC 9728): its canonical URI, the metadata document
 * clients discover the authorization server through, and the challenges that point to it.
 */
export class ProtectedResource {
  /** Where the metadata document is, path-inserted for the resource's path (RFC 9728 §3.1). */
  readonly metadataUrl: string;
  /** The document, serialized once. */
  readonly document: string;
  private readonly scope: string;

  constructor(
    readonly resource: string,
    config: AuthConfig,
  ) {
    const url = new URL(resource);
    const path = url.pathname === '/' ? '' : url.pathname;
    this.metadataUrl = `${url.origin}${PRM_PATH}${path}`;
    const servers = config.authorizationServers ?? (config.jwt ? [config.jwt.issuer] : []);
    this.document = JSON.stringify({
      resource,
      authorization_servers: servers,
      ...(config.scopesSupported.length > 0 ? { scopes_supported: config.scopesSupported } : {}),
      bearer_methods_supported: ['header'],
    });
    this.scope = config.scopesSupported.join(' ');
  }

  /** The path a metadata request for this resource arrives at on this server. */
  get metadataPath(): string {
    return new URL(this.metadataUrl).pathname;
  }

  /** 401 (and 400): where to find the metadata, and which scopes to ask for. */
  challenge(error?: string, description?: string): string {
    return bearerChallenge({ error, error_description: description, resource_metadata: this.metadataUrl, scope: this.scope });
  }

  /** 403: the scopes this operation needs (RFC 6750 §3.1 insufficient_scope). */
  insufficientScope(scopes: readonly string[], description: string): string {
    return bearerChallenge({ error: 'insufficient_scope', scope: scopes.join(' '), resource_metadata: this.metadataUrl, error_description: description });
  }
}

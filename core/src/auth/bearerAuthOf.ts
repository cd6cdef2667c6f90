import type { AuthConfig } from '@mcp-host/config';
import type { BearerAuth, BindBearerAuth } from '../protocol/ports/BearerAuth.js';
import { Authenticator } from './Authenticator.js';
import { ProtectedResource } from './ProtectedResource.js';

/**
 * Bearer authentication for HTTP from the `auth` config: the resource (the configured URI, else the
 * listening URL) and the authenticator of its tokens. Refuses, at start-up, a config with which
 * nothing could ever authenticate rather than answer every request 401.
 */
export function bearerAuthOf(config: AuthConfig): BindBearerAuth {
  if (!config.jwt && config.serviceTokens.length === 0 && !config.anonymous) {
    throw new Error('auth is configured for HTTP but nothing can authenticate: set auth.jwt, auth.serviceTokens, or auth.anonymous: true');
  }
  return async (url): Promise<BearerAuth> => {
    const resource = new ProtectedResource(config.resource ?? url, config);
    const authenticator = await Authenticator.create(config, resource.resource);
    return {
      resource: resource.resource,
      metadataUrl: resource.metadataUrl,
      metadataPath: resource.metadataPath,
      document: resource.document,
      authenticate: (header) => authenticator.authenticate(header),
      challenge: (error, description) => resource.challenge(error, description),
      insufficientScope: (scopes, description) => resource.insufficientScope(scopes, description),
    };
  };
}

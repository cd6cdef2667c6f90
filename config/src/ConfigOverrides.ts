import type { HostConfig } from './hostConfigSchema.js';

/**
 * The part of the configuration that command-line flags and `MCP_HOST_*` variables can set.
 * Plugin settings are left out on purpose: they are structured per plugin and belong in a file.
 * An `undefined` member means "not given" and never overrides a lower layer.
 */
export interface ConfigOverrides {
  server?: Partial<HostConfig['server']>;
  stdio?: boolean;
  logLevel?: HostConfig['logLevel'];
  plugins?: { paths?: string[]; watch?: boolean };
  admin?: { port?: number; host?: string };
  protocol?: { requestStateSecret?: string };
  cluster?: { redisUrl?: string; replicaId?: string };
  auth?: { stdioPrincipal?: { id: string; scopes?: string[]; roles?: string[] } };
}

import path from 'node:path';
import { ConfigError, type ConfigIssue } from './ConfigError.js';
import type { ConfigOverrides } from './ConfigOverrides.js';

/**
 * Reads the `MCP_HOST_*` variables into overrides:
 *
 * | variable                   | sets                     | format                                      |
 * |----------------------------|--------------------------|---------------------------------------------|
 * | `MCP_HOST_HOST`            | `server.host`            |                                             |
 * | `MCP_HOST_PORT`            | `server.port`            | integer                                     |
 * | `MCP_HOST_PATH`            | `server.path`            |                                             |
 * | `MCP_HOST_ALLOWED_HOSTS`   | `server.allowedHosts`    | comma separated                             |
 * | `MCP_HOST_ALLOWED_ORIGINS` | `server.allowedOrigins`  | comma separated                             |
 * | `MCP_HOST_LOG_LEVEL`       | `logLevel`               |                                             |
 * | `MCP_HOST_STDIO`           | `stdio`                  | `1`, `true`, `0`, `false`                   |
 * | `MCP_HOST_PLUGINS`         | `plugins.paths`          | `path.delimiter` separated, against `cwd`   |
 * | `MCP_HOST_REQUEST_STATE_SECRET` | `protocol.requestStateSecret` | (keeps the secret out of config files) |
 * | `MCP_HOST_REDIS_URL`       | `cluster.redisUrl`       | turns replicas on                            |
 * | `MCP_HOST_REPLICA_ID`      | `cluster.replicaId`      |                                             |
 * | `MCP_HOST_STDIO_PRINCIPAL` | `auth.stdioPrincipal.id` | who the stdio client is                      |
 * | `MCP_HOST_STDIO_SCOPES`    | `auth.stdioPrincipal.scopes` | comma separated (with the principal)     |
 * | `MCP_HOST_STDIO_ROLES`     | `auth.stdioPrincipal.roles`  | comma separated (with the principal)     |
 *
 * An empty variable counts as unset, so `MCP_HOST_PORT= mcp-host` does not fail. Only the format
 * is checked here (with the variable named in the error); values are checked by the schema later.
 */
export function envOverrides(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): ConfigOverrides {
  const issues: ConfigIssue[] = [];
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const list = (name: string, separator: string): string[] | undefined =>
    get(name)
      ?.split(separator)
      .map((item) => item.trim())
      .filter((item) => item !== '');

  const server: NonNullable<ConfigOverrides['server']> = {};
  const overrides: ConfigOverrides = {};

  const host = get('MCP_HOST_HOST');
  if (host !== undefined) server.host = host;

  const port = get('MCP_HOST_PORT');
  if (port !== undefined) {
    if (/^\d+$/.test(port)) server.port = Number(port);
    else issues.push({ path: 'MCP_HOST_PORT', message: `must be an integer, got "${port}"` });
  }

  const mcpPath = get('MCP_HOST_PATH');
  if (mcpPath !== undefined) server.path = mcpPath;

  const allowedHosts = list('MCP_HOST_ALLOWED_HOSTS', ',');
  if (allowedHosts !== undefined) server.allowedHosts = allowedHosts;

  const allowedOrigins = list('MCP_HOST_ALLOWED_ORIGINS', ',');
  if (allowedOrigins !== undefined) server.allowedOrigins = allowedOrigins;

  if (Object.keys(server).length > 0) overrides.server = server;

  const logLevel = get('MCP_HOST_LOG_LEVEL');
  // Checked against the allowed levels by the schema, which lists them in its message.
  if (logLevel !== undefined) overrides.logLevel = logLevel as ConfigOverrides['logLevel'];

  const stdio = get('MCP_HOST_STDIO')?.toLowerCase();
  if (stdio === '1' || stdio === 'true') overrides.stdio = true;
  else if (stdio === '0' || stdio === 'false') overrides.stdio = false;
  else if (stdio !== undefined) {
    issues.push({ path: 'MCP_HOST_STDIO', message: `must be 1, true, 0 or false, got "${env.MCP_HOST_STDIO}"` });
  }

  const plugins = list('MCP_HOST_PLUGINS', path.delimiter);
  if (plugins !== undefined) overrides.plugins = { paths: plugins.map((entry) => path.resolve(cwd, entry)) };

  const secret = get('MCP_HOST_REQUEST_STATE_SECRET');
  if (secret !== undefined) overrides.protocol = { requestStateSecret: secret };

  // A replica's Redis and name usually come from its deployment, not from the shared config file.
  const redisUrl = get('MCP_HOST_REDIS_URL');
  const replicaId = get('MCP_HOST_REPLICA_ID');
  if (redisUrl !== undefined || replicaId !== undefined) overrides.cluster = { ...(redisUrl !== undefined ? { redisUrl } : {}), ...(replicaId !== undefined ? { replicaId } : {}) };

  // stdio carries no tokens: whoever launches the host names its client's principal (MCP spec: env credentials).
  const principal = get('MCP_HOST_STDIO_PRINCIPAL');
  if (principal !== undefined) overrides.auth = { stdioPrincipal: { id: principal, scopes: list('MCP_HOST_STDIO_SCOPES', ','), roles: list('MCP_HOST_STDIO_ROLES', ',') } };
  else if (get('MCP_HOST_STDIO_SCOPES') !== undefined || get('MCP_HOST_STDIO_ROLES') !== undefined) {
    issues.push({ path: 'MCP_HOST_STDIO_SCOPES', message: 'needs MCP_HOST_STDIO_PRINCIPAL (the principal the scopes belong to)' });
  }

  if (issues.length > 0) throw new ConfigError('invalid environment', issues, { code: 'ERR_CONFIG_ENV' });
  return overrides;
}

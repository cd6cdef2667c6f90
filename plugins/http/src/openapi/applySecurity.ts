import type { CredentialConfig } from '../config.js';

/** A security scheme as the document declares it (the kinds the plugin can send). */
export interface SecurityScheme {
  type: string;
  /** apiKey */
  in?: 'header' | 'query' | 'cookie';
  name?: string;
  /** http */
  scheme?: string;
}

/** What a call must carry to satisfy its security requirement. */
export interface AppliedSecurity {
  readonly headers: Record<string, string>;
  readonly query: Record<string, string>;
  readonly cookies: Record<string, string>;
  /** Header names holding secrets (dropped on a redirect to another origin). */
  readonly sensitiveHeaders: string[];
}

export class MissingCredentialError extends Error {}

const read = (value: string | undefined, envName: string | undefined, env: NodeJS.ProcessEnv): string | undefined => value ?? (envName ? env[envName] || undefined : undefined);

/** How an operator supplies the credential of a scheme, for error messages (never the value). */
function where(api: string, name: string, scheme: SecurityScheme, config: CredentialConfig | undefined): string {
  const base = `apis[${api}].credentials.${name}`;
  const kind = scheme.type === 'apiKey' ? `apiKey in ${scheme.in} "${scheme.name}"` : scheme.type === 'http' ? `http ${scheme.scheme}` : scheme.type;
  const env = config?.env ?? config?.passwordEnv;
  const fix = env ? `environment variable ${env} is not set` : scheme.type === 'http' && scheme.scheme?.toLowerCase() === 'basic' ? `set ${base}.username and .password (or .usernameEnv/.passwordEnv)` : `set ${base}.value or ${base}.env`;
  return `"${name}" (${kind}): ${fix}`;
}

/** The secret(s) of one scheme, or undefined when the config (or its environment variable) has none. */
function credentialOf(scheme: SecurityScheme, config: CredentialConfig | undefined, env: NodeJS.ProcessEnv): { value?: string; user?: string; pass?: string } | undefined {
  if (!config) return undefined;
  if (scheme.type === 'http' && scheme.scheme?.toLowerCase() === 'basic') {
    const user = read(config.username, config.usernameEnv, env);
    const pass = read(config.password, config.passwordEnv, env);
    return user !== undefined && pass !== undefined ? { user, pass } : undefined;
  }
  const value = read(config.value, config.env, env);
  return value !== undefined ? { value } : undefined;
}

/**
 * Satisfies an operation's security: the first alternative whose schemes all have credentials in
 * the config (or their environment variables) is applied; `{}` or no requirement needs nothing.
 * Credentials come only from the plugin's config and environment, never from the MCP client.
 */
export function applySecurity(
  api: string,
  requirements: ReadonlyArray<Record<string, string[]>>,
  schemes: Record<string, SecurityScheme>,
  credentials: Record<string, CredentialConfig>,
  env: NodeJS.ProcessEnv = process.env,
): AppliedSecurity {
  const applied: AppliedSecurity = { headers: {}, query: {}, cookies: {}, sensitiveHeaders: [] };
  if (requirements.length === 0 || requirements.some((r) => Object.keys(r).length === 0)) {
    // Nothing is required; still send what an alternative can fully satisfy.
    const usable = requirements.find((r) => Object.keys(r).length > 0 && Object.keys(r).every((n) => schemes[n] && credentialOf(schemes[n]!, credentials[n], env)));
    if (!usable) return applied;
    requirements = [usable];
  }
  const missing: string[] = [];
  for (const requirement of requirements) {
    const names = Object.keys(requirement);
    const lacking = names.filter((n) => !schemes[n] || !credentialOf(schemes[n]!, credentials[n], env));
    if (lacking.length > 0) {
      missing.push(...lacking.map((n) => (schemes[n] ? where(api, n, schemes[n]!, credentials[n]) : `"${n}" (not declared in components.securitySchemes)`)));
      continue;
    }
    for (const name of names) {
      const scheme = schemes[name]!;
      const secret = credentialOf(scheme, credentials[name], env)!;
      if (scheme.type === 'apiKey') {
        const target = scheme.in === 'query' ? applied.query : scheme.in === 'cookie' ? applied.cookies : applied.headers;
        target[scheme.name!] = secret.value!;
        if (scheme.in === 'header') applied.sensitiveHeaders.push(scheme.name!);
      } else if (scheme.type === 'http' && scheme.scheme?.toLowerCase() === 'basic') {
        applied.headers.authorization = `Basic ${Buffer.from(`${secret.user}:${secret.pass}`).toString('base64')}`;
      } else {
        // http bearer, oauth2 and openIdConnect: a token obtained out of band, sent as a bearer token.
        applied.headers.authorization = `Bearer ${secret.value}`;
      }
    }
    return applied;
  }
  throw new MissingCredentialError(`missing credential for ${[...new Set(missing)].join('; or ')}`);
}

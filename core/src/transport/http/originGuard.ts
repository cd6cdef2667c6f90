/**
 * DNS-rebinding protection: a browser page on another site can reach a server on 127.0.0.1 only by
 * naming it with a foreign Host or sending a foreign Origin, so both are checked on every request.
 */
export interface OriginGuardOptions {
  /** Host names (without port) accepted besides the loopback names. */
  readonly allowedHosts: readonly string[];
  /** Origins (`scheme://host[:port]`) accepted besides loopback origins. */
  readonly allowedOrigins: readonly string[];
  /** The address the server is bound to (accepted as a Host name unless it is a wildcard). */
  readonly boundHost: string;
}

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]', '::1'];

function hostnameOf(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1).toLowerCase();
  const colon = hostHeader.lastIndexOf(':');
  return (colon === -1 ? hostHeader : hostHeader.slice(0, colon)).toLowerCase();
}

export function createOriginGuard(options: OriginGuardOptions): (host: string | undefined, origin: string | undefined) => string | undefined {
  const hosts = new Set([...LOOPBACK, ...options.allowedHosts.map((h) => h.toLowerCase())]);
  if (options.boundHost !== '0.0.0.0' && options.boundHost !== '::') hosts.add(options.boundHost.includes(':') ? `[${options.boundHost}]` : options.boundHost.toLowerCase());
  const origins = new Set(options.allowedOrigins.map((o) => o.toLowerCase().replace(/\/$/, '')));
  /** Returns why the request is refused, or undefined when it may proceed. */
  return (host, origin) => {
    if (!host || !hosts.has(hostnameOf(host))) return `Host header ${JSON.stringify(host ?? '')} is not allowed`;
    if (origin === undefined) return undefined;
    if (origins.has(origin.toLowerCase())) return undefined;
    let originHost: string;
    try {
      originHost = new URL(origin).hostname.toLowerCase();
    } catch {
      return `Origin ${JSON.stringify(origin)} is not a valid origin`;
    }
    return hosts.has(originHost) ? undefined : `Origin ${JSON.stringify(origin)} is not allowed`;
  };
}

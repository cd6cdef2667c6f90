import ipaddr from 'ipaddr.js';

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Strips the brackets of an IPv6 URL host (`[::1]` → `::1`) and lower-cases it. */
export function bareHost(host: string): string {
  const h = host.toLowerCase();
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

/** An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) is judged as the IPv4 address it carries. */
function normalize(addr: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() ? (addr as ipaddr.IPv6).toIPv4Address() : addr;
}

/**
 * Which hosts a call may name and which addresses it may reach. A host must be listed (exactly,
 * or under a `*.` wildcard); an address must be public unicast, unless the config lists it (or a
 * range holding it) in `allowedAddresses`. Loopback, private, link-local (cloud metadata),
 * carrier-grade NAT, multicast, reserved and translated (6to4, Teredo, NAT64) addresses are
 * refused by default.
 */
export class AddressPolicy {
  private readonly exact = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly allowed: Cidr[];

  constructor(hosts: readonly string[], allowedAddresses: readonly string[]) {
    for (const h of hosts) {
      const host = bareHost(h.trim());
      if (host.startsWith('*.')) this.suffixes.push(host.slice(1));
      else this.exact.add(host);
    }
    this.allowed = allowedAddresses.map((a) => parseRange(a));
  }

  /** A copy that also allows `hosts` (an API's own host). */
  withHosts(hosts: readonly string[]): AddressPolicy {
    const copy = Object.create(AddressPolicy.prototype) as AddressPolicy;
    Object.assign(copy, { exact: new Set([...this.exact, ...hosts.map(bareHost)]), suffixes: this.suffixes, allowed: this.allowed });
    return copy;
  }

  hostAllowed(host: string): boolean {
    const h = bareHost(host);
    return this.exact.has(h) || this.suffixes.some((s) => h.endsWith(s) && h.length > s.length);
  }

  /** Undefined when the address may be reached; otherwise why not (its range). */
  addressRefusal(ip: string): string | undefined {
    let addr: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      addr = normalize(ipaddr.parse(ip));
    } catch {
      return 'not an IP address';
    }
    if (this.allowed.some(([net, bits]) => net.kind() === addr.kind() && addr.match([net, bits] as never))) return undefined;
    const range = addr.range();
    return range === 'unicast' ? undefined : range;
  }
}

function parseRange(value: string): Cidr {
  const v = bareHost(value.trim());
  try {
    if (v.includes('/')) {
      const [net, bits] = ipaddr.parseCIDR(v);
      return [normalize(net), net.kind() === 'ipv6' && normalize(net).kind() === 'ipv4' ? bits - 96 : bits];
    }
    const addr = normalize(ipaddr.parse(v));
    return [addr, addr.kind() === 'ipv4' ? 32 : 128];
  } catch {
    throw new Error(`allowedAddresses: "${value}" is not an IP address or CIDR range`);
  }
}

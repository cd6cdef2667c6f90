import { describe, expect, it } from 'vitest';
import { AddressPolicy } from './AddressPolicy.js';

describe('AddressPolicy', () => {
  const strict = new AddressPolicy(['api.example.com', '*.example.org', '[::1]', '10.0.0.5'], []);

  it('matches listed hosts exactly and wildcard subdomains only', () => {
    expect(strict.hostAllowed('API.example.com')).toBe(true);
    expect(strict.hostAllowed('evil-api.example.com')).toBe(false);
    expect(strict.hostAllowed('a.example.org')).toBe(true);
    expect(strict.hostAllowed('a.b.example.org')).toBe(true);
    expect(strict.hostAllowed('example.org')).toBe(false);
    expect(strict.hostAllowed('badexample.org')).toBe(false);
    expect(strict.hostAllowed('[::1]')).toBe(true);
    expect(strict.hostAllowed('::1')).toBe(true);
    expect(strict.withHosts(['other.test']).hostAllowed('other.test')).toBe(true);
    expect(strict.hostAllowed('other.test')).toBe(false);
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.9.9.9', 'loopback'],
    ['10.0.0.5', 'private'],
    ['192.168.1.1', 'private'],
    ['172.16.0.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fd00::1', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['64:ff9b::a00:1', 'rfc6052'],
    ['2002:7f00:1::', '6to4'],
  ])('refuses %s (%s) by default', (ip, range) => {
    expect(strict.addressRefusal(ip)).toBe(range);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111'])('allows public %s', (ip) => {
    expect(strict.addressRefusal(ip)).toBeUndefined();
  });

  it('allows the addresses and ranges the config names', () => {
    const p = new AddressPolicy([], ['127.0.0.1', '10.1.0.0/16', '::1', '::ffff:192.168.0.0/120']);
    expect(p.addressRefusal('127.0.0.1')).toBeUndefined();
    expect(p.addressRefusal('::ffff:127.0.0.1')).toBeUndefined();
    expect(p.addressRefusal('127.0.0.2')).toBe('loopback');
    expect(p.addressRefusal('10.1.200.3')).toBeUndefined();
    expect(p.addressRefusal('10.2.0.1')).toBe('private');
    expect(p.addressRefusal('::1')).toBeUndefined();
    expect(p.addressRefusal('192.168.0.77')).toBeUndefined();
    expect(p.addressRefusal('192.168.1.77')).toBe('private');
  });

  it('rejects entries that are not addresses', () => {
    expect(() => new AddressPolicy([], ['localhost'])).toThrow('allowedAddresses: "localhost" is not an IP address or CIDR range');
  });
});

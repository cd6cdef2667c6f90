import { describe, expect, it } from 'vitest';
import { AccessPolicy, type AnyBinding } from './AccessPolicy.js';
import { principal } from '../identity/principals.js';
import { satisfies } from '../catalog/Requirement.js';

const U = { source: 'service', subject: 'u' } as const;
const tool = (name: string, declared?: { scopes?: string[]; roles?: string[] }, plugin = 'p') =>
  ({ kind: 'tool', name, descriptor: { name }, plugin: { id: plugin }, declared }) as unknown as AnyBinding;
const resource = (uri: string, name: string, declared?: { scopes?: string[] }) => ({ kind: 'resource', uri, descriptor: { uri, name }, plugin: { id: 'p' }, declared }) as unknown as AnyBinding;

describe('AccessPolicy', () => {
  it('leaves undeclared, unconfigured items open', () => {
    expect(new AccessPolicy({}).requirementOf(tool('t'))).toBeUndefined();
  });

  it('requires every declared scope and one of the declared roles', () => {
    const req = new AccessPolicy({}).requirementOf(tool('t', { scopes: ['b', 'a'], roles: ['x', 'y'] }))!;
    expect(req).toMatchObject({ scopes: ['a', 'b'], roleSets: [['x', 'y']] });
    expect(satisfies(principal(U, ['a', 'b'], ['y']), req)).toBe(true);
    expect(satisfies(principal(U, ['a'], ['y']), req)).toBe(false);
    expect(satisfies(principal(U, ['a', 'b'], ['z']), req)).toBe(false);
  });

  it('a configured item entry replaces the declaration per field; plugin-wide scopes and roles add to every item', () => {
    const settings = { p: { enabled: true, config: {}, prefix: 'pre_', permissions: { scopes: ['plugin'], roles: ['member'], tools: { t: { roles: ['admin'] } } } } } as never;
    const policy = new AccessPolicy(settings);
    // Found by the name without the prefix; the declared scope stays, the declared roles are replaced.
    const req = policy.requirementOf(tool('pre_t', { scopes: ['s'], roles: ['ops'] }))!;
    expect(req.scopes).toEqual(['plugin', 's']);
    expect(req.roleSets).toEqual([['admin'], ['member']]);
    expect(satisfies(principal(U, ['plugin', 's'], ['admin', 'member']), req)).toBe(true);
    expect(satisfies(principal(U, ['plugin', 's'], ['ops', 'member']), req)).toBe(false);
    expect(policy.requirementOf(tool('pre_other'))).toMatchObject({ scopes: ['plugin'], roleSets: [['member']] });
    // Another plugin is untouched.
    expect(policy.requirementOf(tool('x', undefined, 'q'))).toBeUndefined();
  });

  it('finds resource entries by URI or by name, and gives equal requirements equal keys', () => {
    const settings = { p: { enabled: true, config: {}, permissions: { resources: { 'db://a': { scopes: ['r'] }, named: { scopes: ['r'] } } } } } as never;
    const policy = new AccessPolicy(settings);
    const a = policy.requirementOf(resource('db://a', 'whatever'))!;
    const b = policy.requirementOf(resource('db://b', 'named'))!;
    expect(a.key).toBe(b.key);
    expect(policy.requirementOf(resource('db://c', 'other'))).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { ANONYMOUS, principal } from './principals.js';

describe('principal', () => {
  it('names the source in the id, and keeps the bare name as the subject', () => {
    expect(principal({ source: 'jwt', issuer: 'https://id.example.com', subject: 'ci-bot' }, ['a'], ['r'])).toEqual({
      id: 'jwt:https://id.example.com#ci-bot',
      source: 'jwt',
      subject: 'ci-bot',
      issuer: 'https://id.example.com',
      scopes: ['a'],
      roles: ['r'],
    });
    expect(principal({ source: 'service', subject: 'ci-bot' })).toEqual({ id: 'service:ci-bot', source: 'service', subject: 'ci-bot', scopes: [], roles: [] });
    expect(principal({ source: 'stdio', subject: 'ci-bot' })).toEqual({ id: 'stdio:ci-bot', source: 'stdio', subject: 'ci-bot', scopes: [], roles: [] });
    expect(ANONYMOUS).toEqual({ id: 'anonymous', source: 'anonymous', subject: 'anonymous', scopes: [], roles: [] });
  });

  it('gives one name from every source a different id, none of them anonymous', () => {
    for (const name of ['ci-bot', 'anonymous', 'service:ci-bot', 'jwt:x#y', '']) {
      const ids = [
        principal({ source: 'jwt', issuer: 'https://id.example.com', subject: name }).id,
        principal({ source: 'service', subject: name }).id,
        principal({ source: 'stdio', subject: name }).id,
        ANONYMOUS.id,
      ];
      expect(new Set(ids).size, name).toBe(4);
    }
  });

  it('keeps JWT ids apart across issuers and subjects that contain the separator', () => {
    // Issuer a with subject b#c, and the refused issuer a#b with subject c, would both be jwt:a#b#c.
    expect(principal({ source: 'jwt', issuer: 'https://a', subject: 'b#c' }).id).toBe('jwt:https://a#b#c');
    expect(() => principal({ source: 'jwt', issuer: 'https://a#b', subject: 'c' })).toThrow(/cannot contain '#'/);
    expect(principal({ source: 'jwt', issuer: 'https://a', subject: 's' }).id).not.toBe(principal({ source: 'jwt', issuer: 'https://b', subject: 's' }).id);
  });

  it('is frozen, and copies the lists it is given', () => {
    const scopes = ['a'];
    const p = principal({ source: 'service', subject: 's' }, scopes);
    scopes.push('b');
    expect(p.scopes).toEqual(['a']);
    expect(Object.isFrozen(p) && Object.isFrozen(p.scopes) && Object.isFrozen(p.roles) && Object.isFrozen(ANONYMOUS)).toBe(true);
  });
});

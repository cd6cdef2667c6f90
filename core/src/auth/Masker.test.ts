import { describe, expect, it } from 'vitest';
import { Masker } from './Masker.js';

describe('Masker', () => {
  it('masks named fields at any depth, case-insensitively, without touching the original', () => {
    const original = { SSN: '1', a: [{ ssn: '2', keep: 'k' }], nested: { deeper: { Ssn: 3 } }, none: null };
    const m = new Masker(['ssn'], []);
    expect(m.value(original)).toEqual({ SSN: '[REDACTED]', a: [{ ssn: '[REDACTED]', keep: 'k' }], nested: { deeper: { Ssn: '[REDACTED]' } }, none: null });
    expect(original.SSN).toBe('1');
  });

  it('masks fields inside JSON text, and patterns in any text', () => {
    const m = new Masker(['password'], ['email']);
    expect(JSON.parse(m.text('{"user":"a@b.io","password":"x"}'))).toEqual({ user: '[email]', password: '[REDACTED]' });
    expect(m.text('{not json, a@b.io')).toBe('{not json, [email]');
  });

  it.each([
    ['card', '4111 1111 1111 1111 and 4012-8888-8888-1881', '[card] and [card]'],
    ['card', 'order 1234567890123456 (not Luhn)', 'order 1234567890123456 (not Luhn)'],
    ['bearer', 'Authorization: Bearer eyJhbGciOi.x.y', 'Authorization: Bearer [token]'],
    ['apiKey', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789 api_key="abcdef123456"', '[api-key] api_key="[api-key]"'],
    ['email', 'write to first.last+tag@mail.example.co.uk', 'write to [email]'],
  ] as const)('pattern %s', (pattern, input, output) => {
    expect(new Masker([], [pattern]).text(input)).toBe(output);
  });

  it('masks tool results, resource contents and prompt messages; leaves blobs and images', () => {
    const m = new Masker([], ['email']);
    expect(m.toolResult({ content: [{ type: 'text', text: 'a@b.io' }, { type: 'image', data: 'a@b.io' }, { type: 'resource', resource: { uri: 'u', text: 'a@b.io' } }], structuredContent: { e: 'a@b.io' } })).toEqual({
      content: [{ type: 'text', text: '[email]' }, { type: 'image', data: 'a@b.io' }, { type: 'resource', resource: { uri: 'u', text: '[email]' } }],
      structuredContent: { e: '[email]' },
    });
    expect(m.resourceResult({ contents: [{ uri: 'u', text: 'a@b.io' }, { uri: 'v', blob: 'YUBiLmlv' }] })).toEqual({ contents: [{ uri: 'u', text: '[email]' }, { uri: 'v', blob: 'YUBiLmlv' }] });
    expect(m.promptResult({ messages: [{ role: 'user', content: { type: 'text', text: 'a@b.io' } }] })).toEqual({ messages: [{ role: 'user', content: { type: 'text', text: '[email]' } }] });
  });
});

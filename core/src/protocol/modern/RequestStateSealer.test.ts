import { describe, expect, it } from 'vitest';
import { RequestStateError, RequestStateSealer } from './RequestStateSealer.js';

const NOW = 1_800_000_000_000;
const TTL = 60_000;
const digest = RequestStateSealer.digest('tools/call', { name: 'ask', arguments: { city: 'Paris', days: 3 } });
const payload = { answers: { name: { action: 'accept', content: { name: 'Ada' } } }, asked: ['name'], principal: 'service:ci-bot', digest };

/** The state with its body rewritten by `edit` and the original signature kept, as a client could. */
function forge(state: string, edit: (p: Record<string, unknown>) => void): string {
  const [body, sig] = state.split('.');
  const p = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
  edit(p);
  return `${Buffer.from(JSON.stringify(p)).toString('base64url')}.${sig}`;
}

describe('RequestStateSealer', () => {
  const sealer = new RequestStateSealer('a host secret', TTL);

  it('opens what it sealed: the answers, the keys asked, the principal and the digest, with the expiry set from the TTL', () => {
    const state = sealer.seal(payload, NOW);
    expect(sealer.open(state, 'service:ci-bot', digest, NOW + 1000)).toEqual({ ...payload, exp: NOW + TTL });
  });

  it('hides nothing but signs everything: the body is plain base64url JSON, the signature an HMAC', () => {
    const [body, sig] = sealer.seal(payload, NOW).split('.');
    expect(JSON.parse(Buffer.from(body!, 'base64url').toString())).toMatchObject({ principal: 'service:ci-bot' });
    expect(sig).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it.each([
    ['an answer changed', (p: Record<string, unknown>) => void (p.answers = { name: { action: 'accept', content: { name: 'Eve' } } })],
    ['the principal changed', (p: Record<string, unknown>) => void (p.principal = 'jwt:https://issuer#eve')],
    ['the expiry pushed back', (p: Record<string, unknown>) => void (p.exp = NOW + 10 * TTL)],
    ['a key added to asked', (p: Record<string, unknown>) => void (p.asked = ['name', 'password'])],
  ])('refuses a state whose body was edited (%s) as tampered', (_what, edit) => {
    const forged = forge(sealer.seal(payload, NOW), edit);
    expect(() => sealer.open(forged, 'service:ci-bot', digest, NOW)).toThrow(/failed verification/);
  });

  it.each([
    ['no signature', (s: string) => s.split('.')[0]!],
    ['an empty body', (s: string) => `.${s.split('.')[1]}`],
    ['a signature one character off', (s: string) => s.slice(0, -1) + (s.endsWith('A') ? 'B' : 'A')],
    ['a truncated signature', (s: string) => s.slice(0, -2)],
    ['garbage', () => 'not-a-state'],
  ])('refuses a malformed state (%s) as tampered', (_what, mangle) => {
    expect(() => sealer.open(mangle(sealer.seal(payload, NOW)), 'service:ci-bot', digest, NOW)).toThrow(RequestStateError);
  });

  it('refuses a state that is not a string', () => {
    for (const state of [undefined, null, 42, { state: 'x' }]) expect(() => sealer.open(state, 'service:ci-bot', digest, NOW)).toThrow(/must be a string/);
  });

  it('refuses a state sealed by another host (another secret), and by a host without a secret after its restart', () => {
    const state = sealer.seal(payload, NOW);
    expect(() => new RequestStateSealer('another secret', TTL).open(state, 'service:ci-bot', digest, NOW)).toThrow(/issued by another host/);
    const unconfigured = new RequestStateSealer(undefined, TTL);
    const own = unconfigured.seal(payload, NOW);
    expect(unconfigured.open(own, 'service:ci-bot', digest, NOW).principal).toBe('service:ci-bot');
    expect(() => new RequestStateSealer(undefined, TTL).open(own, 'service:ci-bot', digest, NOW)).toThrow(/failed verification/);
  });

  it('is valid up to its expiry and refused after it, with what to do', () => {
    const state = sealer.seal(payload, NOW);
    expect(sealer.open(state, 'service:ci-bot', digest, NOW + TTL).exp).toBe(NOW + TTL);
    expect(() => sealer.open(state, 'service:ci-bot', digest, NOW + TTL + 1)).toThrow(/expired; send the request again without it/);
  });

  it('belongs to its principal only: the same subject from another source is another principal', () => {
    const state = sealer.seal(payload, NOW);
    expect(() => sealer.open(state, 'jwt:https://issuer.test#ci-bot', digest, NOW)).toThrow(/belongs to another principal/);
    expect(() => sealer.open(state, 'anonymous', digest, NOW)).toThrow(/belongs to another principal/);
  });

  it('belongs to its request: another method, name or arguments is refused', () => {
    const state = sealer.seal(payload, NOW);
    const other = [
      RequestStateSealer.digest('prompts/get', { name: 'ask', arguments: { city: 'Paris', days: 3 } }),
      RequestStateSealer.digest('tools/call', { name: 'ask_twice', arguments: { city: 'Paris', days: 3 } }),
      RequestStateSealer.digest('tools/call', { name: 'ask', arguments: { city: 'Paris', days: 4 } }),
      RequestStateSealer.digest('tools/call', { name: 'ask' }),
    ];
    for (const d of other) expect(() => sealer.open(state, 'service:ci-bot', d, NOW)).toThrow(/belongs to a different request/);
  });

  it('digests arguments by value, not by key order, and resources/read by URI', () => {
    expect(RequestStateSealer.digest('tools/call', { name: 'ask', arguments: { days: 3, city: 'Paris' }, requestState: 'ignored' })).toBe(digest);
    const read = RequestStateSealer.digest('resources/read', { uri: 'notes://1' });
    expect(read).not.toBe(RequestStateSealer.digest('resources/read', { uri: 'notes://2' }));
    expect(read).toBe(RequestStateSealer.digest('resources/read', { uri: 'notes://1', name: 'not part of a read' }));
  });
});

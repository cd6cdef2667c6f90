import { describe, expect, it } from 'vitest';
import type { MaskPattern } from '@mcp-host/sdk';
import { Masker } from './Masker.js';
import { MASK_PATTERNS } from './maskPatterns.js';

const ALL: MaskPattern[] = ['email', 'card', 'bearer', 'apiKey'];
const mask = (p: MaskPattern, s: string) => MASK_PATTERNS[p](s);

/** Seeded, so a failure can be replayed (mulberry32). */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALNUM36 = 'abcdefghijklmnopqrstuvwxyz0123456789';
const TOKENS = [
  'a', 'x', 'Z', '0', '1', '4', '_', '-', '.', '.', '@', '@', '%', '+', ' ', ' ', '  ', '\t', '\n', '\u00a0', '=', ':', '"', "'", ',', ';', '&', '/', '~', '[', ']', 'é',
  'com', 'co', 'uk', 'b.', 'mail.example', 'sk-', 'pk_', 'rk-', 'sk', 'live_', 'test-', 'proj_', 'AKIA', 'AIza', 'ghp_', 'gho_', 'gh', 'xoxb-', 'xoxp-', 'xox',
  'Bearer', 'bearer', 'BEARER', 'api_key', 'apikey', 'API-KEY', 'secret', 'client_secret', 'access-key', 'password', 'Passwd', '==',
  '4111', '1111', '4012', '8888', '1881', '42', 'ABCDEFGHIJKLMNOP', 'abcdefghijklmnop', ALNUM36, '0123456789', '[email]', '[card]', '[api-key]', '[token]',
];
const EMAIL_TOKENS = ['a', 'b', 'Z9', '_', '.', '.', '..', '-', '%', '+', '@', '@', '@', 'com', 'io', 'c0m', 'co.uk', 'x-y', ' ', ',', '<', '[email]', 'é'];
const DIGIT_TOKENS = ['4', '1', '0', '9', '5', '7', '42', '4111', '1111', '4012', '8888', '1881', '378282246310005', ' ', ' ', '-', '-', '  ', '--', 'a', '_', '.', 'x'];

function tokens(rand: () => number, from: string[], max: number): string {
  let s = '';
  for (let n = Math.floor(rand() * max); n > 0; n--) s += from[Math.floor(rand() * from.length)];
  return s;
}

/** The regular expressions these scanners replace, as the reference for what they match. */
const OLD = {
  email: (t: string) => t.replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, '[email]'),
  bearer: (t: string) => t.replace(/\b(Bearer)\s+[A-Za-z0-9\-._~+/]+=*/gi, '$1 [token]'),
  keyShapes: (t: string) =>
    t.replace(/\b(?:sk|pk|rk)[-_](?:live[-_]|test[-_]|proj[-_])?[A-Za-z0-9_-]{16,}\b|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bxox[abpr]-[A-Za-z0-9-]{10,}\b|\bAIza[0-9A-Za-z_-]{35}\b/g, '[api-key]'),
  /** As before, but a quoted value need not be closed (the one place masking now does more). */
  namedSecrets: (t: string) =>
    t.replace(/\b((?:api[_-]?key|apikey|secret|client[_-]?secret|access[_-]?key|password|passwd)["']?\s*[:=]\s*)(["']?)[^\s"',;&]{6,}(\2)?/gi, (_m, name: string, q: string, close?: string) => `${name}${q}[api-key]${close ?? ''}`),
};

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1 && (d *= 2) > 9) d -= 9;
    sum += d;
  }
  return sum % 10 === 0;
}

/** Whether a matched run is printed as cards are: no separators, or groups of four (the last 1–4) or 4-6-5 / 4-6-4 with one separator kind. */
function printedLikeACard(m: string): boolean {
  if (/^\d+$/.test(m)) return true;
  const seps = new Set(m.match(/[ -]/g));
  if (seps.size !== 1) return false;
  const groups = m.split(/[ -]/).map((g) => g.length);
  if (groups.length === 3 && groups[0] === 4 && groups[1] === 6 && (groups[2] === 5 || groups[2] === 4)) return true;
  return groups.slice(0, -1).every((g) => g === 4) && groups.at(-1)! >= 1 && groups.at(-1)! <= 4;
}

/** Cards by brute force: at each start, every length from 19 down to 13 with a regex, the first passing Luhn and printed like a card. */
function cardReference(t: string): string {
  let out = '';
  let copied = 0;
  for (let i = 0; i < t.length; i++) {
    if (!/\d/.test(t[i]) || (i > 0 && /\w/.test(t[i - 1]))) continue;
    for (let k = 19; k >= 13; k--) {
      const re = new RegExp(`\\d(?:[ -]?\\d){${k - 1}}\\b`, 'y');
      re.lastIndex = i;
      const m = re.exec(t);
      if (m && luhn(m[0].replace(/[ -]/g, '')) && printedLikeACard(m[0])) {
        out += t.slice(copied, i) + '[card]';
        copied = i + m[0].length;
        i = copied - 1;
        break;
      }
    }
  }
  return out + t.slice(copied);
}

describe('MASK_PATTERNS', () => {
  it.each([
    ['write to first.last+tag@mail.example.co.uk', 'write to [email]'],
    ['(a@b.io), <c.d@e-f.org>; "x_y%z@q.museum". x@y.z', '([email]), <[email]>; "[email]". x@y.z'],
    ['a@b.io and c@d.io, e@f.io', '[email] and [email], [email]'],
    ['end of sentence a@b.com.', 'end of sentence [email].'],
    ['a@b.com1 a@b.c0m a@b..com user@localhost a@.io @b.io', '[email]1 a@b.c0m a@b..com user@localhost a@.io @b.io'],
    ['x@y@z.com a@b.com@c.org', 'x@[email] [email]@c.org'],
    ['a@b.co.uk.x1.de-', '[email]-'],
  ])('email: %s', (input, output) => {
    expect(mask('email', input)).toBe(output);
    expect(OLD.email(input)).toBe(output);
  });

  it.each([
    ['4111 1111 1111 1111 and 4012-8888-8888-1881', '[card] and [card]'],
    ['order 1234567890123456 (not Luhn)', 'order 1234567890123456 (not Luhn)'],
    ['4111111111111111, 378282246310005; 3782 822463 10005.', '[card], [card]; [card].'],
    ['x4111111111111111 4111111111111111x _4111111111111111 4111111111111111_', 'x4111111111111111 4111111111111111x _4111111111111111 4111111111111111_'],
    ['4111  1111 1111 1111 and 4111 -1111', '4111  1111 1111 1111 and 4111 -1111'],
    ['id 4111111111111111-4012888888881881', 'id [card]-[card]'],
    ['ts 1700000000000 1700000000001 17000000000000', 'ts 1700000000000 1700000000001 17000000000000'],
    // The 19-digit reading fails Luhn; the card inside it does not stay in clear (it did before).
    ['4111 1111 1111 1111 123', '[card] 123'],
    ['4111-1111-1111-1111 and 4111-1111 1111-1111 (mixed separators)', '[card] and 4111-1111 1111-1111 (mixed separators)'],
    // Ordinary numbers: lists of small numbers, a date beside an id, counts — a tenth of their candidates pass Luhn by chance.
    ['pages 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20', 'pages 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20'],
    ['totals 12 345 6789 10 11 1213 14 15 1617 18 19 20', 'totals 12 345 6789 10 11 1213 14 15 1617 18 19 20'],
    ['2024-01-15 1700000000000 and 2024 0115 1700 0000', '2024-01-15 1700000000000 and 2024 0115 1700 0000'],
  ])('card: %s', (input, output) => {
    expect(mask('card', input)).toBe(output);
  });

  it.each([
    ['Authorization: Bearer eyJhbGciOi.x.y', 'Authorization: Bearer [token]'],
    ['authorization: bearer abc==, next', 'authorization: bearer [token], next'],
    ['BEARER\t\u00a0abc/def+ghi~jkl-._x==;', 'BEARER [token];'],
    ['Bearer a Bearer b; Bearer\nc', 'Bearer [token] Bearer [token]; Bearer [token]'],
    ['xBearer abc, Bearer: abc, Bearer ==, Bearer', 'xBearer abc, Bearer: abc, Bearer ==, Bearer'],
  ])('bearer: %s', (input, output) => {
    expect(mask('bearer', input)).toBe(output);
    expect(OLD.bearer(input)).toBe(output);
  });

  it.each([
    ['ghp_abcdefghijklmnopqrstuvwxyz0123456789 api_key="abcdef123456"', '[api-key] api_key="[api-key]"'],
    ['sk-abcdefghijklmnop sk-abcdefghijklmno sk_live_abcdefghijklmnop', '[api-key] sk-abcdefghijklmno [api-key]'],
    ['key: pk_test_0123456789abcdef, rk-proj-0123456789abcdef--; xsk-abcdefghijklmnopqr', 'key: [api-key], [api-key]--; xsk-abcdefghijklmnopqr'],
    ['AKIAIOSFODNN7EXAMPLE AKIAIOSFODNN7EXAMPLEX AKIAiosfodnn7example', '[api-key] AKIAIOSFODNN7EXAMPLEX AKIAiosfodnn7example'],
    [`gho_${ALNUM36} ghp_${ALNUM36.slice(0, 29)} ghp_${ALNUM36}_x`, `[api-key] ghp_${ALNUM36.slice(0, 29)} ghp_${ALNUM36}_x`],
    ['xoxb-1234567890-abcdef xoxp-123456789', '[api-key] xoxp-123456789'],
    [`AIza${ALNUM36.slice(0, 33)}-_ AIza${ALNUM36.slice(0, 34)}`, `[api-key] AIza${ALNUM36.slice(0, 34)}`],
    ['password=hunter22 PASSWORD : "hunter22" "client_secret": \'abcdefgh\'', 'password=[api-key] PASSWORD : "[api-key]" "client_secret": \'[api-key]\''],
    ['password=short my-secret=abcdefgh mysecret=abcdefgh', 'password=short my-secret=[api-key] mysecret=abcdefgh'],
    ['?apikey=abcdef123456&x=1 passwd=abcdef;user=x Access_Key:\tAbCdEf12', '?apikey=[api-key]&x=1 passwd=[api-key];user=x Access_Key:\t[api-key]'],
    ['api_key=sk-abcdefghijklmnopqrst', 'api_key=[api-key]'],
    // Unclosed or mismatched quotes: masked now, left in clear before.
    ['password="hunter22 and more', 'password="[api-key] and more'],
    ['secret=\'hunter22"', 'secret=\'[api-key]"'],
  ])('apiKey: %s', (input, output) => {
    expect(mask('apiKey', input)).toBe(output);
    expect(OLD.namedSecrets(OLD.keyShapes(input))).toBe(output);
  });

  it('matches the regular expressions it replaces on random text (cards: every start, every length)', () => {
    const rand = random(42);
    for (let n = 0; n < 10_000; n++) {
      const s = tokens(rand, TOKENS, 40);
      expect(mask('email', s), s).toBe(OLD.email(s));
      expect(mask('bearer', s), s).toBe(OLD.bearer(s));
      expect(mask('apiKey', s), s).toBe(OLD.namedSecrets(OLD.keyShapes(s)));
      const d = tokens(rand, DIGIT_TOKENS, 40);
      expect(mask('card', d), d).toBe(cardReference(d));
      expect(mask('card', s), s).toBe(cardReference(s));
      const e = tokens(rand, EMAIL_TOKENS, 30);
      expect(mask('email', e), e).toBe(OLD.email(e));
    }
  });

  it('never throws, and masking masked text changes nothing', () => {
    const rand = random(7);
    const masker = new Masker([], ALL);
    for (let n = 0; n < 10_000; n++) {
      const s = n % 4 === 0 ? String.fromCharCode(...Array.from({ length: Math.floor(rand() * 60) }, () => Math.floor(rand() * (rand() < 0.8 ? 128 : 0x10000)))) : tokens(rand, n % 2 ? TOKENS : DIGIT_TOKENS, 60);
      for (const p of ALL) {
        const once = mask(p, s);
        expect(mask(p, once), s).toBe(once);
      }
      const once = masker.text(s);
      expect(masker.text(once), s).toBe(once);
    }
  });
});

describe('MASK_PATTERNS on adversarial input', () => {
  const MB = 1 << 20;
  const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
  const rand = random(1);
  const mixed = () => {
    let s = '';
    while (s.length < MB) s += 'x'.repeat(500) + 'a@b.' + '1 '.repeat(200) + '4-'.repeat(200) + 'sk-'.repeat(200) + 'password='.repeat(50) + 'Bearer '.repeat(50) + tokens(rand, TOKENS, 200);
    return s.slice(0, MB);
  };
  const inputs: Array<[string, () => string]> = [
    ...['x', 'a@', 'a.', 'a@b.', '1 ', '1-', '1', 'sk-', 'password=', "password='a-", 'Bearer ', 'AKIA', 'xoxb-', 'ghp_', ' '].map((u): [string, () => string] => [JSON.stringify(u), () => fill(u)]),
    ['mixed', mixed],
    ['random tokens', () => tokens(random(3), TOKENS, MB / 4).slice(0, MB)],
  ];

  // A quadratic pattern takes minutes on a megabyte; a linear one milliseconds. The bound is loose
  // so that a loaded machine cannot make it flaky.
  it.each(inputs)('1 MB of %s is masked by all four patterns in well under a second', (_name, make) => {
    const s = make();
    const t0 = performance.now();
    for (const p of ALL) mask(p, s);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

import type { MaskPattern } from '@mcp-host/sdk';

/** Luhn check, so ordinary long numbers (ids, timestamps) are not taken for card numbers. */
function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1 && (d *= 2) > 9) d -= 9;
    sum += d;
  }
  return sum % 10 === 0;
}

type Replacer = (text: string) => string;

/**
 * What each pattern finds and what replaces it. The replacement names the kind, so a reader of a
 * masked result knows something was there; it keeps no part of the value.
 */
export const MASK_PATTERNS: Record<MaskPattern, Replacer> = {
  email: (t) => t.replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, '[email]'),
  card: (t) =>
    t.replace(/\b\d(?:[ -]?\d){12,18}\b/g, (m) => {
      const digits = m.replace(/[ -]/g, '');
      return digits.length >= 13 && digits.length <= 19 && luhn(digits) ? '[card]' : m;
    }),
  bearer: (t) => t.replace(/\b(Bearer)\s+[A-Za-z0-9\-._~+/]+=*/gi, '$1 [token]'),
  apiKey: (t) =>
    t
      // Well-known key shapes: Stripe/OpenAI-style sk-/pk-/rk-, AWS access key ids, GitHub, Slack, Google.
      .replace(/\b(?:sk|pk|rk)[-_](?:live[-_]|test[-_]|proj[-_])?[A-Za-z0-9_-]{16,}\b|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bxox[abpr]-[A-Za-z0-9-]{10,}\b|\bAIza[0-9A-Za-z_-]{35}\b/g, '[api-key]')
      // name=value / name: value where the name says it is a key or secret.
      .replace(/\b((?:api[_-]?key|apikey|secret|client[_-]?secret|access[_-]?key|password|passwd)["']?\s*[:=]\s*)(["']?)[^\s"',;&]{6,}\2/gi, '$1$2[api-key]$2'),
};

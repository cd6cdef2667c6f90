import type { MaskPattern } from '@mcp-host/sdk';
import { maskApiKey } from './maskApiKey.js';
import { maskBearer } from './maskBearer.js';
import { maskCard } from './maskCard.js';
import { maskEmail } from './maskEmail.js';

type Replacer = (text: string) => string;

/**
 * What each pattern finds and what replaces it. The replacement names the kind, so a reader of a
 * masked result knows something was there; it keeps no part of the value.
 *
 * They run on every string a client or a log sees, much of it written by clients and plugins, so
 * each is a hand-written scan whose cost is linear in the length of the text whatever the text is:
 * the regular expressions they replace backtracked, and 80 KB of `x` held the event loop for 7 s.
 */
export const MASK_PATTERNS: Record<MaskPattern, Replacer> = {
  email: maskEmail,
  card: maskCard,
  bearer: maskBearer,
  apiKey: maskApiKey,
};

/**
 * The shortest text each pattern can match: a shorter string cannot hold one, so it is not
 * scanned. Most strings of a result are short (keys, `type` values, small texts), and skipping
 * them is most of what masking a small result costs. email: `a@b.cc`; card: 13 digits; bearer:
 * `Bearer x`; apiKey: `secret=` and six characters (the key shapes are longer).
 */
export const MASK_MIN_LENGTH: Record<MaskPattern, number> = { email: 6, card: 13, bearer: 8, apiKey: 13 };

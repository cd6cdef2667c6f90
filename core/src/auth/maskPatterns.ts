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

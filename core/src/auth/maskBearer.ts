import { Occurrences, TOKEN, WORD, hasWordAt, is, isSpace } from './scanChars.js';

const EQUALS = 61;

/**
 * Replaces the token after the word `Bearer` (any case, kept as written) with `[token]`, as
 * `\b(Bearer)\s+[A-Za-z0-9\-._~+/]+=*` (case-insensitive) → `$1 [token]` did. The white space after
 * one `bearer` cannot hold another, so each character is read a bounded number of times; the `b`s
 * are found with native `indexOf`.
 */
export function maskBearer(text: string): string {
  const bs = new Occurrences(text, 'b', 'B');
  let out = '';
  let copied = 0;
  for (let i = bs.next(0); i >= 0; i = bs.next(Math.max(i + 1, copied))) {
    if (is(text.charCodeAt(i - 1), WORD) || !hasWordAt(text, i, 'bearer')) continue;
    let j = i + 6;
    while (isSpace(text.charCodeAt(j))) j++;
    if (j === i + 6 || !is(text.charCodeAt(j), TOKEN)) continue;
    while (is(text.charCodeAt(j), TOKEN)) j++;
    while (text.charCodeAt(j) === EQUALS) j++;
    out += text.slice(copied, i + 6) + ' [token]';
    copied = j;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

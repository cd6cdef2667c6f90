import { ALPHA, LABEL, LOCAL, is } from './scanChars.js';

const DOT = 46;

/**
 * Replaces `local@domain.tld` with `[email]`, as `/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g`
 * did, in one pass: that regex, tried at every start of a long run of local-part characters, read
 * the rest of the run each time (80 KB of `x` took seconds). Every match has an `@`, the local part
 * cannot cross one and the domain stops at one, so each character is read a bounded number of times.
 */
export function maskEmail(text: string): string {
  let at = text.indexOf('@');
  if (at < 0) return text;
  let out = '';
  let copied = 0;
  while (at >= 0) {
    // The regex resumed after its previous match, so the local part starts there at the earliest.
    let start = at;
    while (start > copied && is(text.charCodeAt(start - 1), LOCAL)) start--;
    const end = start < at ? domainEnd(text, at + 1) : -1;
    if (end < 0) {
      at = text.indexOf('@', at + 1);
      continue;
    }
    out += text.slice(copied, start) + '[email]';
    copied = end;
    at = text.indexOf('@', end);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * The end of the longest domain at `i`: labels joined by single dots, up to the last dot that is
 * followed by two or more letters (and all of those letters, as the greedy `[A-Za-z]{2,}` took);
 * -1 if there is none. This is where the regex's backtracking settled.
 */
function domainEnd(text: string, i: number): number {
  if (!is(text.charCodeAt(i), LABEL)) return -1;
  let end = -1;
  let j = i + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (is(c, LABEL)) {
      j++;
    } else if (c === DOT && text.charCodeAt(j - 1) !== DOT) {
      let k = j + 1;
      while (is(text.charCodeAt(k), ALPHA)) k++;
      if (k - j > 2) end = k;
      j = k;
    } else {
      break;
    }
  }
  return end;
}

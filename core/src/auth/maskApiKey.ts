import { ALNUM, DIGIT, KEY, LABEL, Occurrences, WORD, boundary, hasWordAt, is, isSpace } from './scanChars.js';

/**
 * Replaces API keys with `[api-key]`: the well-known shapes first, then the value of anything named
 * like a key or a secret (`api_key=…`, `"password": "…"`). Both passes read each character a bounded
 * number of times; the regular expressions they replace read a run again for each start inside it.
 */
export function maskApiKey(text: string): string {
  return maskNamedSecrets(maskKeyShapes(text));
}

/**
 * Stripe/OpenAI-style `sk-`/`pk-`/`rk-` (optionally `live_`, `test_`, `proj_`) with 16 or more
 * `[A-Za-z0-9_-]`, AWS `AKIA` ids, GitHub `gh[pousr]_` tokens, Slack `xox[abpr]-` tokens, Google
 * `AIza` keys; each starting and ending at a word boundary, as in
 * `\b(?:sk|pk|rk)[-_](?:live[-_]|test[-_]|proj[-_])?[A-Za-z0-9_-]{16,}\b|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bxox[abpr]-[A-Za-z0-9-]{10,}\b|\bAIza[0-9A-Za-z_-]{35}\b`.
 */
function maskKeyShapes(text: string): string {
  const keyRun = new LastBoundary(text, KEY);
  const slackRun = new LastBoundary(text, LABEL);
  let out = '';
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // s p r A g x: the first letters of the shapes.
    if ((c !== 115 && c !== 112 && c !== 114 && c !== 65 && c !== 103 && c !== 120) || is(text.charCodeAt(i - 1), WORD)) continue;
    const end = shapeEnd(text, i, keyRun, slackRun);
    if (end < 0) continue;
    out += text.slice(copied, i) + '[api-key]';
    copied = end;
    i = end - 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** The end of the key shape starting at `i` (after a word boundary), or -1. */
function shapeEnd(text: string, i: number, keyRun: LastBoundary, slackRun: LastBoundary): number {
  const second = text.charCodeAt(i + 1);
  switch (text.charCodeAt(i)) {
    case 115: // sk, pk, rk, then - or _
    case 112:
    case 114: {
      // An optional live_/test_/proj_ is made of the same characters as the key: it changes nothing.
      const sep = text.charCodeAt(i + 2);
      if (second !== 107 /* k */ || (sep !== 45 && sep !== 95)) return -1;
      const e = keyRun.at(i);
      return e >= i + 3 + 16 ? e : -1;
    }
    case 65: // AKIA, AIza
      if (text.startsWith('AKIA', i)) {
        for (let k = i + 4; k < i + 20; k++) if (!is(text.charCodeAt(k), DIGIT) && !isUpper(text.charCodeAt(k))) return -1;
        return boundary(text, i + 20) ? i + 20 : -1;
      }
      if (text.startsWith('AIza', i)) {
        for (let k = i + 4; k < i + 39; k++) if (!is(text.charCodeAt(k), KEY)) return -1;
        return boundary(text, i + 39) ? i + 39 : -1;
      }
      return -1;
    case 103: {
      // gh[pousr]_. No boundary inside a run of letters and digits: only its end can end the token.
      if (second !== 104 /* h */ || !oneOf('pousr', text.charCodeAt(i + 2)) || text.charCodeAt(i + 3) !== 95) return -1;
      let e = i + 4;
      while (is(text.charCodeAt(e), ALNUM)) e++;
      return e - (i + 4) >= 30 && boundary(text, e) ? e : -1;
    }
    case 120: {
      // xox[abpr]-
      if (!text.startsWith('xox', i) || !oneOf('abpr', text.charCodeAt(i + 3)) || text.charCodeAt(i + 4) !== 45) return -1;
      const e = slackRun.at(i);
      return e >= i + 5 + 10 ? e : -1;
    }
    default:
      return -1;
  }
}

const isUpper = (c: number) => c >= 65 && c <= 90;
/** Whether `c` is one of `chars` (NaN, past the end of the text, is not). */
const oneOf = (chars: string, c: number) => chars.includes(String.fromCharCode(c));

/**
 * The last word boundary of the run of `bits` characters holding `i`, where a greedy
 * `[…]{n,}\b` starting in that run ends. It is the same for every start in the run, so it is found
 * once per run (starts come in increasing order): `sk-sk-sk-…` costs one pass, not one per `sk`.
 */
class LastBoundary {
  private runEnd = -1;
  private last = -1;

  constructor(
    private readonly text: string,
    private readonly bits: number,
  ) {}

  at(i: number): number {
    if (i >= this.runEnd) {
      let r = i;
      while (is(this.text.charCodeAt(r), this.bits)) r++;
      let e = r;
      while (e > i && !boundary(this.text, e)) e--;
      this.runEnd = r;
      this.last = e > i ? e : -1;
    }
    return this.last;
  }
}

const NAMES = ['api_key', 'api-key', 'apikey', 'secret', 'client_secret', 'client-secret', 'clientsecret', 'access_key', 'access-key', 'accesskey', 'password', 'passwd'];
const DQ = 34;
const SQ = 39;

const isQuote = (c: number) => c === DQ || c === SQ;
/** A value character: `[^\s"',;&]`. */
const isValue = (c: number) => c !== DQ && c !== SQ && c !== 44 && c !== 59 && c !== 38 && !isSpace(c);

/**
 * `name=value` and `name: value` where the name says it is a key or secret (any case, after a word
 * boundary, optionally quoted, spaces around `:`/`=`): a value of 6 or more `[^\s"',;&]`, optionally
 * quoted, becomes `[api-key]`; the name and the quotes stay. A quoted value whose closing quote does
 * not follow is masked too: the regex this replaces
 * (`\b((?:api[_-]?key|apikey|secret|client[_-]?secret|access[_-]?key|password|passwd)["']?\s*[:=]\s*)(["']?)[^\s"',;&]{6,}\2`)
 * left `password="hunter2 and more` or a value cut off by a length limit in clear.
 *
 * The scan goes from one `:` or `=` to the next (found natively, so prose costs little) and looks
 * for a name before it; the white space it reads backwards ends at that separator, so no character
 * is read backwards twice.
 */
function maskNamedSecrets(text: string): string {
  const separators = new Occurrences(text, ':', '=');
  let out = '';
  let copied = 0;
  for (let sep = separators.next(0); sep >= 0; sep = separators.next(Math.max(sep + 1, copied))) {
    if (!nameBefore(text, sep, copied)) continue;
    let j = sep + 1;
    while (isSpace(text.charCodeAt(j))) j++;
    if (isQuote(text.charCodeAt(j))) j++;
    let end = j;
    while (end < text.length && isValue(text.charCodeAt(end))) end++;
    if (end - j < 6) continue;
    // The closing quote, if any, is copied with the rest of the text.
    out += text.slice(copied, j) + '[api-key]';
    copied = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Whether a name (at or after `from`, after a word boundary), an optional quote and white space come before `sep`. */
function nameBefore(text: string, sep: number, from: number): boolean {
  let k = sep;
  while (k > from && isSpace(text.charCodeAt(k - 1))) k--;
  if (k > from && isQuote(text.charCodeAt(k - 1))) k--;
  for (const name of NAMES) {
    const start = k - name.length;
    if (start >= from && !is(text.charCodeAt(start - 1), WORD) && hasWordAt(text, start, name)) return true;
  }
  return false;
}

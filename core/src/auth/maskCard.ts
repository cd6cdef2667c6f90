import { DIGIT, WORD, is } from './scanChars.js';

const SPACE = 32;
const DASH = 45;
const MIN_DIGITS = 13;
const MAX_DIGITS = 19;
/** A power of two above MAX_DIGITS + 1: how many of the last digits of a run are kept. */
const RING = 32;

/**
 * Replaces card numbers with `[card]`: 13 to 19 digits, not touching a word character on either
 * side (`\b`), passing the Luhn check, written either without separators or grouped as cards are
 * printed — groups of four (the last may be shorter: 4-4-4-4, 4-4-4-4-3, 4-4-4-1) or 4-6-5 / 4-6-4
 * (Amex, Diners), one kind of separator (a single space or dash) throughout.
 *
 * Where one run of digits allows several candidates (`4111 1111 1111 1111 123`), the longest that
 * passes is taken, and a start with none is followed by the next start inside the run: the regex
 * this replaces (`/\b\d(?:[ -]?\d){12,18}\b/g` then Luhn) gave up on the first candidate and
 * skipped it, which left a card followed by a few digits in clear. The grouping rule is what keeps
 * that from masking ordinary numbers: a list of small numbers (`pages 1 2 3 … 20`) or a date next
 * to an id has candidates of every length, and a tenth of them pass Luhn by chance.
 */
export function maskCard(text: string): string {
  let run: DigitRuns | undefined;
  for (let i = 0; i < text.length; i++) {
    if (!is(text.charCodeAt(i), DIGIT) || is(text.charCodeAt(i - 1), WORD)) continue;
    run ??= new DigitRuns(text);
    i = run.scan(i);
  }
  return run === undefined || run.copied === 0 ? text : run.out + text.slice(run.copied);
}

/**
 * Reads runs of digits joined by single spaces or dashes, each once, and collects the masked text.
 * Luhn sums of every window come from running prefix sums (mod 10), and the last 32 digits are all
 * a window needs, so a megabyte of `1 1 1 …` costs one pass and seven sums per start.
 */
class DigitRuns {
  /** The masked text up to `copied`. */
  out = '';
  copied = 0;
  private readonly pos = new Int32Array(RING);
  /** Whether a word boundary comes before / after digit u (at u % RING). */
  private readonly startOk = new Uint8Array(RING);
  private readonly endOk = new Uint8Array(RING);
  /** The separator before digit u (a space or a dash), or 0 when it follows another digit. */
  private readonly sepBefore = new Uint8Array(RING);
  /** Group lengths of the window being checked (at most MAX_DIGITS groups). */
  private readonly groups = new Uint8Array(MAX_DIGITS);
  /**
   * Luhn doubles every second digit counted from the right, so which digits are doubled depends on
   * where a window ends: two prefix sums (mod 10) of the digits before u, one doubling the digits at
   * even indexes of the run, one those at odd indexes.
   */
  private readonly evenDoubled = new Uint8Array(RING);
  private readonly oddDoubled = new Uint8Array(RING);
  /** Digits read in the current run. */
  private count = 0;
  /** The first digit of the current run a match may start at: the one after the previous match. */
  private next = 0;

  constructor(private readonly text: string) {}

  /** Reads the run whose first digit is at `p` (after a word boundary); returns its last digit's position. */
  scan(p: number): number {
    const { text } = this;
    this.next = 0;
    let even = 0;
    let odd = 0;
    this.evenDoubled[0] = this.oddDoubled[0] = 0;
    this.startOk[0] = 1;
    this.sepBefore[0] = 0;
    for (let u = 0; ; u++) {
      const slot = u & (RING - 1);
      const d = text.charCodeAt(p) - 48;
      const dd = d < 5 ? d * 2 : d * 2 - 9;
      this.pos[slot] = p;
      even = (even + (u % 2 === 0 ? dd : d)) % 10;
      odd = (odd + (u % 2 === 0 ? d : dd)) % 10;
      const after = (u + 1) & (RING - 1);
      this.evenDoubled[after] = even;
      this.oddDoubled[after] = odd;
      const c = text.charCodeAt(p + 1);
      let q = -1;
      if (is(c, DIGIT)) q = p + 1;
      else if ((c === SPACE || c === DASH) && is(text.charCodeAt(p + 2), DIGIT)) q = p + 2;
      this.endOk[slot] = is(c, WORD) ? 0 : 1;
      this.count = u + 1;
      // Every window starting MAX_DIGITS back is now known.
      if (u + 1 >= MAX_DIGITS) this.decide(u + 1 - MAX_DIGITS);
      if (q < 0) break;
      this.startOk[after] = q === p + 2 ? 1 : 0;
      this.sepBefore[after] = q === p + 2 ? c : 0;
      p = q;
    }
    for (let t = Math.max(0, this.count - MAX_DIGITS + 1); t < this.count; t++) this.decide(t);
    return p;
  }

  /** Masks the longest window starting at digit t that ends at a word boundary and passes Luhn. */
  private decide(t: number): void {
    if (t < this.next || !this.startOk[t & (RING - 1)]) return;
    for (let e = Math.min(t + MAX_DIGITS, this.count) - 1; e >= t + MIN_DIGITS - 1; e--) {
      const end = e & (RING - 1);
      if (!this.endOk[end]) continue;
      // The last digit (e) is not doubled: the doubled ones are those of the other parity.
      const sums = e % 2 === 1 ? this.evenDoubled : this.oddDoubled;
      if ((sums[(e + 1) & (RING - 1)] - sums[t & (RING - 1)] + 10) % 10 !== 0) continue;
      if (!this.printedLikeACard(t, e)) continue;
      this.out += this.text.slice(this.copied, this.pos[t & (RING - 1)]) + '[card]';
      this.copied = this.pos[end] + 1;
      this.next = e + 1;
      return;
    }
  }

  /** Whether digits t..e are written as a card is: no separators, or card groups with one separator kind. */
  private printedLikeACard(t: number, e: number): boolean {
    const { groups, sepBefore } = this;
    let n = 0;
    let sep = 0;
    let length = 0;
    for (let u = t; u <= e; u++) {
      const s = u === t ? 0 : sepBefore[u & (RING - 1)]!;
      if (s !== 0) {
        if (sep !== 0 && s !== sep) return false;
        sep = s;
        // Every group but the last has four digits, except in the 4-6-x layouts: fail early on anything else.
        if (length !== 4 && !(n === 1 && length === 6 && groups[0] === 4)) return false;
        groups[n++] = length;
        length = 0;
      }
      length++;
    }
    if (n === 0) return true;
    if (n === 2 && groups[0] === 4 && groups[1] === 6) return length === 5 || length === 4;
    for (let i = 0; i < n; i++) if (groups[i] !== 4) return false;
    return length >= 1 && length <= 4;
  }
}

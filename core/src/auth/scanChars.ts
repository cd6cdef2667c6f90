/**
 * Character classes of the masking patterns, by UTF-16 code unit, as JavaScript regular expressions
 * define them without the `u` flag (`\w`, `\b`, `\d` and case-insensitivity are ASCII-only there).
 * One table lookup per character keeps the scanners fast on megabytes of text.
 */
export const DIGIT = 1;
export const ALPHA = 2;
/** `\w`: `[A-Za-z0-9_]`. */
export const WORD = 4;
/** An email's local part: `[A-Za-z0-9._%+-]`. */
export const LOCAL = 8;
/** A domain label: `[A-Za-z0-9-]`. */
export const LABEL = 16;
/** A bearer token: `[A-Za-z0-9\-._~+/]`. */
export const TOKEN = 32;
/** The body of an `sk-`/`pk-`/`rk-` key: `[A-Za-z0-9_-]`. */
export const KEY = 64;
/** `[A-Za-z0-9]`. */
export const ALNUM = 128;

const TABLE = new Uint8Array(128);
const mark = (chars: string, bits: number) => {
  for (let i = 0; i < chars.length; i++) TABLE[chars.charCodeAt(i)] |= bits;
};
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
mark('0123456789', DIGIT | ALNUM | WORD | LOCAL | LABEL | TOKEN | KEY);
mark(LETTERS, ALPHA | ALNUM | WORD | LOCAL | LABEL | TOKEN | KEY);
mark('_', WORD | LOCAL | TOKEN | KEY);
mark('-', LOCAL | LABEL | TOKEN | KEY);
mark('.', LOCAL | TOKEN);
mark('%+', LOCAL);
mark('+/~', TOKEN);

/** Whether the code unit `c` (NaN past the end of a string) is in every class of `bits`. */
export const is = (c: number, bits: number): boolean => c < 128 && (TABLE[c] & bits) === bits;

/** `\b` at position `i` of `text`: one side a word character, the other not (or the edge). */
export const boundary = (text: string, i: number): boolean => is(text.charCodeAt(i - 1), WORD) !== is(text.charCodeAt(i), WORD);

/** `\s`: ECMAScript WhiteSpace and LineTerminator. */
export function isSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Whether `text` has `word` at `i`, ASCII letters compared case-insensitively (`word` in lower case). */
export function hasWordAt(text: string, i: number, word: string): boolean {
  if (i + word.length > text.length) return false;
  for (let k = 0; k < word.length; k++) {
    const c = text.charCodeAt(i + k);
    const w = word.charCodeAt(k);
    if (c !== w && !(is(c, ALPHA) && (c | 0x20) === w)) return false;
  }
  return true;
}

/**
 * Where either of two strings occurs in `text`, in increasing order, found with native `indexOf`
 * (far faster than a loop over every character when they are rare). Each search starts where the
 * previous one ended, so all of them together read the text once.
 */
export class Occurrences {
  private a: number;
  private b: number;

  constructor(
    private readonly text: string,
    private readonly first: string,
    private readonly second: string,
  ) {
    this.a = text.indexOf(first);
    this.b = text.indexOf(second);
  }

  /** The first occurrence at or after `from`, or -1. */
  next(from: number): number {
    if (this.a >= 0 && this.a < from) this.a = this.text.indexOf(this.first, from);
    if (this.b >= 0 && this.b < from) this.b = this.text.indexOf(this.second, from);
    return this.a < 0 ? this.b : this.b < 0 ? this.a : Math.min(this.a, this.b);
  }
}

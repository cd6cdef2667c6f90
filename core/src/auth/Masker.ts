import type { MaskPattern } from '@mcp-host/sdk';
import { MASK_PATTERNS } from './maskPatterns.js';

export const MASKED = '[REDACTED]';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/**
 * Masks sensitive data in values going to a client: the values of named fields at any depth
 * (case-insensitive), and the configured patterns in every string. JSON text (the text mirror of
 * structured content) is parsed and masked by field too, so a field masked in `structuredContent`
 * does not leak through its copy in `content`. Values are copied, never changed in place (the
 * plugin may hold them).
 */
export class Masker {
  private readonly fields: ReadonlySet<string>;
  private readonly replacers: Array<(t: string) => string>;

  constructor(fields: Iterable<string>, patterns: Iterable<MaskPattern>) {
    this.fields = new Set([...fields].map((f) => f.toLowerCase()));
    this.replacers = [...new Set(patterns)].map((p) => MASK_PATTERNS[p]);
  }

  get empty(): boolean {
    return this.fields.size === 0 && this.replacers.length === 0;
  }

  value(v: unknown): unknown {
    if (typeof v === 'string') return this.text(v, false);
    if (Array.isArray(v)) return v.map((x) => this.value(x));
    if (!isObject(v)) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = this.fields.has(k.toLowerCase()) && x !== null && x !== undefined ? MASKED : this.value(x);
    return out;
  }

  text(s: string, json = true): string {
    if (json && this.fields.size > 0 && /^\s*[[{]/.test(s)) {
      try {
        s = JSON.stringify(this.value(JSON.parse(s)));
        return s; // strings inside were masked by value()
      } catch {
        // not JSON after all: patterns only
      }
    }
    for (const r of this.replacers) s = r(s);
    return s;
  }

  /** A tool result: text content, embedded resource text, structured content. */
  toolResult(r: Record<string, unknown>): Record<string, unknown> {
    const out = { ...r };
    if (Array.isArray(r.content)) out.content = r.content.map((b) => this.block(b));
    if (r.structuredContent !== undefined) out.structuredContent = this.value(r.structuredContent);
    return out;
  }

  /** A resources/read result: the text of each entry (blobs are left alone). */
  resourceResult(r: Record<string, unknown>): Record<string, unknown> {
    return Array.isArray(r.contents) ? { ...r, contents: r.contents.map((c) => this.resourceContents(c)) } : r;
  }

  /** A prompts/get result: each message's content. */
  promptResult(r: Record<string, unknown>): Record<string, unknown> {
    return Array.isArray(r.messages) ? { ...r, messages: r.messages.map((m) => (isObject(m) ? { ...m, content: this.block(m.content) } : m)) } : r;
  }

  private block(b: unknown): unknown {
    if (!isObject(b)) return b;
    if (b.type === 'text' && typeof b.text === 'string') return { ...b, text: this.text(b.text) };
    if (b.type === 'resource' && isObject(b.resource)) return { ...b, resource: this.resourceContents(b.resource) };
    return b;
  }

  private resourceContents(c: unknown): unknown {
    return isObject(c) && typeof c.text === 'string' ? { ...c, text: this.text(c.text) } : c;
  }
}

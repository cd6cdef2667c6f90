import { McpError, ToolError, type MaskPattern } from '@mcp-host/sdk';
import type { ResultMasker } from '../protocol/ports/SecurityPorts.js';
import { MASK_MIN_LENGTH, MASK_PATTERNS } from './maskPatterns.js';

export const MASKED = '[REDACTED]';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Content blocks whose `data` is base64 bytes (patterns would corrupt it, and it holds no text). */
const BINARY_BLOCKS = new Set(['image', 'audio']);

/**
 * Masks sensitive data in values going to a client or a log: the values of named fields at any
 * depth (case-insensitive), and the configured patterns in every string, object keys included.
 * A `text` field is JSON-aware: JSON text (the text mirror of structured content) is parsed and
 * masked by field too, so a field masked in `structuredContent` does not leak through its copy in
 * `content`. Bytes (`blob`, the `data` of image and audio blocks) are left alone. Values are
 * copied, never changed in place (the plugin may hold them). Every pattern is linear in its input
 * (see maskPatterns), and what reaches a masker is within `server.limits` (depth bounds the recursion).
 */
export class Masker implements ResultMasker {
  private readonly fields: ReadonlySet<string>;
  private readonly replacers: Array<(t: string) => string>;
  /** Strings shorter than this cannot hold a match of any configured pattern (see MASK_MIN_LENGTH). */
  private readonly minLength: number;

  constructor(fields: Iterable<string>, patterns: Iterable<MaskPattern>) {
    this.fields = new Set([...fields].map((f) => f.toLowerCase()));
    const unique = [...new Set(patterns)];
    this.replacers = unique.map((p) => MASK_PATTERNS[p]);
    this.minLength = Math.min(...unique.map((p) => MASK_MIN_LENGTH[p]));
  }

  get empty(): boolean {
    return this.fields.size === 0 && this.replacers.length === 0;
  }

  value(v: unknown): unknown {
    if (typeof v === 'string') return this.text(v, false);
    if (Array.isArray(v)) return v.map((x) => this.value(x));
    if (!isObject(v) || ArrayBuffer.isView(v)) return v;
    const binary = typeof v.type === 'string' && BINARY_BLOCKS.has(v.type);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      const x = v[k];
      const key = k.length >= this.minLength ? this.text(k, false) : k;
      if (this.fields.has(k.toLowerCase()) && x !== null && x !== undefined) out[key] = MASKED;
      else if (typeof x === 'string') out[key] = k === 'blob' || (binary && k === 'data') ? x : this.text(x, k === 'text');
      else out[key] = this.value(x);
    }
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
    if (s.length < this.minLength) return s;
    for (const r of this.replacers) s = r(s);
    return s;
  }

  /**
   * A tool, resource or prompt result, whole: content of every kind (text, resource links' names
   * and descriptions, embedded resources), structured content, `_meta`, keys.
   */
  result(r: Record<string, unknown>): Record<string, unknown> {
    return this.value(r) as Record<string, unknown>;
  }

  /** Same as `result` (kept for the kinds of result by name). */
  toolResult(r: Record<string, unknown>): Record<string, unknown> {
    return this.result(r);
  }

  resourceResult(r: Record<string, unknown>): Record<string, unknown> {
    return this.result(r);
  }

  promptResult(r: Record<string, unknown>): Record<string, unknown> {
    return this.result(r);
  }

  /**
   * An error on its way to a client, masked: message and data of an McpError (same code), the
   * message of a ToolError or any other error. The stack is not carried: it stays in the host's log.
   */
  error<E>(e: E): E {
    if (e instanceof McpError) return Object.assign(new McpError(e.code, this.text(e.message, false), e.data === undefined ? undefined : this.value(e.data)), { name: e.name }) as E;
    if (e instanceof ToolError) return new ToolError(this.text(e.message, false), { structuredContent: e.structuredContent === undefined ? undefined : (this.value(e.structuredContent) as Record<string, unknown>), data: e.data === undefined ? undefined : this.value(e.data) }) as E;
    if (e instanceof Error) return Object.assign(new Error(this.text(e.message, false)), { name: e.name }) as E;
    return e;
  }
}

import type { JsonLimits } from '@mcp-host/config';

export type { JsonLimits };

/** The defaults of `server.limits` (the config schema fills them in; this is for code built without a config). */
export const DEFAULT_JSON_LIMITS: JsonLimits = Object.freeze({ maxDepth: 64, maxStringLength: 1_048_576, maxArrayLength: 100_000, maxObjectKeys: 10_000 });

/**
 * The limits on what a plugin sends back (results, log data, questions): the same depth and sizes
 * as a request, but no bound on a string's length — a file's base64 or a report's text is as long
 * as the plugin means it to be, and a string, however long, is never walked recursively (masking
 * scans it in linear time).
 */
export function pluginDataLimits(limits: JsonLimits): JsonLimits {
  return Object.freeze({ ...limits, maxStringLength: Infinity });
}

/** From this length on, JSON text is scanned for nesting before it is parsed (see textNestsDeeper). */
export const SCAN_TEXT_FROM = 64 * 1024;

/**
 * Bound on the values visited in one check. A body within the byte limit cannot reach it; a plugin
 * result can (one object referenced from many places is visited at each), and a cycle would never
 * end without the depth limit: together they make the check finish in bounded time on anything.
 */
const MAX_NODES = 4_000_000;
/** Values the running check may still visit (checks are synchronous, so one counter serves them all). */
let budget = 0;

/**
 * Why `value` is over a limit (a sentence naming the limit and where it was met), or undefined
 * when it is within them. It runs before anything that recurses without a bound (schema
 * validation, masking, structured clone, serialization) touches data a client or a plugin sent.
 * It recurses itself, but never deeper than `maxDepth` (at most 1,000): it looks at a level's
 * depth before entering it. Recursion rather than an explicit stack because every request and
 * every result passes here, and a walk of a small message then allocates nothing.
 */
export function exceedsJsonLimits(value: unknown, limits: JsonLimits = DEFAULT_JSON_LIMITS): string | undefined {
  if (typeof value !== 'object' || value === null) return typeof value === 'string' && value.length > limits.maxStringLength ? stringTooLong(value, limits) : undefined;
  budget = MAX_NODES;
  return walk(value, 1, limits);
}

function walk(v: object, depth: number, limits: JsonLimits): string | undefined {
  if (depth > limits.maxDepth) return `nested deeper than ${limits.maxDepth} levels (server.limits.maxDepth)`;
  if (--budget < 0) return `more than ${MAX_NODES} values`;
  // Bytes (a resource's contents) are one value however long: they are copied, never walked.
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return undefined;
  if (Array.isArray(v)) {
    if (v.length > limits.maxArrayLength) return `an array of ${v.length} items, over ${limits.maxArrayLength} (server.limits.maxArrayLength)`;
    for (let i = 0; i < v.length; i++) {
      const over = check(v[i], depth, limits);
      if (over) return over;
    }
    return undefined;
  }
  let keys = 0;
  for (const key in v) {
    if (++keys > limits.maxObjectKeys) return `an object of more than ${limits.maxObjectKeys} keys (server.limits.maxObjectKeys)`;
    if (key.length > limits.maxStringLength) return stringTooLong(key, limits);
    const over = check((v as Record<string, unknown>)[key], depth, limits);
    if (over) return over;
  }
  return undefined;
}

/** One member of a container at `depth`: strings are measured, containers walked one level down. */
function check(item: unknown, depth: number, limits: JsonLimits): string | undefined {
  if (typeof item === 'string') return item.length > limits.maxStringLength ? stringTooLong(item, limits) : undefined;
  if (typeof item === 'object' && item !== null) return walk(item, depth + 1, limits);
  return undefined;
}

/**
 * Whether JSON text nests deeper than `maxDepth`, read in one pass over its characters before it is
 * parsed: V8 parses deep nesting without recursing, but a 4 MB body of brackets still costs most of
 * a second of the event loop to build, and it is refused anyway. (Callers skip it for small texts,
 * whose parse costs less than the scan; the check of the parsed value catches their depth.)
 */
export function textNestsDeeper(text: string, maxDepth: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // Skip the string: its brackets do not nest.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i++;
        else if (d === 34) break;
      }
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > maxDepth) return true;
    } else if (c === 93 /* ] */ || c === 125 /* } */) {
      depth--;
    }
  }
  return false;
}

function stringTooLong(s: string, limits: JsonLimits): string {
  return `a string of ${s.length} characters, over ${limits.maxStringLength} (server.limits.maxStringLength)`;
}

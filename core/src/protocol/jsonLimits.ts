import type { JsonLimits } from '@mcp-host/config';

export type { JsonLimits };

/** The defaults of `server.limits` (the config schema fills them in; this is for code built without a config). */
export const DEFAULT_JSON_LIMITS: JsonLimits = Object.freeze({ maxDepth: 64, maxStringLength: 1_048_576, maxArrayLength: 100_000, maxObjectKeys: 10_000 });

/**
 * Bound on the values visited in one check. A body within the byte limit cannot reach it; a plugin
 * result can (one object referenced from many places is visited at each), and a cycle would never
 * end without the depth limit: together they make the check finish in bounded time on anything.
 */
const MAX_NODES = 4_000_000;

/**
 * Why `value` is over a limit (a sentence naming the limit and where it was met), or undefined
 * when it is within them. Iterative, so the depth it can check is not bounded by the stack: this
 * runs before anything recursive (schema validation, masking, structured clone, serialization)
 * touches data a client or a plugin sent.
 */
export function exceedsJsonLimits(value: unknown, limits: JsonLimits = DEFAULT_JSON_LIMITS): string | undefined {
  if (typeof value !== 'object' || value === null) return typeof value === 'string' && value.length > limits.maxStringLength ? stringTooLong(value, limits) : undefined;
  // Parallel stacks of values and their depths: no tuple allocated per value.
  const values: unknown[] = [value];
  const depths: number[] = [1];
  let visited = 0;
  while (values.length > 0) {
    const v = values.pop();
    const depth = depths.pop()!;
    if (++visited > MAX_NODES) return `more than ${MAX_NODES} values`;
    if (typeof v === 'string') {
      if (v.length > limits.maxStringLength) return stringTooLong(v, limits);
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth > limits.maxDepth) return `nested deeper than ${limits.maxDepth} levels (server.limits.maxDepth)`;
    // Bytes (a resource's contents) are one value however long: they are copied, never walked.
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue;
    if (Array.isArray(v)) {
      if (v.length > limits.maxArrayLength) return `an array of ${v.length} items, over ${limits.maxArrayLength} (server.limits.maxArrayLength)`;
      for (let i = 0; i < v.length; i++) {
        const item = v[i];
        if (typeof item === 'object' ? item !== null : typeof item === 'string') values.push(item), depths.push(depth + 1);
      }
      continue;
    }
    let keys = 0;
    for (const key in v as Record<string, unknown>) {
      if (++keys > limits.maxObjectKeys) return `an object of more than ${limits.maxObjectKeys} keys (server.limits.maxObjectKeys)`;
      if (key.length > limits.maxStringLength) return stringTooLong(key, limits);
      const item = (v as Record<string, unknown>)[key];
      if (typeof item === 'object' ? item !== null : typeof item === 'string') values.push(item), depths.push(depth + 1);
    }
  }
  return undefined;
}

/**
 * Whether JSON text nests deeper than `maxDepth`, read in one pass over its characters before it is
 * parsed: V8 parses deep nesting without recursing, but a 4 MB body of brackets still costs most of
 * a second of the event loop to build, and it is refused anyway.
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

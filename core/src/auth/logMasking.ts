import type { LogMask } from '@mcp-host/config';
import type { LoggerOptions } from 'pino';
import { Masker } from './Masker.js';

export type { LogMask };

/** Past this depth a logged value is summarized: log objects are the host's own, but may carry plugin data. */
const MAX_DEPTH = 8;

/**
 * pino hooks that mask every line by pattern and by field, at any depth: the message, the merged
 * object, and errors (message, stack, cause, own properties), which pino's path redaction cannot
 * reach (it knows fixed paths, and an error's text is one string). Errors stay errors, so pino's
 * serializer still names their type. Undefined when nothing is to be masked.
 */
export function logMaskingHooks(mask: LogMask | undefined): LoggerOptions['hooks'] | undefined {
  if (!mask || (mask.fields.length === 0 && mask.patterns.length === 0)) return undefined;
  const masker = new Masker(mask.fields, mask.patterns);
  const seen = new WeakSet<object>();
  const scrub = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return masker.text(v, false);
    if (typeof v !== 'object' || v === null) return v;
    if (depth >= MAX_DEPTH || seen.has(v)) return '[…]';
    seen.add(v);
    try {
      if (v instanceof Error) {
        const copy = Object.create(Object.getPrototypeOf(v)) as Error & Record<string, unknown>;
        for (const key of Object.keys(v)) copy[key] = scrub((v as unknown as Record<string, unknown>)[key], depth + 1);
        Object.defineProperties(copy, {
          message: { value: masker.text(v.message, false), enumerable: false, writable: true, configurable: true },
          stack: { value: v.stack === undefined ? undefined : masker.text(v.stack, false), enumerable: false, writable: true, configurable: true },
          ...(v.cause !== undefined ? { cause: { value: scrub(v.cause, depth + 1), enumerable: false, writable: true, configurable: true } } : {}),
        });
        return copy;
      }
      if (Array.isArray(v)) return v.map((x) => scrub(x, depth + 1));
      if (ArrayBuffer.isView(v)) return v;
      // Field names first (any depth, case-insensitive), then patterns in what is left.
      return scrubObject(v as Record<string, unknown>, depth);
    } finally {
      seen.delete(v);
    }
  };
  const fields = new Set(mask.fields.map((f) => f.toLowerCase()));
  const scrubObject = (o: Record<string, unknown>, depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(o)) out[masker.text(key, false)] = fields.has(key.toLowerCase()) && o[key] != null ? '[REDACTED]' : scrub(o[key], depth + 1);
    return out;
  };
  return {
    logMethod(args, method) {
      return method.apply(this, args.map((a) => scrub(a, 0)) as Parameters<typeof method>);
    },
  };
}

import { ROOT_CONTEXT, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import type { TraceContext } from '@mcp-host/sdk';

/*
 * The W3C trace context of a request, read from and written to the `params._meta` property bag as
 * the MCP conventions say (SEP-414: unprefixed `traceparent`, `tracestate`, `baggage`). The parsing
 * and serializing are OpenTelemetry's own propagators; what is added here is the distrust a
 * client's `_meta` deserves: a value that is not a string or is longer than its W3C limit is
 * ignored before any parser sees it, and nothing here ever throws.
 */

/** W3C limits: a version-00 traceparent is 55 characters (a future version may append fields); tracestate 512 (32 members); baggage 8192 bytes. */
const MAX_CHARS: Readonly<Record<string, number>> = { traceparent: 256, tracestate: 512, baggage: 8192 };

const propagator = new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });

/** Reads one key of a client's `_meta`: own string properties within their limit, nothing else. */
const metaGetter: TextMapGetter<Record<string, unknown>> = {
  keys: () => Object.keys(MAX_CHARS),
  get(meta, key) {
    const max = MAX_CHARS[key];
    if (max === undefined || !Object.hasOwn(meta, key)) return undefined;
    const value = meta[key];
    return typeof value === 'string' && value.length <= max ? value : undefined;
  },
};

const setter: TextMapSetter<Record<string, string>> = { set: (carrier, key, value) => void (carrier[key] = value) };

/** The remote parent (and baggage) a request's `_meta` names, or the root context when it names none or names it badly. */
export function extractTraceMeta(meta: unknown): Context {
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return ROOT_CONTEXT;
  const bag = meta as Record<string, unknown>;
  // The cheap common case: a request that carries no trace context costs one property check per key.
  if (bag.traceparent === undefined && bag.baggage === undefined) return ROOT_CONTEXT;
  try {
    return propagator.extract(ROOT_CONTEXT, bag, metaGetter);
  } catch {
    // Hostile input must not fail the request: it is served as if untraced by the client.
    return ROOT_CONTEXT;
  }
}

/** `context`'s span and baggage in their header forms, as a plugin receives them (`ctx.trace`). */
export function injectTraceMeta(context: Context): TraceContext | undefined {
  const carrier: Record<string, string> = {};
  propagator.inject(context, carrier, setter);
  return carrier.traceparent === undefined ? undefined : (carrier as unknown as TraceContext);
}

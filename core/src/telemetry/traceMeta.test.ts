import { propagation, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { extractTraceMeta, injectTraceMeta } from './traceMeta.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('extractTraceMeta / injectTraceMeta', () => {
  it('reads W3C trace context and baggage from _meta and writes them back in header form', () => {
    const context = extractTraceMeta({ traceparent: TRACEPARENT, tracestate: 'rojo=00f067aa0ba902b7', baggage: 'userId=alice,n=1' });
    const span = trace.getSpanContext(context)!;
    expect(span).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true });
    expect(propagation.getBaggage(context)?.getEntry('userId')?.value).toBe('alice');
    expect(injectTraceMeta(context)).toEqual({ traceparent: TRACEPARENT, tracestate: 'rojo=00f067aa0ba902b7', baggage: 'userId=alice,n=1' });
  });

  it.each([
    ['no _meta', undefined],
    ['a _meta that is not an object', 'traceparent'],
    ['an array', [TRACEPARENT]],
    ['no trace keys', { progressToken: 1 }],
    ['a non-string traceparent', { traceparent: 42 }],
    ['a malformed traceparent', { traceparent: '00-xyz-abc-01' }],
    ['an all-zero trace id', { traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' }],
    ['a 1,000-character traceparent', { traceparent: TRACEPARENT + '-'.repeat(1000) }],
    ['10,000 baggage entries', { baggage: Array.from({ length: 10_000 }, (_, i) => `k${i}=v${i}`).join(',') }],
    ['an inherited traceparent', Object.create({ traceparent: TRACEPARENT })],
  ])('ignores %s', (_, meta) => {
    const context = extractTraceMeta(meta);
    expect(trace.getSpanContext(context)).toBeUndefined();
    expect(propagation.getBaggage(context)).toBeUndefined();
    expect(injectTraceMeta(context)).toBeUndefined();
  });

  it('keeps a good traceparent when its tracestate is oversized (only the bad value is dropped)', () => {
    const context = extractTraceMeta({ traceparent: TRACEPARENT, tracestate: 'k='.padEnd(600, 'v') });
    expect(trace.getSpanContext(context)?.spanId).toBe('00f067aa0ba902b7');
    expect(trace.getSpanContext(context)?.traceState).toBeUndefined();
  });
});

import type { ExportResult } from '@opentelemetry/core';
import { InMemorySpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LoggedSpanExporter } from './LoggedSpanExporter.js';

/** An exporter whose collector is down until `up` is set (the in-memory exporter behind it when up). */
class FlakyExporter implements SpanExporter {
  up = false;
  readonly store = new InMemorySpanExporter();
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    if (this.up) this.store.export(spans, done);
    else done({ code: 1, error: new Error('connect ECONNREFUSED 127.0.0.1:4318') });
  }
  shutdown(): Promise<void> {
    return this.store.shutdown();
  }
}

describe('LoggedSpanExporter', () => {
  it('logs one warning when exports start failing and one line when they work again, and passes every result on', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
    const flaky = new FlakyExporter();
    const exporter = new LoggedSpanExporter(flaky, logger, 'http://127.0.0.1:4318/v1/traces');
    const results: number[] = [];
    // The in-memory exporter answers on a later tick, as a real one does: one export at a time.
    const once = () => new Promise<void>((resolve) => exporter.export([], (r) => resolve(void results.push(r.code))));
    for (let i = 0; i < 5; i++) await once();
    flaky.up = true;
    for (let i = 0; i < 3; i++) await once();
    expect(results).toEqual([1, 1, 1, 1, 1, 0, 0, 0]);
    expect(lines.map((l) => l.msg)).toEqual(['trace export failed; spans are dropped until the collector answers', 'trace export works again']);
    expect(lines[0]!.endpoint).toBe('http://127.0.0.1:4318/v1/traces');
  });
});

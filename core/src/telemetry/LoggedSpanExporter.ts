import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { Logger } from 'pino';

/** ExportResultCode.SUCCESS: a const enum value, written here so this file needs nothing of @opentelemetry/core at run time. */
const SUCCESS = 0;

/**
 * The OTLP exporter, with its failures in the host's log: OpenTelemetry reports a failed export
 * only to its global diagnostic logger, which the host does not set (it is process-wide). One
 * warning when exports start failing, one line when they work again — not a line per batch.
 */
export class LoggedSpanExporter implements SpanExporter {
  private failing = false;

  constructor(
    private readonly inner: SpanExporter,
    private readonly logger: Logger,
    private readonly endpoint: string,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      const ok = result.code === SUCCESS;
      if (!ok && !this.failing) this.logger.warn({ endpoint: this.endpoint, err: result.error, spans: spans.length }, 'trace export failed; spans are dropped until the collector answers');
      else if (ok && this.failing) this.logger.info({ endpoint: this.endpoint }, 'trace export works again');
      this.failing = !ok;
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

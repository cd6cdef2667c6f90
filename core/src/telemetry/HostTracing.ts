import type { TelemetryConfig } from '@mcp-host/config';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { Logger } from 'pino';
import { HOST_VERSION } from '../version.js';
import { LoggedSpanExporter } from './LoggedSpanExporter.js';
import { TraceObserver } from './TraceObserver.js';

export { tracingEnabled } from './tracingEnabled.js';


/** How long shutdown waits for the last spans to be exported: a dead collector must not hold the host's exit. */
const FLUSH_TIMEOUT_MS = 5000;

/**
 * The host's own tracer provider, never registered globally: a plugin or library that sets up
 * OpenTelemetry in the host process gets its own, and ours is not changed by theirs. Spans are
 * sampled ParentBased(TraceIdRatio(sampleRatio)): a client's sampling decision in `traceparent` is
 * followed, and requests without one are sampled at the configured ratio. They are exported by
 * OTLP/HTTP (JSON) in batches when `otlp.endpoint` is set, and otherwise only to `spanProcessor`
 * (tests' in-memory exporter) — or nowhere.
 */
export class HostTracing {
  readonly observer: TraceObserver;
  private readonly provider: TracerProvider;

  constructor(config: TelemetryConfig, logger: Logger, spanProcessor?: SpanProcessor) {
    const processors: SpanProcessor[] = [];
    if (spanProcessor) processors.push(spanProcessor);
    const { endpoint, headers, serviceName } = config.otlp;
    if (endpoint) {
      const exporter = new LoggedSpanExporter(new OTLPTraceExporter({ url: endpoint, headers, timeoutMillis: FLUSH_TIMEOUT_MS }), logger, endpoint);
      processors.push(new BatchSpanProcessor({ exporter }));
      logger.info({ endpoint, sampleRatio: config.tracing.sampleRatio }, 'exporting traces by OTLP/HTTP');
    }
    this.provider = new TracerProvider({
      sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.tracing.sampleRatio) }),
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName, [ATTR_SERVICE_VERSION]: HOST_VERSION }),
      // Attribute values come from clients (tool names, URIs, error messages): bounded so no request can make a span huge.
      spanLimits: { attributeValueLengthLimit: 1024 },
      spanProcessors: processors,
    });
    this.observer = new TraceObserver(this.provider.getTracer('mcp-host', HOST_VERSION));
  }

  /** Exports what is left and stops (at host shutdown); gives up after a few seconds. */
  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, FLUSH_TIMEOUT_MS + 1000)));
    try {
      await Promise.race([this.provider.shutdown().catch(() => undefined), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

import type { TelemetryConfig } from '@mcp-host/config';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { PluginGeneration } from '../plugins/loadPlugin.js';
import type { ReloadRecord, SupervisorEvents } from '../plugins/PluginSupervisor.js';
import type { CallObserver, HostSignals, RefusalReason } from '../protocol/ports/ObservePorts.js';
import type { Session } from '../protocol/Session.js';
import { composeObservers } from './composeObservers.js';
import { EventFeed } from './EventFeed.js';
import type { HostMetrics } from './HostMetrics.js';
import type { HostTracing } from './HostTracing.js';
import { tracingEnabled } from './tracingEnabled.js';

export interface HostTelemetryOptions {
  readonly config: TelemetryConfig;
  /** Whether metrics are kept (an admin listener serves them). */
  readonly metrics: boolean;
  /** Also receives every span when tracing is on (tests: an in-memory exporter); the OTLP exporter still runs if configured. */
  readonly spanProcessor?: SpanProcessor;
  /** For the exporter's failures and recoveries. */
  readonly logger: Logger;
  /**
   * The tracing class, when tracing is on: the kernel imports its module only then, since
   * OpenTelemetry's SDK and OTLP exporter cost ~180 ms of every start (stdio answers at once).
   */
  readonly HostTracing?: typeof HostTracing;
  /** The same for metrics (prom-client, ~50 ms): imported by the kernel only when `metrics` is true. */
  readonly prometheus?: { readonly Registry: typeof Registry; readonly HostMetrics: typeof HostMetrics };
}

/**
 * The host's telemetry: the Prometheus registry and its metrics, the observer the engine calls
 * around each request, the signals the transports report, the supervisor's reload and restart
 * events, and the live feed the admin UI shows. One object, so that each event is counted and shown
 * from one place.
 */
export class HostTelemetry implements HostSignals, SupervisorEvents {
  /** The Prometheus registry; undefined when metrics are off. */
  readonly registry: Registry | undefined;
  readonly feed = new EventFeed();
  /** The Prometheus metrics (HostMetrics); undefined when metrics are off. */
  readonly metrics: HostMetrics | undefined;
  /** Around each request; undefined when neither metrics nor traces are on (the engine then skips it). */
  readonly observer: CallObserver | undefined;
  /** Spans per request (TraceObserver) and their export; undefined when tracing is off. */
  readonly tracing: HostTracing | undefined;

  constructor(readonly options: HostTelemetryOptions) {
    const prom = options.metrics ? loadedModule(options.prometheus, 'metrics are on (an admin listener serves them)', 'prometheus') : undefined;
    this.registry = prom && new prom.Registry();
    this.metrics = prom && new prom.HostMetrics(this.registry!, options.config.metrics, (reason, principal) => this.refused(reason, principal));
    this.tracing = tracingEnabled(options.config) ? new (loadedModule(options.HostTracing, 'tracing is on (telemetry.tracing / telemetry.otlp)', 'HostTracing'))(options.config, options.logger, options.spanProcessor) : undefined;
    // Metrics outermost: the measured duration is the whole request as the client waits for it, span work included.
    this.observer = composeObservers([this.metrics?.observer, this.tracing?.observer]);
  }

  refused(reason: RefusalReason, principal?: string): void {
    this.metrics?.refused(reason);
    this.feed.publish({ type: 'refusal', reason, principal });
  }

  sessionOpened(session: Session): void {
    this.metrics?.sessionOpened(session);
  }

  sessionClosed(session: Session): void {
    this.metrics?.sessionClosed(session);
  }

  listChangedSent(kind: string, count: number): void {
    this.metrics?.listChangedSent(kind, count);
  }

  reloaded(record: ReloadRecord): void {
    this.metrics?.reloaded(record);
    this.feed.publish({ type: 'reload', plugin: record.pluginId, version: record.version, outcome: record.outcome, path: record.path, durationMs: record.durationMs, revision: record.revision, changed: record.changed, items: record.items, problems: record.problems.map((p) => ({ code: p.code, message: p.message })) });
  }

  restarting(generation: PluginGeneration, reason: string): void {
    this.metrics?.restarting(generation.info.id, reason);
    this.feed.publish({ type: 'restart', plugin: generation.info.id, version: generation.info.version, reason });
  }

  /** Flushes and stops exporters. */
  async close(): Promise<void> {
    await this.tracing?.close();
  }
}

function loadedModule<T>(module: T | undefined, why: string, option: string): T {
  if (!module) throw new Error(`${why} but its module was not loaded: pass ${option}`);
  return module;
}

import type { TelemetryConfig } from '@mcp-host/config';
import { collectDefaultMetrics, Counter, Gauge, type Registry } from 'prom-client';
import type { ReloadRecord } from '../plugins/PluginSupervisor.js';
import type { RefusalReason } from '../protocol/ports/ObservePorts.js';
import type { Session } from '../protocol/Session.js';
import { LEGACY_VERSIONS } from '../protocol/versions.js';
import { CallMetrics, UNKNOWN } from './CallMetrics.js';
import { RESTART_CAUSES, restartCause } from './restartCause.js';
import { SECONDS_BUCKETS, SeriesHistogram } from './SeriesHistogram.js';

/** Every refusal reason, each counted from zero so a query finds the series before the first refusal. */
const REASONS: readonly RefusalReason[] = ['auth', 'forbidden', 'rate-limited', 'quota', 'limits', 'origin', 'unavailable', 'session-limit', 'bad-request'];
const RELOAD_OUTCOMES: readonly ReloadRecord['outcome'][] = ['loaded', 'replaced', 'unloaded', 'failed', 'unchanged'];
const LIST_KINDS = new Set(['tools', 'prompts', 'resources']);

/**
 * Live host state the kernel lets the metrics read at scrape time (`track`), so that nothing is
 * counted per request for a gauge: each is a callback the scrape calls.
 */
export interface TrackedState {
  /** The serving catalog's revision. */
  catalog_revision: () => number;
  /** Plugin generations by state (serving, draining…). */
  plugin_generations: () => Readonly<Record<string, number>>;
  /** Legacy sessions open (HTTP sessions and the stdio peer). */
  sessions: () => number;
  /** Legacy GET streams open. */
  get_streams: () => number;
  /** Modern `subscriptions/listen` streams open. */
  listen_streams: () => number;
  /** Whether the host is draining (shutting down). */
  draining: () => boolean;
  /** A replica: whether its Redis is up (absent in one process: the gauge reads -1). */
  redis_up: () => boolean;
}

/**
 * The host's Prometheus metrics, all on one registry: the MCP conventions' operation and session
 * durations (the operation one through `observer`), the host's gauges (read at scrape time from
 * what the kernel tracks), and its counters (reloads, restarts, refusals, list_changed sent). Built
 * only when metrics are on: when off there is no observer and nothing is counted.
 */
export class HostMetrics {
  /** Around each request the engine serves. */
  readonly observer: CallMetrics;
  private readonly sessionDuration: SeriesHistogram;
  private readonly sessionsOpened = new WeakMap<Session, number>();
  private readonly tracked: Partial<TrackedState> = {};
  private readonly reloads: Counter<'outcome'>;
  private readonly restarts: Counter<'plugin' | 'cause'>;
  private readonly refusals: Counter<'reason'>;
  private readonly listChanged: Counter<'kind'>;

  constructor(
    readonly registry: Registry,
    config: TelemetryConfig['metrics'],
    /** A refusal found inside a call (the telemetry counts it and shows it in the feed). */
    onRefused: (reason: RefusalReason, principal: string) => void,
  ) {
    const registers = [registry];
    this.observer = new CallMetrics(registry, config.principalLabel, onRefused);
    this.sessionDuration = new SeriesHistogram('mcp_server_session_duration_seconds', 'Duration of MCP sessions (legacy era) as observed on the server (OpenTelemetry mcp.server.session.duration)', ['mcp_protocol_version', 'era'], SECONDS_BUCKETS, registry);

    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({ name: `mcp_host_${name}`, help, registers, collect() {
        this.set(read());
      } });
    const state = this.tracked;
    gauge('catalog_revision', 'Revision of the serving catalog (one more per swap)', () => state.catalog_revision?.() ?? 0);
    gauge('sessions', 'Legacy sessions open', () => state.sessions?.() ?? 0);
    gauge('get_streams', 'Legacy GET streams open', () => state.get_streams?.() ?? 0);
    gauge('listen_streams', 'Modern subscriptions/listen streams open', () => state.listen_streams?.() ?? 0);
    gauge('draining', '1 while the host drains (shutting down), else 0', () => (state.draining?.() ? 1 : 0));
    gauge('cluster_redis_up', 'A replica: 1 while its Redis is up, 0 while down; -1 when not clustered', () => (state.redis_up ? (state.redis_up() ? 1 : 0) : -1));
    const calls = this.observer;
    gauge('calls_in_flight', 'Requests being served now (listen streams excluded)', () => calls.inFlight);
    new Gauge({ name: 'mcp_host_plugin_generations', help: 'Plugin generations by state', labelNames: ['state'], registers, collect() {
      this.reset();
      for (const [s, n] of Object.entries(state.plugin_generations?.() ?? {})) this.set({ state: s }, n);
    } });

    this.reloads = new Counter({ name: 'mcp_host_reloads_total', help: 'Plugin reload attempts by outcome', labelNames: ['outcome'], registers });
    for (const outcome of RELOAD_OUTCOMES) this.reloads.inc({ outcome }, 0);
    this.restarts = new Counter({ name: 'mcp_host_plugin_restarts_total', help: `Restarts of a plugin whose worker or process died, by cause (${RESTART_CAUSES.join(', ')})`, labelNames: ['plugin', 'cause'], registers });
    this.refusals = new Counter({ name: 'mcp_host_refusals_total', help: 'Requests refused, by reason', labelNames: ['reason'], registers });
    for (const reason of REASONS) this.refusals.inc({ reason }, 0);
    this.listChanged = new Counter({ name: 'mcp_host_list_changed_sent_total', help: 'notifications/<kind>/list_changed sent to clients, by kind', labelNames: ['kind'], registers });

    if (config.processMetrics) collectDefaultMetrics({ register: registry });
  }

  /** Lets the scrape read a piece of live state (the kernel registers each once it is built). */
  track<K extends keyof TrackedState>(name: K, read: TrackedState[K]): void {
    this.tracked[name] = read;
  }

  refused(reason: RefusalReason): void {
    this.refusals.inc({ reason });
  }

  sessionOpened(session: Session): void {
    this.sessionsOpened.set(session, performance.now());
  }

  sessionClosed(session: Session): void {
    const opened = this.sessionsOpened.get(session);
    if (opened === undefined) return;
    this.sessionsOpened.delete(session);
    const v = session.protocolVersion;
    const version = v === '' || (LEGACY_VERSIONS as readonly string[]).includes(v) ? v : UNKNOWN;
    this.sessionDuration.series([version, 'legacy']).observe((performance.now() - opened) / 1000);
  }

  listChangedSent(kind: string, count: number): void {
    if (count > 0) this.listChanged.inc({ kind: LIST_KINDS.has(kind) ? kind : 'other' }, count);
  }

  reloaded(record: ReloadRecord): void {
    this.reloads.inc({ outcome: record.outcome });
  }

  /** A plugin's worker or process is restarted; plugins are configured, so their ids are bounded. */
  restarting(pluginId: string, reason: string): void {
    this.restarts.inc({ plugin: pluginId, cause: restartCause(reason) });
  }
}

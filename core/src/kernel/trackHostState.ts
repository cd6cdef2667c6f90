import type { HostState } from '../admin/HostState.js';
import type { PluginSupervisor } from '../plugins/PluginSupervisor.js';
import type { Engine } from '../protocol/Engine.js';
import type { HostMetrics } from '../telemetry/HostMetrics.js';

/**
 * Hands the metrics the live state their gauges show, as callbacks read at scrape time: nothing is
 * counted per request for a gauge. `getStreams` is read through a callback too, since the transport
 * is built after the metrics (and stdio has none).
 */
export function trackHostState(metrics: HostMetrics, from: { plugins: PluginSupervisor; engine: Engine; state: HostState; getStreams: () => number }): void {
  const { plugins, engine, state } = from;
  metrics.track('catalog_revision', () => plugins.catalog?.revision ?? 0);
  metrics.track('plugin_generations', () => plugins.generationStates);
  metrics.track('sessions', () => engine.notifier.sessions.size);
  metrics.track('listen_streams', () => engine.notifier.listeners.size);
  metrics.track('get_streams', from.getStreams);
  metrics.track('draining', () => state.phase === 'draining');
}

import { hostConfigSchema } from '@mcp-host/config';
import { McpError, ToolError, type RequestContext } from '@mcp-host/sdk';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { CallLifetime } from '../calls/CallLifetime.js';
import { DEFAULT_JSON_LIMITS } from '../calls/jsonLimits.js';
import { Catalog } from '../catalog/Catalog.js';
import { inProcessGeneration as generation } from '../plugins/generation.testkit.js';
import type { ReloadRecord } from '../plugins/PluginSupervisor.js';
import type { Channel } from '../protocol/Channel.js';
import { Engine } from '../protocol/Engine.js';
import type { JsonRpcMessage } from '../protocol/jsonrpc.js';
import { Notifier } from '../protocol/Notifier.js';
import { Session } from '../protocol/Session.js';
import { Registry } from 'prom-client';
import { HostMetrics } from './HostMetrics.js';
import { HostTelemetry } from './HostTelemetry.js';
import { restartCause } from './restartCause.js';

/*
 * The metrics through the real engine: requests of both eras served by a real catalog of in-process
 * bindings, observed by the telemetry the kernel builds, read back from the Prometheus text the
 * admin listener serves.
 */

const MODERN = '2026-07-28';
const logger = pino({ level: 'silent' });

const demo = generation('demo', {
  tools: [
    { name: 'echo', inputSchema: { type: 'object', properties: { text: { type: 'string' } } }, handler: ({ text }: { text: string }) => text },
    { name: 'refuse', inputSchema: { type: 'object' }, handler: () => Promise.reject(new ToolError('not today')) },
    { name: 'guarded', inputSchema: { type: 'object' }, handler: () => Promise.reject(new McpError(-32003, 'Forbidden: needs scope x', { scopes: ['x'] })) },
    { name: 'odd', inputSchema: { type: 'object' }, handler: () => Promise.reject(new McpError(-31999, 'a code of the plugin\'s own')) },
    { name: 'wait', inputSchema: { type: 'object' }, handler: (_args: unknown, ctx: RequestContext) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve('aborted'))) },
  ],
  resources: [{ name: 'readme', uri: 'demo://readme', handler: () => 'text' }],
  resourceTemplates: [{ name: 'note', uriTemplate: 'demo://note/{id}', handler: (_uri: string, { id }: Record<string, string | string[]>) => `note ${String(id)}` }],
  prompts: [{ name: 'greet', handler: () => 'hello' }],
});

const channel: Channel = { canSend: true, send: (_m: JsonRpcMessage) => {} };

function setup(metrics: Record<string, unknown> = {}, enabled = true) {
  const config = hostConfigSchema.parse({ admin: {}, telemetry: { metrics: { processMetrics: false, ...metrics } } });
  const telemetry = new HostTelemetry({ config: config.telemetry, metrics: enabled && config.telemetry.metrics.enabled, logger, prometheus: { Registry, HostMetrics } });
  const { catalog } = Catalog.build(1, [demo]);
  const engine = new Engine({
    catalog: () => catalog, notifier: new Notifier(undefined, telemetry), logger, serverInfo: { name: 'mcp-host', version: '1.0.0' }, clientRequestTimeoutMs: 5_000,
    cache: { listTtlMs: 0, readTtlMs: 0, discoverTtlMs: 0, cacheScope: 'private' }, limits: DEFAULT_JSON_LIMITS, maxListenStreams: 4, requestStateTtlMs: 60_000,
    observer: telemetry.observer, signals: telemetry,
  });
  let n = 0;
  const modern = (method: string, params: Record<string, unknown> = {}, principalId = 'anonymous', lifetime = new CallLifetime()) =>
    engine.handleModernRequest({ jsonrpc: '2.0', id: ++n, method, params }, { protocolVersion: MODERN, capabilities: {}, info: { name: 'unit', version: '1' } } as never, channel, lifetime, { id: principalId, source: 'service', subject: principalId, scopes: [], roles: [] } as never);
  const session = new Session('s-1');
  const legacy = (method: string, params: Record<string, unknown> = {}) => engine.handleRequest({ jsonrpc: '2.0', id: ++n, method, params }, session, channel);
  return { telemetry, engine, modern, legacy, session, scrape: () => telemetry.registry?.metrics() ?? Promise.resolve('') };
}

/** The value of one sample in Prometheus text: the line of `name` whose labels include every pair of `labels`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}
const seriesOf = (text: string, name: string) => text.split('\n').filter((l) => l.startsWith(`${name}{`));

describe('HostMetrics', () => {
  it('times requests of both eras, labelled by method, version, tool, plugin@version and era, on the MCP conventions\' buckets', async () => {
    const { modern, legacy, scrape } = setup();
    await legacy('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'unit', version: '1' } });
    await legacy('tools/call', { name: 'echo', arguments: { text: 'a' } });
    await modern('tools/call', { name: 'echo', arguments: { text: 'b' } });
    await modern('tools/call', { name: 'echo', arguments: { text: 'c' } });
    await modern('tools/list');
    const text = await scrape();
    const count = 'mcp_server_operation_duration_seconds_count';
    expect(sample(text, count, { mcp_method_name: 'tools/call', era: 'legacy', mcp_protocol_version: '2025-11-25', gen_ai_tool_name: 'echo', plugin: 'demo', plugin_version: '1.0.0', error_type: '' })).toBe(1);
    expect(sample(text, count, { mcp_method_name: 'tools/call', era: 'modern', mcp_protocol_version: MODERN, gen_ai_tool_name: 'echo' })).toBe(2);
    expect(sample(text, count, { mcp_method_name: 'tools/list', era: 'modern', gen_ai_tool_name: '', plugin: '' })).toBe(1);
    // initialize is labelled with the version it negotiated.
    expect(sample(text, count, { mcp_method_name: 'initialize', era: 'legacy', mcp_protocol_version: '2025-11-25' })).toBe(1);
    expect(text).toMatch(/mcp_server_operation_duration_seconds_bucket\{[^}]*le="300"[^}]*\} 2/);
    expect(text).toContain('le="0.01"');
    expect(text).toContain('# TYPE mcp_server_operation_duration_seconds histogram');
  });

  it('classifies outcomes: tool_error for isError results, the JSON-RPC code for protocol errors, and counts forbidden calls as refusals', async () => {
    const { telemetry, modern, scrape } = setup();
    await modern('tools/call', { name: 'refuse', arguments: {} });
    expect((await modern('tools/call', { name: 'guarded', arguments: {} }))?.error?.code).toBe(-32003);
    await modern('tools/call', { name: 'odd', arguments: {} });
    const text = await scrape();
    const count = 'mcp_server_operation_duration_seconds_count';
    expect(sample(text, count, { gen_ai_tool_name: 'refuse', error_type: 'tool_error', rpc_response_status_code: '' })).toBe(1);
    expect(sample(text, count, { gen_ai_tool_name: 'guarded', error_type: '-32003', rpc_response_status_code: '-32003' })).toBe(1);
    // A code no part of the host defines is bounded like an unknown name.
    expect(sample(text, count, { gen_ai_tool_name: 'odd', error_type: '_OTHER' })).toBe(1);
    expect(sample(text, 'mcp_host_refusals_total', { reason: 'forbidden' })).toBe(1);
    expect(sample(text, 'mcp_host_refusals_total', { reason: 'auth' })).toBe(0);
    expect(telemetry.feed.recent().filter((e) => e.type === 'refusal')).toMatchObject([{ reason: 'forbidden', principal: 'anonymous' }]);
  });

  it('keeps label cardinality bounded by the catalog under 10,000 unknown tool names and URIs', async () => {
    const { telemetry, modern, scrape } = setup();
    const random = () => Math.random().toString(36).slice(2);
    for (let i = 0; i < 10_000; i++) {
      await modern('tools/call', { name: `bogus_${random()}`, arguments: {} });
      await modern('resources/read', { uri: `bogus://${random()}/${i}` });
      await modern('prompts/get', { name: `bogus_${random()}` });
    }
    const text = await scrape();
    const series = seriesOf(text, 'mcp_server_operation_duration_seconds_count');
    expect(series.length).toBeLessThanOrEqual(3);
    expect(text).not.toContain('bogus');
    expect(sample(text, 'mcp_server_operation_duration_seconds_count', { gen_ai_tool_name: 'unknown', error_type: '-32602' })).toBe(10_000);
    expect(sample(text, 'mcp_server_operation_duration_seconds_count', { mcp_resource_uri: 'unknown' })).toBe(10_000);
    expect(sample(text, 'mcp_server_operation_duration_seconds_count', { gen_ai_prompt_name: 'unknown' })).toBe(10_000);
    expect(telemetry.metrics!.observer.histogram.size).toBe(3);
  });

  it('labels a templated resource by its URI template, never by the URI read; a plain resource by its URI', async () => {
    const { modern, scrape } = setup();
    for (let i = 0; i < 500; i++) await modern('resources/read', { uri: `demo://note/${i}` });
    await modern('resources/read', { uri: 'demo://readme' });
    await modern('prompts/get', { name: 'greet' });
    await modern('completion/complete', { ref: { type: 'ref/resource', uri: 'demo://note/{id}' }, argument: { name: 'id', value: '' } });
    const text = await scrape();
    const count = 'mcp_server_operation_duration_seconds_count';
    expect(sample(text, count, { mcp_method_name: 'resources/read', mcp_resource_uri: 'demo://note/{id}', plugin: 'demo', error_type: '' })).toBe(500);
    expect(sample(text, count, { mcp_method_name: 'resources/read', mcp_resource_uri: 'demo://readme' })).toBe(1);
    expect(sample(text, count, { mcp_method_name: 'prompts/get', gen_ai_prompt_name: 'greet' })).toBe(1);
    expect(sample(text, count, { mcp_method_name: 'completion/complete', mcp_resource_uri: 'demo://note/{id}' })).toBe(1);
    expect(text).not.toMatch(/demo:\/\/note\/\d/);
  });

  it('labels the principal only when telemetry.metrics.principalLabel is on', async () => {
    const off = setup();
    await off.modern('tools/call', { name: 'echo', arguments: { text: 'x' } }, 'service:ci');
    expect(await off.scrape()).not.toContain('principal="');
    const on = setup({ principalLabel: true });
    await on.modern('tools/call', { name: 'echo', arguments: { text: 'x' } }, 'service:ci');
    await on.modern('tools/call', { name: 'echo', arguments: { text: 'x' } }, 'service:cd');
    const text = await on.scrape();
    expect(sample(text, 'mcp_server_operation_duration_seconds_count', { principal: 'service:ci' })).toBe(1);
    expect(sample(text, 'mcp_server_operation_duration_seconds_count', { principal: 'service:cd' })).toBe(1);
  });

  it('reads gauges at scrape time from what the kernel tracks, and counts calls in flight', async () => {
    const { telemetry, engine, modern, scrape } = setup();
    const metrics = telemetry.metrics!;
    let revision = 3;
    metrics.track('catalog_revision', () => revision);
    metrics.track('plugin_generations', () => ({ serving: 2, draining: 1 }));
    metrics.track('sessions', () => engine.notifier.sessions.size);
    metrics.track('draining', () => true);
    const s = new Session('s-2');
    engine.addSession(s);
    let text = await scrape();
    expect(sample(text, 'mcp_host_catalog_revision')).toBe(3);
    expect(sample(text, 'mcp_host_plugin_generations', { state: 'serving' })).toBe(2);
    expect(sample(text, 'mcp_host_plugin_generations', { state: 'draining' })).toBe(1);
    expect(sample(text, 'mcp_host_sessions')).toBe(1);
    expect(sample(text, 'mcp_host_draining')).toBe(1);
    expect(sample(text, 'mcp_host_get_streams')).toBe(0);
    revision = 4;
    engine.removeSession(s);
    text = await scrape();
    expect(sample(text, 'mcp_host_catalog_revision')).toBe(4);
    expect(sample(text, 'mcp_host_sessions')).toBe(0);
    expect(sample(text, 'mcp_server_session_duration_seconds_count', { era: 'legacy' })).toBe(1);
    // In flight while a call runs, not after.
    const pending = modern('tools/call', { name: 'echo', arguments: { text: 'x' } });
    expect(metrics.observer.inFlight).toBe(1);
    await pending;
    expect(sample(await scrape(), 'mcp_host_calls_in_flight')).toBe(0);
  });

  it('counts a cancelled call as cancelled; a listen stream is not a call in flight', async () => {
    const { telemetry, modern, scrape } = setup();
    const lifetime = new CallLifetime();
    const waiting = modern('tools/call', { name: 'wait', arguments: {} }, 'anonymous', lifetime);
    const listenLifetime = new CallLifetime();
    const listening = modern('subscriptions/listen', { notifications: { toolsListChanged: true } }, 'anonymous', listenLifetime);
    await new Promise((r) => setTimeout(r, 10));
    expect(telemetry.metrics!.observer.inFlight).toBe(1);
    lifetime.abort(new Error('cancelled by the client'));
    listenLifetime.abort(new Error('closed'));
    expect(await waiting).toBeUndefined();
    await listening;
    const text = await scrape();
    expect(sample(text, 'mcp_server_operation_duration_seconds_count', { gen_ai_tool_name: 'wait', error_type: 'cancelled' })).toBe(1);
    expect(sample(text, 'mcp_server_operation_duration_seconds_count', { mcp_method_name: 'subscriptions/listen' })).toBe(1);
    expect(sample(text, 'mcp_host_calls_in_flight')).toBe(0);
  });

  it('counts reloads by outcome, restarts by a fixed set of causes, list_changed by kind', async () => {
    const { telemetry, engine, scrape } = setup();
    const record = (outcome: ReloadRecord['outcome']): ReloadRecord => ({ at: '', path: '/p', pluginId: 'demo', version: '1.0.1', outcome, problems: [], revision: 2, durationMs: 5, changed: [] });
    telemetry.reloaded(record('replaced'));
    telemetry.reloaded(record('failed'));
    telemetry.restarting(demo, 'memory limit exceeded: RSS 300 MB > 256 MB (plugins.maxRssMb); killed');
    telemetry.restarting(demo, 'process exited with code 3');
    const s = new Session('s-3');
    s.initialized = true;
    s.standalone = channel;
    engine.addSession(s);
    engine.notifier.listChanged(['tools', 'prompts']);
    const text = await scrape();
    expect(sample(text, 'mcp_host_reloads_total', { outcome: 'replaced' })).toBe(1);
    expect(sample(text, 'mcp_host_reloads_total', { outcome: 'failed' })).toBe(1);
    expect(sample(text, 'mcp_host_reloads_total', { outcome: 'loaded' })).toBe(0);
    expect(sample(text, 'mcp_host_plugin_restarts_total', { plugin: 'demo', cause: 'rss' })).toBe(1);
    expect(sample(text, 'mcp_host_plugin_restarts_total', { plugin: 'demo', cause: 'exit' })).toBe(1);
    expect(sample(text, 'mcp_host_list_changed_sent_total', { kind: 'tools' })).toBe(1);
    expect(sample(text, 'mcp_host_list_changed_sent_total', { kind: 'prompts' })).toBe(1);
    expect(telemetry.feed.recent().map((e) => e.type)).toEqual(['reload', 'reload', 'restart', 'restart']);
  });

  it('classifies a runtime\'s words for a death into a fixed set of causes', () => {
    expect(restartCause('memory limit exceeded: RSS 300 MB > 256 MB (plugins.maxRssMb); killed')).toBe('rss');
    expect(restartCause('unresponsive for 31000 ms (a hung handler?); terminated')).toBe('unresponsive');
    expect(restartCause('uncaught error: boom')).toBe('error');
    expect(restartCause('worker exited with code 1')).toBe('exit');
    expect(restartCause('process exited with code null (signal SIGKILL)')).toBe('exit');
    expect(restartCause('?')).toBe('other');
  });

  it('when off: no observer, nothing registered, nothing recorded (the engine pays nothing)', async () => {
    const { telemetry, modern, scrape } = setup({}, false);
    expect(telemetry.observer).toBeUndefined();
    expect(telemetry.metrics).toBeUndefined();
    await modern('tools/call', { name: 'echo', arguments: { text: 'x' } });
    telemetry.refused('auth');
    expect((await scrape()).trim()).toBe('');
    // The live feed still shows refusals.
    expect(telemetry.feed.recent()).toMatchObject([{ type: 'refusal', reason: 'auth' }]);
  });

  it('adds prom-client\'s process metrics when processMetrics is on', async () => {
    const { scrape } = setup({ processMetrics: true });
    const text = await scrape();
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toContain('process_resident_memory_bytes');
  });
});

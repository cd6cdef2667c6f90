import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CALL_DURATION_METRIC, CallStats } from './CallStats.js';

describe('CallStats', () => {
  it('shows nothing while the call histogram is absent', async () => {
    expect(await new CallStats(new Registry()).read()).toMatchObject({ present: false, plugins: [] });
    expect(await new CallStats(undefined).read()).toMatchObject({ present: false, plugins: [] });
  });

  it('sums the histogram per plugin@version: calls, errors, mean, quantiles, and the rate between reads', async () => {
    const registry = new Registry();
    const h = new Histogram({ name: CALL_DURATION_METRIC, help: 'calls', labelNames: ['mcp_method_name', 'gen_ai_tool_name', 'plugin', 'plugin_version', 'era', 'error_type'], buckets: [0.01, 0.1, 1], registers: [registry] });
    const stats = new CallStats(registry);
    const call = (tool: string, seconds: number, error?: string) => h.observe({ mcp_method_name: 'tools/call', gen_ai_tool_name: tool, plugin: 'alpha', plugin_version: '1.0.0', era: 'modern', ...(error ? { error_type: error } : {}) }, seconds);
    for (let i = 0; i < 8; i++) call('a', 0.005);
    call('b', 0.05);
    call('b', 0.5, 'tool_error');
    // Calls that reached no plugin are not a plugin's.
    h.observe({ mcp_method_name: 'tools/list', era: 'legacy' }, 0.001);
    const first = await stats.read(1_000);
    expect(first.present).toBe(true);
    expect(first.plugins).toEqual([{ plugin: 'alpha', version: '1.0.0', calls: 10, errors: 1, ratePerSecond: 0, meanMs: 59, p50Ms: 6.25, p95Ms: 550 }]);
    for (let i = 0; i < 20; i++) call('a', 0.005);
    const second = await stats.read(11_000);
    expect(second.windowSeconds).toBe(10);
    expect(second.plugins[0]).toMatchObject({ calls: 30, ratePerSecond: 2 });
  });
});

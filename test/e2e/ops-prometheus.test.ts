/**
 * Metrics, end to end, read back by a real Prometheus: a real host (service-token auth, a plugin
 * copied into a temp folder and watched, the admin listener on a free port) called by clients of
 * both eras, reloaded live, and refused a forbidden call; Prometheus scrapes the admin listener's
 * /metrics every second, and the test asks it through its HTTP query API what it saw.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttpClient, modernRequest, postModern, sha256Hex, startPrometheus, startTestHost, writeConfig, type PrometheusServer, type PromSample, type TestHost } from '../harness/index.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/auth/secure-fixture', import.meta.url));
const READER = 'reader-token-ops-prometheus';
const bearer = { authorization: `Bearer ${READER}` };
const count = 'mcp_server_operation_duration_seconds_count';

const valueOf = (samples: PromSample[]) => samples[0]?.value ?? 0;
const callModern = (url: string, id: number, name: string, args: Record<string, unknown> = {}) => postModern(url, modernRequest(id, 'tools/call', { name, arguments: args }), { headers: bearer });

describe('ops: Prometheus scrapes the host and reads back the MCP metrics', () => {
  let host: TestHost;
  let prometheus: PrometheusServer;
  let pluginRoot: string;
  let removeConfig: () => void;

  beforeAll(async () => {
    // A copy the test can change under the running host (the live reload).
    pluginRoot = mkdtempSync(join(tmpdir(), 'mcp-host-ops-prometheus-'));
    cpSync(FIXTURE, join(pluginRoot, 'secure-fixture'), { recursive: true });
    const config = writeConfig({
      auth: { serviceTokens: [{ name: 'reader', sha256: sha256Hex(READER), scopes: ['notes:read'] }] },
      // Small enough that one test request goes over it (a 413: the `limits` refusal).
      server: { bodyLimitBytes: 65_536 },
    });
    removeConfig = config.remove;
    host = await startTestHost({ plugins: [pluginRoot], args: ['--config', config.file, '--admin-port', '0'] });
    expect(host.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    prometheus = await startPrometheus([new URL(host.adminUrl!).host]);
    // Scraping works before anything is asserted on what was scraped.
    await prometheus.until('up{job="mcp-host"}', (s) => valueOf(s) === 1);
  });
  afterAll(async () => {
    await prometheus?.stop();
    await host?.stop();
    removeConfig?.();
    if (pluginRoot) rmSync(pluginRoot, { recursive: true, force: true });
  });

  it('counts calls of both eras per method and plugin version, reloads after a live reload, and a forbidden call as a refusal', async () => {
    // Legacy era: the official SDK 1.x client, a session over Streamable HTTP.
    const legacy = await connectHttpClient(host.url, {}, bearer);
    try {
      expect((await legacy.client.callTool({ name: 'echo_text', arguments: { text: 'one' } })).content).toEqual([{ type: 'text', text: 'one' }]);
      await legacy.client.listTools();
      await legacy.client.readResource({ uri: 'secure://notes/7' });
      // Modern era: stateless 2026-07-28 requests.
      for (let i = 0; i < 3; i++) expect((await callModern(host.url, i, 'echo_text', { text: `m${i}` })).response?.result).toBeDefined();
      // Forbidden: the reader lacks notes:write.
      const forbidden = await callModern(host.url, 9, 'notes_write');
      expect(forbidden.status).toBe(403);
      expect(forbidden.response?.error?.code).toBe(-32003);

      const byEra = await prometheus.until(`sum by (mcp_method_name, era, plugin_version) (${count}{gen_ai_tool_name="echo_text"})`, (s) => s.length === 2);
      expect(byEra.map((s) => [s.metric.era, s.metric.mcp_method_name, s.metric.plugin_version, s.value]).sort()).toEqual([
        ['legacy', 'tools/call', '1.0.0', 1],
        ['modern', 'tools/call', '1.0.0', 3],
      ]);
      // initialize and tools/list are counted too, with no plugin; the template read by its template.
      await prometheus.until(`sum by (mcp_method_name) (${count}{mcp_method_name=~"initialize|tools/list"})`, (s) => s.length === 2);
      expect(valueOf(await prometheus.until(`${count}{mcp_resource_uri="secure://notes/{id}"}`, (s) => s.length === 1))).toBe(1);
      expect(valueOf(await prometheus.until('mcp_host_refusals_total{reason="forbidden"}', (s) => valueOf(s) >= 1))).toBe(1);
      expect(valueOf(await prometheus.query(`${count}{gen_ai_tool_name="notes_write",error_type="-32003",rpc_response_status_code="-32003"}`))).toBe(1);
      expect(valueOf(await prometheus.query('mcp_host_sessions'))).toBe(1);
      const revision = valueOf(await prometheus.query('mcp_host_catalog_revision'));

      // A live reload: the version bumped and the entry changed under the running host.
      const dir = join(pluginRoot, 'secure-fixture');
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...manifest, version: '1.0.1' }, null, 2));
      const entry = join(dir, 'index.js');
      writeFileSync(entry, readFileSync(entry, 'utf8').replace("'Returns the principal the host passed to the handler.'", "'Returns the caller (1.0.1).'"));
      await prometheus.until('mcp_host_reloads_total{outcome="replaced"}', (s) => valueOf(s) >= 1);
      expect(valueOf(await prometheus.until('mcp_host_catalog_revision', (s) => valueOf(s) > revision))).toBeGreaterThan(revision);

      // Calls after the reload are counted under the new version, in both eras.
      await legacy.client.callTool({ name: 'echo_text', arguments: { text: 'two' } });
      await callModern(host.url, 20, 'echo_text', { text: 'm-after' });
      const after = await prometheus.until(`sum by (era) (${count}{gen_ai_tool_name="echo_text",plugin_version="1.0.1"})`, (s) => s.length === 2);
      expect(after.map((s) => [s.metric.era, s.value]).sort()).toEqual([['legacy', 1], ['modern', 1]]);
      // The 1.0.0 series keep what they counted.
      expect(valueOf(await prometheus.query(`sum(${count}{gen_ai_tool_name="echo_text",plugin_version="1.0.0"})`))).toBe(4);
      // The client ends its session (DELETE): its duration is recorded.
      await legacy.transport.terminateSession();
      const sessions = await prometheus.until('sum by (mcp_protocol_version, era) (mcp_server_session_duration_seconds_count)', (s) => valueOf(s) === 1);
      expect(sessions[0]!.metric).toEqual({ mcp_protocol_version: '2025-11-25', era: 'legacy' });
      expect(valueOf(await prometheus.until('mcp_host_sessions', (s) => valueOf(s) === 0))).toBe(0);
    } finally {
      await legacy.client.close();
    }
  });

  it('stays bounded under 200 distinct bogus tool names: no name becomes a label, the series count does not grow', async () => {
    const seriesNow = async () => valueOf(await prometheus.query(`count(${count})`));
    await callModern(host.url, 100, 'bogus_warmup');
    await prometheus.until(`${count}{gen_ai_tool_name="unknown"}`, (s) => s.length === 1);
    const before = await seriesNow();
    const admin = `${host.adminUrl}/metrics`;
    // Scrapes while the bogus calls go on, as Prometheus does every second.
    const scrapes: Array<Promise<string>> = [];
    for (let i = 0; i < 200; i++) {
      const res = await callModern(host.url, 200 + i, `bogus_${i}_${Math.random().toString(36).slice(2)}`);
      expect(res.response?.error?.code).toBe(-32602);
      if (i % 40 === 0) scrapes.push(fetch(admin).then((r) => r.text()));
    }
    const texts = [...(await Promise.all(scrapes)), await (await fetch(admin)).text()];
    for (const text of texts) expect(text).not.toMatch(/bogus_/);
    const last = texts.at(-1)!;
    expect(last.split('\n').filter((l) => l.startsWith(`${count}{`)).length).toBe(before);
    await prometheus.until(`sum(${count}{gen_ai_tool_name="unknown"})`, (s) => valueOf(s) >= 201);
    expect(await seriesNow()).toBe(before);
    expect(await prometheus.query(`${count}{gen_ai_tool_name=~"bogus.*"}`)).toEqual([]);
  });

  it('counts the transport\'s refusals by reason: auth, origin, limits, bad-request', async () => {
    const scrape = async () => (await fetch(`${host.adminUrl}/metrics`)).text();
    const refusals = (text: string, reason: string) => Number(new RegExp(`^mcp_host_refusals_total\\{reason="${reason}"\\} (\\d+)`, 'm').exec(text)?.[1]);
    const before = await scrape();
    const body = JSON.stringify(modernRequest(1, 'tools/list'));
    const post = (headers: Record<string, string>, data = body) => fetch(host.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: data });
    expect((await post({})).status).toBe(401);
    expect((await post({ ...bearer, origin: 'https://evil.example' })).status).toBe(403);
    expect((await post(bearer, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(100_000) } }))).status).toBe(413);
    expect((await post(bearer, '{not json')).status).toBe(400);
    const after = await scrape();
    for (const reason of ['auth', 'origin', 'limits', 'bad-request']) expect(refusals(after, reason) - refusals(before, reason), reason).toBe(1);
    // And Prometheus sees them on its next scrape.
    await prometheus.until('mcp_host_refusals_total{reason="origin"}', (s) => valueOf(s) >= 1);
  });
});

/**
 * Traces through the real process (issue 14): `mcp-host` started with `telemetry.otlp.endpoint`
 * pointing at a tiny OTLP/HTTP receiver this test runs on loopback, called by real SDK clients of
 * both eras that put a `traceparent` in `_meta`; the spans the host's OpenTelemetry exporter sends
 * (OTLP JSON, flushed when the host shuts down) are decoded and checked: parents, names,
 * attributes, the worker's handler and hop spans, the resource. Hostile trace context is sent too:
 * it is ignored and the host goes on serving.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttpClient, connectModernHttpClient, modernMeta, modernRequest, postModern, startTestHost, writeConfig, type TestHost } from '../harness/index.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/tracing/trace-fixture', import.meta.url));
const LEGACY_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const MODERN_TRACE = '5cf92f3577b34da6a3ce929d0e0e4737';
const CLIENT_SPAN = '00f067aa0ba902b7';
const SPAN_KIND_INTERNAL = 1;
const SPAN_KIND_SERVER = 2;

/** One span as OTLP/JSON carries it (ids in hex), with its attributes and its resource's flattened. */
interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  status?: { code?: number; message?: string };
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
}

type OtlpAttribute = { key: string; value: Record<string, unknown> };
const flatten = (attributes: OtlpAttribute[] = []) => Object.fromEntries(attributes.map(({ key, value }) => [key, value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue]));

/** A minimal OTLP/HTTP traces receiver: POST /v1/traces with a JSON body (what the host's exporter sends). */
function startReceiver(): Promise<{ server: Server; endpoint: string; spans: ExportedSpan[]; refused: string[] }> {
  const spans: ExportedSpan[] = [];
  const refused: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !String(req.headers['content-type']).startsWith('application/json')) {
        refused.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
        return void res.writeHead(415).end();
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resourceSpans?: Array<{ resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: Array<{ spans?: Array<Omit<ExportedSpan, 'attributes' | 'resource'> & { attributes?: OtlpAttribute[] }> }> }> };
      for (const rs of body.resourceSpans ?? []) {
        const resource = flatten(rs.resource?.attributes);
        for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) spans.push({ ...s, attributes: flatten(s.attributes), resource });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, spans, refused })));
}

describe('OpenTelemetry traces exported by OTLP from the real host', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let host: TestHost | undefined;
  let config: ReturnType<typeof writeConfig>;
  let exitCode: number | null;
  const seen: Record<string, { traceparent: string; baggage?: string } | null> = {};

  beforeAll(async () => {
    receiver = await startReceiver();
    config = writeConfig({ plugins: { isolation: 'worker' }, telemetry: { otlp: { endpoint: receiver.endpoint, serviceName: 'mcp-host-e2e' } } });
    host = await startTestHost({ plugins: [FIXTURE], args: ['--config', config.file] });
    const url = host.url;

    const legacy = await connectHttpClient(url);
    const legacyResult = await legacy.client.callTool({ name: 'trace_echo', arguments: {}, _meta: { traceparent: `00-${LEGACY_TRACE}-${CLIENT_SPAN}-01`, baggage: 'tenant=acme' } });
    seen.legacy = JSON.parse((legacyResult.content as Array<{ text: string }>)[0]!.text);
    await legacy.client.close();

    const modern = await connectModernHttpClient(url);
    const modernResult = await modern.client.callTool({ name: 'trace_echo', arguments: {}, _meta: { traceparent: `00-${MODERN_TRACE}-${CLIENT_SPAN}-01` } });
    seen.modern = JSON.parse((modernResult.content as Array<{ text: string }>)[0]!.text);
    await modern.client.close();

    // Hostile trace context: each is served (as a root trace), and a well-formed call after them still is.
    const hostile = [
      { traceparent: `00-${LEGACY_TRACE}-${CLIENT_SPAN}-01`.padEnd(1000, '-') },
      { traceparent: 'not-a-traceparent' },
      { baggage: Array.from({ length: 10_000 }, (_, i) => `k${i}=v${i}`).join(',') },
    ];
    let id = 100;
    for (const [i, extra] of hostile.entries()) {
      const res = await postModern(url, modernRequest(++id, 'tools/call', { name: 'trace_echo', arguments: {}, _meta: modernMeta(extra) }));
      expect(res.status).toBe(200);
      seen[`hostile${i}`] = JSON.parse(((res.response as { result: { content: Array<{ text: string }> } }).result.content[0]!.text));
    }
    const res = await postModern(url, modernRequest(++id, 'tools/list', { _meta: modernMeta({ traceparent: `00-${MODERN_TRACE}-${CLIENT_SPAN}-01` }) }));
    expect(res.status).toBe(200);

    // The last spans are flushed by the shutdown (the batch exporter would otherwise wait its delay).
    exitCode = await host.stop();
    host = undefined;
  });

  afterAll(async () => {
    await host?.stop();
    config?.remove();
    await new Promise((r) => receiver?.server.close(r));
  });

  it('exports OTLP/JSON to the configured endpoint, and the host exits cleanly after flushing', () => {
    expect(exitCode).toBe(0);
    expect(receiver.refused).toEqual([]);
    expect(receiver.spans.length).toBeGreaterThan(0);
    expect(receiver.spans[0]!.resource).toMatchObject({ 'service.name': 'mcp-host-e2e', 'service.version': expect.any(String) });
  });

  it('legacy era: the client traceparent parents the server span; the hop and the worker-measured handler span follow; the plugin saw the hop', () => {
    const trace = receiver.spans.filter((s) => s.traceId === LEGACY_TRACE);
    const server = trace.find((s) => s.kind === SPAN_KIND_SERVER)!;
    expect(server).toBeDefined();
    expect(server.name).toBe('tools/call trace_echo');
    expect(server.parentSpanId).toBe(CLIENT_SPAN);
    expect(server.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'trace_echo',
      'gen_ai.operation.name': 'execute_tool',
      'jsonrpc.request.id': expect.any(String),
      'mcp.session.id': expect.any(String),
      'mcp.protocol.version': expect.any(String),
      'network.transport': 'tcp',
      'network.protocol.name': 'http',
      'mcp_host.plugin': 'trace-fixture',
      'mcp_host.plugin.version': '1.2.3',
      'mcp_host.era': 'legacy',
    });
    const hop = trace.find((s) => s.name === 'mcp_host.isolation worker')!;
    expect(hop).toBeDefined();
    expect(hop.kind).toBe(SPAN_KIND_INTERNAL);
    expect(hop.parentSpanId).toBe(server.spanId);
    const handler = trace.find((s) => s.name === 'mcp_host.handler trace_echo')!;
    expect(handler).toBeDefined();
    expect(handler.parentSpanId).toBe(hop.spanId);
    expect(BigInt(handler.startTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(hop.startTimeUnixNano));
    expect(BigInt(handler.endTimeUnixNano)).toBeLessThanOrEqual(BigInt(hop.endTimeUnixNano));
    expect(seen.legacy).toEqual({ traceparent: `00-${LEGACY_TRACE}-${hop.spanId}-01`, baggage: 'tenant=acme' });
  });

  it('modern era: the same, with the 2026-07-28 protocol version and no session', () => {
    const server = receiver.spans.find((s) => s.traceId === MODERN_TRACE && s.name === 'tools/call trace_echo')!;
    expect(server).toBeDefined();
    expect(server.kind).toBe(SPAN_KIND_SERVER);
    expect(server.parentSpanId).toBe(CLIENT_SPAN);
    expect(server.attributes).toMatchObject({ 'mcp.protocol.version': '2026-07-28', 'mcp_host.era': 'modern', 'mcp_host.plugin': 'trace-fixture' });
    expect(server.attributes['mcp.session.id']).toBeUndefined();
    const hop = receiver.spans.find((s) => s.parentSpanId === server.spanId && s.name === 'mcp_host.isolation worker')!;
    expect(seen.modern?.traceparent).toBe(`00-${MODERN_TRACE}-${hop.spanId}-01`);
    expect(receiver.spans.find((s) => s.traceId === MODERN_TRACE && s.name === 'tools/list')?.parentSpanId).toBe(CLIENT_SPAN);
  });

  it('hostile trace context is ignored: served as new root traces, baggage dropped', () => {
    for (const i of [0, 1, 2]) {
      const plugin = seen[`hostile${i}`]!;
      expect(plugin.baggage).toBeUndefined();
      const traceId = plugin.traceparent.split('-')[1];
      expect(traceId).not.toBe(LEGACY_TRACE);
      const server = receiver.spans.find((s) => s.traceId === traceId && s.kind === SPAN_KIND_SERVER)!;
      expect(server.name).toBe('tools/call trace_echo');
      expect(server.parentSpanId || undefined).toBeUndefined();
    }
  });
});

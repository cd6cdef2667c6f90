/**
 * Traces (issue 14) collected by OpenTelemetry's in-memory exporter from a host started in this
 * process (`Host.start` with a config and a span processor), serving both eras over real HTTP to
 * real SDK clients, with the fixture plugin in-process and across worker isolation: span names,
 * kinds and attributes on the MCP conventions, the client's `traceparent` (in `_meta`) as the
 * server span's parent, the handler and isolation-hop child spans, and the trace context the
 * plugin receives (`ctx.trace`). Process isolation crosses the same protocol in frames over a pipe,
 * so it is checked alike.
 */
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { hostConfigSchema } from '@mcp-host/config';
import { Host } from '@mcp-host/core';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectHttpClient, connectModernHttpClient, modernRequest, modernMeta, postModern, MODERN_VERSION } from '../harness/index.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/tracing/trace-fixture', import.meta.url));
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${CLIENT_SPAN}-01`;

const hrMs = ([s, ns]: [number, number]) => s * 1000 + ns / 1e6;
const textOf = (result: unknown) => ((result as { content: Array<{ text: string }> }).content[0]!.text);

async function startTracedHost(isolation: 'in-process' | 'worker' | 'process', tracing = true, stdio?: { stdin: PassThrough; stdout: PassThrough }) {
  const exporter = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor({ exporter });
  const config = hostConfigSchema.parse({
    server: { port: 0 },
    stdio: stdio !== undefined,
    logLevel: 'silent',
    plugins: { paths: [FIXTURE], isolation, watch: false },
    telemetry: { tracing: { enabled: tracing } },
  });
  const host = await Host.start({ config, spanProcessor: processor, ...stdio });
  const spans = async (): Promise<ReadableSpan[]> => (await processor.forceFlush(), exporter.getFinishedSpans());
  return { host, exporter, spans };
}

describe.each(['in-process', 'worker', 'process'] as const)('traces with the plugin %s', (isolation) => {
  let t: Awaited<ReturnType<typeof startTracedHost>>;
  beforeAll(async () => {
    t = await startTracedHost(isolation);
  });
  afterAll(() => t?.host.close());
  beforeEach(() => t.exporter.reset());

  /** The server span of `name`, and the handler span under it (through the hop when isolated), checked for shape. */
  async function callSpans(name: string) {
    const spans = await t.spans();
    const server = spans.find((s) => s.name === name && s.kind === SpanKind.SERVER);
    expect(server, `no server span "${name}" in ${spans.map((s) => s.name).join(', ')}`).toBeDefined();
    const children = (parent: ReadableSpan) => spans.filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId);
    const hop = isolation === 'in-process' ? undefined : children(server!).find((s) => s.name === `mcp_host.isolation ${isolation}`);
    if (isolation !== 'in-process') expect(hop, 'an isolation hop span').toBeDefined();
    const handler = children(hop ?? server!).find((s) => s.name.startsWith('mcp_host.handler '));
    return { spans, server: server!, hop, handler };
  }

  it('legacy era: the client traceparent parents the server span, with the MCP attributes, and the plugin sees its own parent', async () => {
    const { client } = await connectHttpClient(t.host.url!);
    try {
      const result = await client.callTool({ name: 'trace_echo', arguments: {}, _meta: { traceparent: TRACEPARENT, tracestate: 'rojo=00f067aa0ba902b7', baggage: 'userId=alice' } });
      const seen = JSON.parse(textOf(result));
      const { server, hop, handler } = await callSpans('tools/call trace_echo');

      expect(server.spanContext().traceId).toBe(TRACE_ID);
      expect(server.parentSpanContext?.spanId).toBe(CLIENT_SPAN);
      expect(server.parentSpanContext?.isRemote).toBe(true);
      expect(server.status.code).not.toBe(SpanStatusCode.ERROR);
      expect(server.attributes).toMatchObject({
        'mcp.method.name': 'tools/call',
        'gen_ai.tool.name': 'trace_echo',
        'gen_ai.operation.name': 'execute_tool',
        'mcp.protocol.version': expect.any(String),
        'mcp.session.id': expect.any(String),
        'network.transport': 'tcp',
        'network.protocol.name': 'http',
        'mcp_host.plugin': 'trace-fixture',
        'mcp_host.plugin.version': '1.2.3',
        'mcp_host.era': 'legacy',
      });
      expect(typeof server.attributes['jsonrpc.request.id']).toBe('string');
      expect(server.attributes['error.type']).toBeUndefined();

      // The handler span: in-process a child of the server span, isolated a child of the hop, with the worker's times inside it.
      expect(handler).toBeDefined();
      expect(handler!.kind).toBe(SpanKind.INTERNAL);
      expect(handler!.name).toBe('mcp_host.handler trace_echo');
      expect(handler!.spanContext().traceId).toBe(TRACE_ID);
      expect(handler!.attributes).toMatchObject({ 'mcp_host.plugin': 'trace-fixture', 'mcp_host.plugin.version': '1.2.3' });
      expect(hrMs(handler!.duration)).toBeGreaterThanOrEqual(3);
      if (hop) {
        expect(hop.kind).toBe(SpanKind.INTERNAL);
        expect(hop.attributes['mcp_host.isolation']).toBe(isolation);
        expect(hrMs(handler!.startTime)).toBeGreaterThanOrEqual(hrMs(hop.startTime));
        expect(hrMs(handler!.endTime)).toBeLessThanOrEqual(hrMs(hop.endTime));
      }

      // What the plugin got: the same trace, its parent the span around it (the hop when isolated), the client's state and baggage re-serialized.
      const parentOfPlugin = hop ?? handler!;
      expect(seen).toEqual({ traceparent: `00-${TRACE_ID}-${parentOfPlugin.spanContext().spanId}-01`, tracestate: 'rojo=00f067aa0ba902b7', baggage: 'userId=alice' });
    } finally {
      await client.close();
    }
  });

  it('modern era (2026-07-28): same parent and attributes, no session id', async () => {
    const { client } = await connectModernHttpClient(t.host.url!);
    try {
      const result = await client.callTool({ name: 'trace_echo', arguments: {}, _meta: { traceparent: TRACEPARENT } });
      const seen = JSON.parse(textOf(result));
      const { server, hop, handler } = await callSpans('tools/call trace_echo');
      expect(server.spanContext().traceId).toBe(TRACE_ID);
      expect(server.parentSpanContext?.spanId).toBe(CLIENT_SPAN);
      expect(server.attributes).toMatchObject({ 'mcp.method.name': 'tools/call', 'mcp.protocol.version': MODERN_VERSION, 'mcp_host.era': 'modern', 'gen_ai.tool.name': 'trace_echo' });
      expect(server.attributes['mcp.session.id']).toBeUndefined();
      expect(seen.traceparent).toBe(`00-${TRACE_ID}-${(hop ?? handler!).spanContext().spanId}-01`);
      expect(seen.baggage).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it('a tool error, an unknown tool, a prompt, a resource, a template read and a list: names, error.type and targets', async () => {
    const { client } = await connectHttpClient(t.host.url!);
    try {
      const failed = await client.callTool({ name: 'trace_fail', arguments: {} });
      expect(failed.isError).toBe(true);
      await expect(client.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toThrow();
      await client.getPrompt({ name: 'trace_prompt' });
      await client.readResource({ uri: 'trace://static' });
      await client.readResource({ uri: 'trace://items/42' });
      await client.listTools();
      const spans = (await t.spans()).filter((s) => s.kind === SpanKind.SERVER);
      const byName = (name: string) => spans.find((s) => s.name === name)!;

      const fail = byName('tools/call trace_fail');
      expect(fail.attributes['error.type']).toBe('tool_error');
      expect(fail.status.code).toBe(SpanStatusCode.ERROR);
      // The handler span says the handler failed too, wherever it ran.
      const failedHandler = (await t.spans()).find((s) => s.name === 'mcp_host.handler trace_fail' && s.spanContext().traceId === fail.spanContext().traceId)!;
      expect(failedHandler.attributes['error.type']).toBe('tool_error');
      expect(failedHandler.status.code).toBe(SpanStatusCode.ERROR);

      // An unknown name never becomes part of a span name (clients must not mint span names); the attributes say what was asked.
      const unknown = byName('tools/call');
      expect(unknown.attributes).toMatchObject({ 'gen_ai.tool.name': 'no_such_tool', 'error.type': '-32602', 'rpc.response.status_code': '-32602' });
      expect(unknown.attributes['mcp_host.plugin']).toBeUndefined();

      expect(byName('prompts/get trace_prompt').attributes).toMatchObject({ 'gen_ai.prompt.name': 'trace_prompt', 'mcp_host.plugin': 'trace-fixture' });
      expect(byName('prompts/get trace_prompt').attributes['gen_ai.operation.name']).toBeUndefined();
      expect(byName('resources/read trace://static').attributes['mcp.resource.uri']).toBe('trace://static');
      // A URI read through a template is named by the template (bounded), and keeps its value as the attribute.
      expect(byName('resources/read trace://items/{id}').attributes['mcp.resource.uri']).toBe('trace://items/42');
      expect(byName('tools/list').attributes['mcp.method.name']).toBe('tools/list');

      // No parent in `_meta`: each request is a root of its own trace.
      expect(byName('tools/list').parentSpanContext).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it('a client that did not sample its trace is followed: nothing recorded, the plugin still gets the trace id', async () => {
    const { client } = await connectHttpClient(t.host.url!);
    try {
      const result = await client.callTool({ name: 'trace_echo', arguments: {}, _meta: { traceparent: `00-${TRACE_ID}-${CLIENT_SPAN}-00` } });
      const seen = JSON.parse(textOf(result));
      expect(seen.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-00$`));
      expect((await t.spans()).filter((s) => s.spanContext().traceId === TRACE_ID)).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('hostile trace context (oversized, malformed, 10,000 baggage entries) is ignored: the request is served as a new root, and others still are', async () => {
    const url = t.host.url!;
    const hostile: Array<Record<string, unknown>> = [
      { traceparent: `00-${TRACE_ID}-${CLIENT_SPAN}-01${'x'.repeat(1000)}` },
      { traceparent: 'x'.repeat(1000) },
      { traceparent: '00-zzzz-not-a-traceparent' },
      { traceparent: `00-${'0'.repeat(32)}-${CLIENT_SPAN}-01` },
      { traceparent: 42, tracestate: { no: 'object' }, baggage: ['a=b'] },
      { traceparent: TRACEPARENT, tracestate: 'k='.padEnd(5000, 'v') },
      { baggage: Array.from({ length: 10_000 }, (_, i) => `k${i}=v${i}`).join(',') },
      { traceparent: TRACEPARENT, baggage: Array.from({ length: 10_000 }, (_, i) => `k${i}=v${i}`).join(',') },
    ];
    let id = 0;
    for (const extra of hostile) {
      t.exporter.reset();
      const res = await postModern(url, modernRequest(++id, 'tools/call', { name: 'trace_echo', arguments: {}, _meta: modernMeta(extra) }));
      expect(res.status, JSON.stringify(extra).slice(0, 80)).toBe(200);
      const seen = JSON.parse(textOf((res.response as { result: unknown }).result));
      expect(seen.baggage).toBeUndefined();
      const server = (await t.spans()).find((s) => s.kind === SpanKind.SERVER)!;
      if (extra.traceparent === TRACEPARENT) {
        // A good traceparent with a bad companion keeps the parent; only the bad value is dropped.
        expect(server.parentSpanContext?.spanId).toBe(CLIENT_SPAN);
        expect(server.spanContext().traceState).toBeUndefined();
      } else {
        expect(server.parentSpanContext).toBeUndefined();
        expect(server.spanContext().traceId).not.toBe(TRACE_ID);
      }
    }
    const after = await postModern(url, modernRequest(++id, 'tools/call', { name: 'trace_echo', arguments: {}, _meta: modernMeta({ traceparent: TRACEPARENT }) }));
    expect(JSON.parse(textOf((after.response as { result: unknown }).result)).traceparent).toContain(TRACE_ID);
  });
});

describe('tracing off', () => {
  it('no observer, no spans, and the plugin sees no trace context (worker isolation)', async () => {
    const t = await startTracedHost('worker', false);
    try {
      expect(t.host.telemetry.observer).toBeUndefined();
      const { client } = await connectHttpClient(t.host.url!);
      const result = await client.callTool({ name: 'trace_echo', arguments: {}, _meta: { traceparent: TRACEPARENT } });
      await client.close();
      expect(JSON.parse(textOf(result))).toBeNull();
      expect(await t.spans()).toEqual([]);
    } finally {
      await t.host.close();
    }
  });
});

describe('traces on stdio', () => {
  it('a request on stdio is traced with network.transport pipe and the parent from _meta', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const t = await startTracedHost('in-process', true, { stdin, stdout });
    const serving = t.host.serveStdio();
    try {
      const answers = new Map<number, Record<string, unknown>>();
      let buffered = '';
      stdout.setEncoding('utf8');
      stdout.on('data', (chunk: string) => {
        buffered += chunk;
        for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
          const message = JSON.parse(buffered.slice(0, nl));
          buffered = buffered.slice(nl + 1);
          if (typeof message.id === 'number') answers.set(message.id, message);
        }
      });
      const answer = async (id: number) => {
        for (let i = 0; i < 200 && !answers.has(id); i++) await new Promise((r) => setTimeout(r, 10));
        return answers.get(id)!;
      };
      const send = (m: unknown) => stdin.write(JSON.stringify(m) + '\n');
      send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'stdio-test', version: '1.0.0' } } });
      await answer(1);
      send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'trace_echo', arguments: {}, _meta: { traceparent: TRACEPARENT } } });
      const seen = JSON.parse(textOf((await answer(2)).result));
      const server = (await t.spans()).find((s) => s.name === 'tools/call trace_echo')!;
      expect(server.parentSpanContext?.spanId).toBe(CLIENT_SPAN);
      expect(server.attributes).toMatchObject({ 'network.transport': 'pipe', 'mcp_host.era': 'legacy' });
      expect(server.attributes['network.protocol.name']).toBeUndefined();
      expect(seen.traceparent).toContain(TRACE_ID);
    } finally {
      stdin.end();
      await serving;
      await t.host.close();
    }
  });
});

import { ToolError, type Principal, type RequestContext } from '@mcp-host/sdk';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from '../catalog/Catalog.js';
import { inProcessGeneration as generation } from '../plugins/generation.testkit.js';
import { CallLifetime } from '../calls/CallLifetime.js';
import type { Channel } from './Channel.js';
import { Engine } from './Engine.js';
import type { JsonRpcMessage, JsonRpcRequest, JsonRpcResponse } from './jsonrpc.js';
import { DEFAULT_JSON_LIMITS } from '../calls/jsonLimits.js';
import { MetaKey } from './modern/modernMeta.js';
import { Notifier } from './Notifier.js';
import { RawJson } from './RawJson.js';
import { Session } from './Session.js';

const logger = pino({ level: 'silent' });
const SERVER_INFO = { name: 'mcp-host', version: '1.0.0' };
const MODERN = '2026-07-28';


/** Everything the engine sends on one request's channel, kept for the test to read (and answer). */
class MemoryChannel implements Channel {
  readonly sent: JsonRpcMessage[] = [];
  constructor(readonly canSend = true) {}
  send(message: JsonRpcMessage): void {
    this.sent.push(message);
  }
}

const demo = generation('demo', {
  tools: [
    {
      name: 'echo',
      description: 'Returns its text.',
      inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
      handler: ({ text }: { text: string }) => text,
    },
    {
      name: 'ask_name',
      inputSchema: { type: 'object' },
      handler: async (_args: unknown, ctx: RequestContext) => {
        const answer = await ctx.elicit({ message: 'Your name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } } } }, { key: 'name' });
        return answer.action === 'accept' ? `Hello ${answer.content?.name}` : 'no name';
      },
    },
    { name: 'refuse', inputSchema: { type: 'object' }, handler: () => Promise.reject(new ToolError('not today')) },
    { name: 'crash', inputSchema: { type: 'object' }, handler: () => Promise.reject(new Error('boom')) },
    {
      name: 'wait',
      inputSchema: { type: 'object' },
      handler: (_args: unknown, ctx: RequestContext) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve('aborted'))),
    },
  ],
});

function newEngine(): Engine {
  const { catalog } = Catalog.build(1, [demo]);
  return new Engine({
    catalog: () => catalog,
    notifier: new Notifier(),
    logger,
    serverInfo: SERVER_INFO,
    clientRequestTimeoutMs: 5_000,
    cache: { listTtlMs: 0, readTtlMs: 0, discoverTtlMs: 0, cacheScope: 'private' },
    limits: DEFAULT_JSON_LIMITS,
    maxListenStreams: 4,
    requestStateSecret: 'engine test secret',
    requestStateTtlMs: 60_000,
  });
}

const request = (id: number, method: string, params?: Record<string, unknown>): JsonRpcRequest => ({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) });
/** A result as the client reads it (list pages arrive pre-serialized). */
const resultOf = (response: JsonRpcResponse | undefined) => {
  expect(response?.error).toBeUndefined();
  const result = response!.result;
  return (result instanceof RawJson ? JSON.parse(result.json) : JSON.parse(JSON.stringify(result))) as Record<string, any>;
};
const textOf = (response: JsonRpcResponse | undefined) => resultOf(response).content[0].text as string;

describe('Engine, legacy era (2025-11-25)', () => {
  let engine: Engine;
  let session: Session;
  let channel: MemoryChannel;
  const call = (id: number, method: string, params?: Record<string, unknown>) => engine.handleRequest(request(id, method, params), session, channel);
  const initialize = (capabilities: Record<string, unknown> = {}) =>
    call(0, 'initialize', { protocolVersion: '2025-11-25', capabilities, clientInfo: { name: 'unit', version: '0' } });

  beforeEach(() => {
    engine = newEngine();
    session = new Session('session-1');
    channel = new MemoryChannel();
  });

  it('answers initialize with the negotiated version, capabilities and server info, then serves the session', async () => {
    expect(resultOf(await initialize())).toMatchObject({ protocolVersion: '2025-11-25', serverInfo: SERVER_INFO, capabilities: { tools: { listChanged: true } } });
    expect(session.initialized).toBe(true);
    expect(session.client).toMatchObject({ protocolVersion: '2025-11-25', info: { name: 'unit' }, sessionId: 'session-1' });
    expect(resultOf(await call(1, 'tools/list')).tools.map((t: { name: string }) => t.name)).toEqual(['echo', 'ask_name', 'refuse', 'crash', 'wait']);
    expect(await call(2, 'tools/call', { name: 'echo', arguments: { text: 'hi' } })).toEqual({ jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: 'hi' }] } });
  });

  it('refuses work before initialize, and a second initialize (-32600)', async () => {
    expect((await call(1, 'tools/call', { name: 'echo', arguments: { text: 'hi' } }))?.error).toMatchObject({ code: -32600, message: expect.stringMatching(/Session not initialized/) });
    expect(resultOf(await call(2, 'ping'))).toEqual({});
    await initialize();
    expect((await initialize())?.error).toMatchObject({ code: -32600, message: expect.stringMatching(/already initialized/) });
  });

  it('answers an unknown method -32601 and an unknown tool -32602', async () => {
    await initialize();
    expect((await call(1, 'tools/frobnicate'))?.error).toMatchObject({ code: -32601, message: 'Method not found: tools/frobnicate' });
    expect((await call(2, 'tools/call', { name: 'nope', arguments: {} }))?.error).toMatchObject({ code: -32602, message: 'Unknown tool: nope' });
  });

  it('turns bad arguments and tool failures into tool errors the model can read', async () => {
    await initialize();
    const invalid = resultOf(await call(1, 'tools/call', { name: 'echo', arguments: { text: 42 } }));
    expect(invalid).toMatchObject({ isError: true, content: [{ type: 'text', text: expect.stringMatching(/^Invalid arguments for tool echo/) }] });
    expect(resultOf(await call(2, 'tools/call', { name: 'refuse', arguments: {} }))).toEqual({ isError: true, content: [{ type: 'text', text: 'not today' }] });
    expect(resultOf(await call(3, 'tools/call', { name: 'crash', arguments: {} }))).toEqual({ isError: true, content: [{ type: 'text', text: 'Tool crash failed: boom' }] });
  });

  it('asks the client through the channel (elicitation/create) and resumes the tool with its answer', async () => {
    await initialize({ elicitation: {} });
    const pending = call(1, 'tools/call', { name: 'ask_name', arguments: {} });
    await expect.poll(() => channel.sent.length).toBe(1);
    const asked = channel.sent[0] as JsonRpcRequest;
    expect(asked).toMatchObject({ method: 'elicitation/create', params: { message: 'Your name?' } });
    engine.handleResponse({ jsonrpc: '2.0', id: asked.id, result: { action: 'accept', content: { name: 'Ada' } } }, session);
    expect(textOf(await pending)).toBe('Hello Ada');
  });

  it('sends no response for a request the client cancelled, and aborts its handler', async () => {
    await initialize();
    const pending = call(7, 'tools/call', { name: 'wait', arguments: {} });
    await expect.poll(() => session.inFlight.has(7)).toBe(true);
    expect((await call(7, 'ping'))?.error).toMatchObject({ code: -32600, message: expect.stringMatching(/already in flight/) });
    engine.handleNotification({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7, reason: 'user' } }, session);
    expect(await pending).toBeUndefined();
    expect(session.inFlight.has(7)).toBe(false);
  });
});

describe('Engine, modern era (2026-07-28)', () => {
  const owner: Principal = Object.freeze({ id: 'service:ci-bot', source: 'service', subject: 'ci-bot', scopes: [], roles: [] });
  const thief: Principal = Object.freeze({ id: 'jwt:https://issuer.test#ci-bot', source: 'jwt', subject: 'ci-bot', issuer: 'https://issuer.test', scopes: [], roles: [] });
  const meta = (capabilities: Record<string, unknown> = {}) => ({ [MetaKey.protocolVersion]: MODERN, [MetaKey.clientCapabilities]: capabilities });
  let engine: Engine;

  beforeEach(() => {
    engine = newEngine();
  });

  /** One stateless request: envelope checked, then served, as the HTTP transport does. */
  async function send(id: number, method: string, params: Record<string, unknown>, principal: Principal = owner, channel: Channel = new MemoryChannel(false)) {
    const req = request(id, method, params);
    return engine.handleModernRequest(req, engine.readEnvelope(req), channel, new CallLifetime(), principal);
  }

  it('serves a tool call from the request alone, with the modern envelope fields', async () => {
    const result = resultOf(await send(1, 'tools/call', { _meta: meta(), name: 'echo', arguments: { text: 'hi' } }));
    expect(result).toEqual({ resultType: 'complete', _meta: { [MetaKey.serverInfo]: SERVER_INFO }, content: [{ type: 'text', text: 'hi' }] });
  });

  it('pages tools/list with the modern list fields', async () => {
    const result = resultOf(await send(1, 'tools/list', { _meta: meta() }));
    expect(result).toMatchObject({ resultType: 'complete', tools: expect.arrayContaining([expect.objectContaining({ name: 'echo' })]) });
  });

  it('answers a question with input_required and a sealed requestState, and completes when the retry carries the answer', async () => {
    const first = resultOf(await send(1, 'tools/call', { _meta: meta({ elicitation: {} }), name: 'ask_name', arguments: {} }));
    expect(first).toMatchObject({ resultType: 'input_required', inputRequests: { name: { method: 'elicitation/create', params: { message: 'Your name?' } } }, requestState: expect.any(String) });
    const retry = { _meta: meta({ elicitation: {} }), name: 'ask_name', arguments: {}, requestState: first.requestState, inputResponses: { name: { action: 'accept', content: { name: 'Ada' } } } };
    expect(textOf(await send(2, 'tools/call', retry))).toBe('Hello Ada');
    // The state belongs to its principal and its request.
    expect((await send(3, 'tools/call', retry, thief))?.error).toMatchObject({ code: -32602, message: expect.stringMatching(/belongs to another principal/) });
    expect((await send(4, 'tools/call', { ...retry, arguments: { extra: 1 } }))?.error).toMatchObject({ code: -32602, message: expect.stringMatching(/different request/) });
    expect((await send(5, 'tools/call', { ...retry, requestState: `${first.requestState}x` }))?.error).toMatchObject({ code: -32602, message: expect.stringMatching(/failed verification/) });
  });

  it('refuses a question the client has no capability for with -32021', async () => {
    expect((await send(1, 'tools/call', { _meta: meta(), name: 'ask_name', arguments: {} }))?.error).toMatchObject({ code: -32021, data: { requiredCapabilities: { elicitation: {} } } });
  });

  it('checks the envelope: a missing _meta is -32602, an unsupported version -32022', () => {
    expect(() => engine.readEnvelope(request(1, 'tools/list', {}))).toThrow(expect.objectContaining({ code: -32602 }));
    expect(() => engine.readEnvelope(request(1, 'tools/list', { _meta: { ...meta(), [MetaKey.protocolVersion]: '2099-01-01' } }))).toThrow(expect.objectContaining({ code: -32022 }));
  });

  it('has no legacy lifecycle: initialize is not a modern method', async () => {
    expect(engine.hasMethod('modern', 'initialize')).toBe(false);
    expect(engine.hasMethod('legacy', 'initialize')).toBe(true);
    expect((await send(1, 'initialize', { _meta: meta() }))?.error).toMatchObject({ code: -32601 });
  });

  it('sends no answer to a request cancelled while it runs', async () => {
    const req = request(1, 'tools/call', { _meta: meta(), name: 'wait', arguments: {} });
    const lifetime = new CallLifetime();
    const pending = engine.handleModernRequest(req, engine.readEnvelope(req), new MemoryChannel(), lifetime, owner);
    lifetime.abort(new Error('stream closed'));
    expect(await pending).toBeUndefined();
  });
});

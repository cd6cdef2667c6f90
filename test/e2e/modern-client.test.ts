/**
 * Both protocol eras against ONE running host at the same time: the official SDK 1.x client on a
 * 2025-11-25 session and the official SDK 2.x client pinned to 2026-07-28 (stateless, per-request
 * `_meta`, multi-round-trip input), with the conformance, example-notes and example-plain plugins.
 * Then the 2.x client over stdio.
 */
import { spawn } from 'node:child_process';
import { ProtocolError, type Client as ModernClient, type ElicitRequest, type CreateMessageRequest } from '@modelcontextprotocol/client';
import type { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import type { StreamableHTTPClientTransport as LegacyHttpTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, McpError, type Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  connectHttpClient,
  connectModernHttpClient,
  connectModernStdioClient,
  HOST_BIN,
  META,
  MODERN_VERSION,
  modernMeta,
  modernRequest,
  pluginPath,
  postModern,
  startTestHost,
  type JsonRpcBody,
  type TestHost,
  type WireExchange,
  type WireLog,
} from '../harness/index.js';

const PLUGINS = [pluginPath('conformance'), pluginPath('example-notes'), pluginPath('example-plain')];
const WAIT = { timeout: 5_000, interval: 20 };

type ToolResult = { content: Array<{ type: string; text?: string }>; isError?: boolean };
const textOf = (result: unknown) => (result as ToolResult).content.map((c) => c.text ?? '').join('\n');

/** The answer both eras give to test_elicitation's {username, email} form. */
const USER = { username: 'alice', email: 'alice@example.com' };
const USER_RESPONSE = `User response: action=accept, content=${JSON.stringify(USER)}`;
/** What the modern clients answer, field by field of the requested form. */
const ANSWERS: Record<string, unknown> = { ...USER, name: 'Alice', color: 'blue', context: 'e2e', ok: true };
/** An accepted answer with the requested form's fields. */
function answerForm(request: ElicitRequest): { action: 'accept'; content: Record<string, any> } {
  const properties = 'requestedSchema' in request.params ? request.params.requestedSchema.properties : {};
  return { action: 'accept', content: Object.fromEntries(Object.keys(properties).map((k) => [k, ANSWERS[k]])) };
}

/** Runs `fn` and returns the error it rejects with (fails the test when it resolves). */
async function errorOf(fn: () => Promise<unknown>): Promise<any> {
  const outcome = await fn().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected an error, got a result: ${JSON.stringify(outcome.value)}`);
  return outcome.error;
}

describe('one host, both eras at once (SDK 1.x legacy session + SDK 2.x modern client)', () => {
  let host: TestHost;
  let legacy: LegacyClient;
  let legacyTransport: LegacyHttpTransport;
  let modern: ModernClient;
  const wire: WireLog = [];
  const modernClients: ModernClient[] = [];
  const legacyElicitations: unknown[] = [];
  const modernElicitations: ElicitRequest['params'][] = [];
  const modernSamplings: CreateMessageRequest['params'][] = [];

  /** The modern exchanges whose request is `method` (optionally for tool `name`), in order. */
  const exchanges = (method: string, name?: string) =>
    wire.filter((x) => x.request?.method === method && (name === undefined || x.request?.params?.name === name));
  /** The exchanges recorded while `fn` ran, their bodies read. */
  async function recorded(fn: () => Promise<unknown>): Promise<WireExchange[]> {
    const start = wire.length;
    await fn();
    const added = wire.slice(start);
    await Promise.all(added.map((x) => x.done));
    return added;
  }

  async function connectModern(options: Parameters<typeof connectModernHttpClient>[1] = {}): Promise<ModernClient> {
    const { client } = await connectModernHttpClient(host.url, options);
    modernClients.push(client);
    return client;
  }

  beforeAll(async () => {
    host = await startTestHost({ plugins: PLUGINS });
    ({ client: legacy, transport: legacyTransport } = await connectHttpClient(host.url));
    legacy.setRequestHandler(ElicitRequestSchema, async (request) => {
      legacyElicitations.push(request.params);
      return { action: 'accept', content: USER };
    });
    modern = await connectModern({
      wire,
      onElicit: (request) => {
        modernElicitations.push(request.params);
        return answerForm(request);
      },
      onSample: (request) => {
        modernSamplings.push(request.params);
        return { model: 'e2e-model', role: 'assistant', content: { type: 'text', text: 'Paris' }, stopReason: 'endTurn' };
      },
      onListRoots: () => ({ roots: [{ uri: 'file:///tmp/e2e', name: 'e2e' }] }),
    });
  });

  afterAll(async () => {
    for (const c of modernClients) await c.close().catch(() => undefined);
    await legacy?.close().catch(() => undefined);
    await host?.stop();
  });

  describe('era negotiation and server/discover', () => {
    it('gives the 1.x client a legacy session and the 2.x client the modern era, side by side', async () => {
      expect(legacyTransport.sessionId).toMatch(/\S/);
      expect(legacy.getServerVersion()).toMatchObject({ name: 'mcp-host' });
      expect(modern.getProtocolEra()).toBe('modern');

      // The 2.x client connected with server/discover (no initialize), with the modern headers.
      const first = wire[0];
      await first.done;
      expect(first.request).toMatchObject({ method: 'server/discover', params: { _meta: { [META.protocolVersion]: MODERN_VERSION } } });
      expect(first.requestHeaders).toMatchObject({ 'mcp-protocol-version': MODERN_VERSION, 'mcp-method': 'server/discover' });
      expect(first.status).toBe(200);
      expect(exchanges('initialize')).toEqual([]);
      // Stateless: no modern response mints or echoes a session.
      for (const x of wire) expect(x.responseHeaders?.get('mcp-session-id'), x.request?.method).toBeNull();
    });

    it('answers server/discover with versions, capabilities, serverInfo in _meta and cache hints', async () => {
      const discover = modern.getDiscoverResult()!;
      expect(discover.supportedVersions).toEqual([MODERN_VERSION]);
      expect(discover.capabilities).toMatchObject({
        tools: { listChanged: true },
        prompts: { listChanged: true },
        resources: {},
        completions: {},
        logging: {},
      });
      expect(discover.capabilities).not.toHaveProperty('tasks');
      const serverInfo = (discover._meta as Record<string, any>)[META.serverInfo];
      expect(serverInfo).toMatchObject({ name: 'mcp-host', version: expect.stringMatching(/\S/) });
      // The same server as the legacy session sees.
      expect(serverInfo).toMatchObject({ name: legacy.getServerVersion()!.name, version: legacy.getServerVersion()!.version });
      expect(Number.isInteger(discover.ttlMs) && (discover.ttlMs as number) >= 0).toBe(true);
      expect(discover.ttlMs).toBe(300_000); // protocol.cache.discoverTtlMs default
      expect(discover.cacheScope).toBe('private');

      // As sent on the wire: resultType complete.
      const raw = await postModern(host.url, modernRequest(1, 'server/discover'));
      expect(raw.status).toBe(200);
      expect(raw.json?.id).toBe(1);
      expect(raw.json?.result).toMatchObject({ resultType: 'complete', supportedVersions: [MODERN_VERSION], ttlMs: 300_000, cacheScope: 'private' });
    });
  });

  describe('tools in both eras', () => {
    it('lists the same tools, in the same order, to both clients', async () => {
      const [legacyList, modernList] = await Promise.all([legacy.listTools(), modern.listTools(undefined, { cacheMode: 'bypass' })]);
      const names = modernList.tools.map((t) => t.name);
      expect(names).toEqual(legacyList.tools.map((t) => t.name));
      expect(names).toEqual(
        expect.arrayContaining(['test_simple_text', 'test_elicitation', 'test_input_required_result_elicitation', 'test_trigger_tool_change', 'add_note', 'echo', 'add']),
      );
      for (const tool of modernList.tools) {
        const twin = legacyList.tools.find((t) => t.name === tool.name)!;
        expect(tool.description, tool.name).toBe(twin.description);
        expect(tool.inputSchema, tool.name).toEqual(twin.inputSchema);
      }
      // Cache hints only in the modern era.
      expect(modernList).toMatchObject({ ttlMs: 60_000, cacheScope: 'private' });
      expect(legacyList).not.toHaveProperty('ttlMs');
      expect(legacyList).not.toHaveProperty('cacheScope');
      expect(legacyList).not.toHaveProperty('resultType');
    });

    it('serves a tool call to both clients, with resultType only in the modern era', async () => {
      expect(textOf(await legacy.callTool({ name: 'add', arguments: { a: 2, b: 40 } }))).toBe('42');
      let result: unknown;
      const [call] = await recorded(async () => (result = await modern.callTool({ name: 'add', arguments: { a: 2, b: 40 } })));
      expect(textOf(result)).toBe('42');
      expect(call.requestHeaders).toMatchObject({ 'mcp-method': 'tools/call', 'mcp-name': 'add', 'mcp-protocol-version': MODERN_VERSION });
      expect(call.status).toBe(200);
      const response = call.responses!.at(-1)!;
      expect(response.result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: '42' }] });
      expect((response.result as Record<string, any>)._meta[META.serverInfo]).toMatchObject({ name: 'mcp-host' });
      // tools/call is not cacheable: no hints.
      expect(response.result).not.toHaveProperty('ttlMs');
      expect(response.result).not.toHaveProperty('cacheScope');

      const legacyResult = await legacy.callTool({ name: 'test_simple_text' });
      expect(textOf(legacyResult)).toBe('This is a simple text response for testing.');
      expect(legacyResult).not.toHaveProperty('resultType');
      expect(textOf(await modern.callTool({ name: 'test_simple_text' }))).toBe('This is a simple text response for testing.');
    });

    it('puts resultType "complete" on every modern result as sent', async () => {
      const requests: Array<[string, Record<string, unknown>]> = [
        ['tools/list', {}],
        ['tools/call', { name: 'echo', arguments: { text: 'hi' } }],
        ['prompts/list', {}],
        ['prompts/get', { name: 'test_simple_prompt' }],
        ['resources/list', {}],
        ['resources/templates/list', {}],
        ['resources/read', { uri: 'test://static-text' }],
        ['completion/complete', { ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' }, argument: { name: 'arg1', value: 'te' } }],
      ];
      for (const [i, [method, params]] of requests.entries()) {
        const res = await postModern(host.url, modernRequest(100 + i, method, params));
        expect(res.status, method).toBe(200);
        expect(res.response?.id, method).toBe(100 + i);
        expect(res.response?.error, `${method}: ${JSON.stringify(res.response?.error)}`).toBeUndefined();
        expect(res.response?.result?.resultType, method).toBe('complete');
        expect((res.response?.result?._meta as Record<string, any>)?.[META.serverInfo], method).toMatchObject({ name: 'mcp-host' });
      }
    });

    it('puts cache hints on every list and on resources/read', async () => {
      const [tools, prompts, resources, templates, read] = await Promise.all([
        modern.listTools(undefined, { cacheMode: 'bypass' }),
        modern.listPrompts(undefined, { cacheMode: 'bypass' }),
        modern.listResources(undefined, { cacheMode: 'bypass' }),
        modern.listResourceTemplates(undefined, { cacheMode: 'bypass' }),
        modern.readResource({ uri: 'test://static-text' }, { cacheMode: 'bypass' }),
      ]);
      for (const [what, result] of Object.entries({ tools, prompts, resources, templates })) {
        expect(result, what).toMatchObject({ ttlMs: 60_000, cacheScope: 'private' }); // protocol.cache.listTtlMs default
      }
      expect(prompts.prompts.map((p) => p.name)).toEqual(expect.arrayContaining(['test_simple_prompt', 'test_input_required_result_prompt']));
      expect(resources.resources.map((r) => r.uri)).toEqual(expect.arrayContaining(['test://static-text', 'notes://all', 'plain://readme']));
      expect(read).toMatchObject({ ttlMs: 0, cacheScope: 'private' }); // protocol.cache.readTtlMs default
      expect(read.contents).toEqual([{ uri: 'test://static-text', mimeType: 'text/plain', text: 'This is the content of the static text resource.' }]);
      // The legacy era has none.
      const legacyRead = await legacy.readResource({ uri: 'test://static-text' });
      expect(legacyRead).not.toHaveProperty('ttlMs');
      expect(legacyRead.contents).toEqual(read.contents);
    });
  });

  describe('progress and logs', () => {
    it('streams progress before the result when the call carries a progress token (both eras)', async () => {
      const modernProgress: Progress[] = [];
      let result: unknown;
      const [call] = await recorded(
        async () => (result = await modern.callTool({ name: 'test_tool_with_progress', arguments: {} }, { onprogress: (p) => void modernProgress.push(p) })),
      );
      expect(textOf(result)).toMatch(/Progress test completed/);
      expect(modernProgress.map((p) => [p.progress, p.total])).toEqual([[0, 100], [50, 100], [100, 100]]);

      // On the wire: the token in _meta, then an SSE stream with the progress notifications before the response.
      const token = (call.request?.params?._meta as Record<string, unknown>).progressToken;
      expect(token).toBeDefined();
      expect(call.responseHeaders?.get('content-type')).toMatch(/text\/event-stream/);
      const methods = call.responses!.map((m) => m.method ?? 'response');
      expect(methods).toEqual(['notifications/progress', 'notifications/progress', 'notifications/progress', 'response']);
      for (const m of call.responses!.slice(0, 3)) expect(m.params?.progressToken).toBe(token);

      const legacyProgress: Progress[] = [];
      await legacy.callTool({ name: 'test_tool_with_progress' }, undefined, { onprogress: (p) => void legacyProgress.push(p) });
      expect(legacyProgress.map((p) => p.progress)).toEqual([0, 50, 100]);
    });

    it('sends no progress without a progress token', async () => {
      const [call] = await recorded(() => modern.callTool({ name: 'test_tool_with_progress', arguments: {} }));
      expect(call.responses!.filter((m) => m.method === 'notifications/progress')).toEqual([]);
    });

    it('sends log messages only when the request sets _meta logLevel, at or above that level', async () => {
      const logs: unknown[] = [];
      modern.setNotificationHandler('notifications/message', (n) => void logs.push(n.params));

      const [silent] = await recorded(() => modern.callTool({ name: 'test_logging_tool', arguments: {} }));
      expect(silent.responses!.map((m) => m.method).filter(Boolean)).toEqual([]);
      expect(logs).toEqual([]);

      await modern.callTool({ name: 'test_logging_tool', arguments: {}, _meta: { [META.logLevel]: 'error' } });
      expect(logs).toEqual([]); // info is below error

      const [loud] = await recorded(() => modern.callTool({ name: 'test_logging_tool', arguments: {}, _meta: { [META.logLevel]: 'info' } }));
      expect(loud.responses!.map((m) => m.method ?? 'response')).toEqual(['notifications/message', 'response']);
      expect(logs).toEqual([{ level: 'info', logger: 'test_logging_tool', data: 'Logging tool executed' }]);

      logs.length = 0;
      await modern.callTool({ name: 'test_tool_with_logging', arguments: {}, _meta: { [META.logLevel]: 'debug' } });
      expect(logs.map((l) => (l as { data: unknown }).data)).toEqual(['Tool execution started', 'Tool processing data', 'Tool execution completed']);
    });
  });

  describe('client input: elicitation and sampling', () => {
    it('elicits through the same tool in both eras: a real request on the session, input_required + retry in the modern era', async () => {
      legacyElicitations.length = 0;
      modernElicitations.length = 0;
      const legacyResult = await legacy.callTool({ name: 'test_elicitation', arguments: { message: 'Who are you?' } });
      expect(textOf(legacyResult)).toBe(USER_RESPONSE);
      expect(legacyElicitations).toEqual([{ message: 'Who are you?', requestedSchema: expect.objectContaining({ required: ['username', 'email'] }) }]);

      let modernResult: unknown;
      const calls = await recorded(async () => (modernResult = await modern.callTool({ name: 'test_elicitation', arguments: { message: 'Who are you?' } })));
      expect(textOf(modernResult)).toBe(USER_RESPONSE);
      // The client's handler saw the same form the legacy client was sent.
      expect(modernElicitations).toEqual(legacyElicitations);

      // Round 1: input_required with the question and a requestState; round 2: a new id, the answer and the state echoed.
      expect(calls).toHaveLength(2);
      const [round1, round2] = calls;
      const r1 = round1.responses![0].result as Record<string, any>;
      expect(r1).toMatchObject({ resultType: 'input_required', requestState: expect.any(String) });
      const keys = Object.keys(r1.inputRequests);
      expect(keys).toHaveLength(1);
      expect(r1.inputRequests[keys[0]]).toEqual({ method: 'elicitation/create', params: { message: 'Who are you?', requestedSchema: expect.any(Object) } });
      expect(r1).not.toHaveProperty('ttlMs');
      expect(round2.request!.id).not.toBe(round1.request!.id);
      expect(round2.request!.params).toMatchObject({
        name: 'test_elicitation',
        arguments: { message: 'Who are you?' },
        inputResponses: { [keys[0]]: { action: 'accept', content: USER } },
        requestState: r1.requestState,
      });
      expect(round2.responses![0].result).toMatchObject({ resultType: 'complete' });
    });

    it('runs the MRTR fixtures to completion: a named key, several rounds, a host-sealed requestState', async () => {
      expect(textOf(await modern.callTool({ name: 'test_input_required_result_elicitation', arguments: {} }))).toBe('Hello, Alice!');
      const calls = await recorded(async () => {
        expect(textOf(await modern.callTool({ name: 'test_input_required_result_multi_round', arguments: {} }))).toBe('Multi-round complete for Alice who likes blue');
      });
      const results = calls.map((x) => x.responses![0].result as Record<string, any>);
      expect(results.map((r) => r.resultType)).toEqual(['input_required', 'input_required', 'complete']);
      expect(Object.keys(results[0].inputRequests)).toEqual(['step1']);
      expect(Object.keys(results[1].inputRequests)).toEqual(['step2']);
      expect(results[1].requestState).not.toBe(results[0].requestState);
      // Round 3 carries only step2's answer: step1's travels in the requestState.
      expect(Object.keys(calls[2].request!.params!.inputResponses as object)).toEqual(['step2']);
      expect(textOf(await modern.callTool({ name: 'test_input_required_result_request_state', arguments: {} }))).toBe('state-ok: requestState validated');
    });

    it('samples through MRTR: the client handler answers the model request and the tool gets the answer', async () => {
      modernSamplings.length = 0;
      const calls = await recorded(async () => {
        expect(textOf(await modern.callTool({ name: 'test_input_required_result_sampling', arguments: {} }))).toBe('Sampling result: Paris');
      });
      expect(modernSamplings).toEqual([{ messages: [{ role: 'user', content: { type: 'text', text: 'What is the capital of France?' } }], maxTokens: 100 }]);
      expect(calls.map((x) => (x.responses![0].result as { resultType?: string })?.resultType)).toEqual(['input_required', 'complete']);
      expect(Object.keys(calls[1].request!.params!.inputResponses as object)).toEqual(['capital_question']);

      // A tool written for the legacy era (ctx.sample) works unchanged.
      expect(textOf(await modern.callTool({ name: 'test_sampling', arguments: { prompt: 'Capital of France?' } }))).toBe('LLM response: Paris');
      expect(modernSamplings.at(-1)).toMatchObject({ messages: [{ role: 'user', content: { type: 'text', text: 'Capital of France?' } }], maxTokens: 100 });
    });

    it('asks for roots and for several inputs in one round', async () => {
      expect(textOf(await modern.callTool({ name: 'test_input_required_result_list_roots', arguments: {} }))).toBe('Found 1 root(s)');
      expect(textOf(await modern.callTool({ name: 'test_input_required_result_multiple_inputs', arguments: {} }))).toBe(
        'All inputs received: name=Alice, greeting=Paris, roots=1',
      );
    });

    it('answers input_required on prompts/get', async () => {
      const prompt = await modern.getPrompt({ name: 'test_input_required_result_prompt' });
      expect(prompt.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Prompt with context: e2e' } }]);
    });
  });

  describe('subscriptions/listen', () => {
    it('delivers tools/list_changed, triggered by another client, only to the streams that asked for it', async () => {
      const toolsListener = await connectModern();
      const promptsListener = await connectModern();
      const heard = { toolsOnTools: [] as JsonRpcBody[], promptsOnTools: 0, toolsOnPrompts: 0, promptsOnPrompts: [] as JsonRpcBody[] };
      toolsListener.setNotificationHandler('notifications/tools/list_changed', (n) => void heard.toolsOnTools.push(n as JsonRpcBody));
      toolsListener.setNotificationHandler('notifications/prompts/list_changed', () => void heard.promptsOnTools++);
      promptsListener.setNotificationHandler('notifications/tools/list_changed', () => void heard.toolsOnPrompts++);
      promptsListener.setNotificationHandler('notifications/prompts/list_changed', (n) => void heard.promptsOnPrompts.push(n as JsonRpcBody));

      const toolsSub = await toolsListener.listen({ toolsListChanged: true });
      const promptsSub = await promptsListener.listen({ promptsListChanged: true });
      expect(toolsSub.honoredFilter).toEqual({ toolsListChanged: true });
      expect(promptsSub.honoredFilter).toEqual({ promptsListChanged: true });

      // The trigger comes from the legacy client, a different client in a different era.
      expect(textOf(await legacy.callTool({ name: 'test_trigger_tool_change' }))).toBe('Mutation triggered');
      await vi.waitFor(() => expect(heard.toolsOnTools).toHaveLength(1), WAIT);
      expect(heard.toolsOnTools[0].params?._meta).toMatchObject({ [META.subscriptionId]: expect.any(String) });

      // A prompts change reaches the prompts stream; by then a tools notification on it would have arrived first.
      expect(textOf(await modern.callTool({ name: 'test_trigger_prompt_change', arguments: {} }))).toBe('Mutation triggered');
      await vi.waitFor(() => expect(heard.promptsOnPrompts).toHaveLength(1), WAIT);
      expect(heard.toolsOnPrompts).toBe(0);
      expect(heard.promptsOnTools).toBe(0);
      expect(heard.toolsOnTools).toHaveLength(1);

      await toolsSub.close();
      await promptsSub.close();
      expect(await toolsSub.closed).toBe('local');
      expect(await promptsSub.closed).toBe('local');

      // A closed stream hears nothing more.
      await legacy.callTool({ name: 'test_trigger_tool_change' });
      await modern.callTool({ name: 'test_simple_text' });
      expect(heard.toolsOnTools).toHaveLength(1);
    });
  });

  describe('errors', () => {
    it('answers an unknown resource with -32602 and data.uri in the modern era (-32002 on the legacy session)', async () => {
      const uri = 'test://no-such-resource';
      const error = await errorOf(() => modern.readResource({ uri }, { cacheMode: 'bypass' }));
      expect(error).toBeInstanceOf(ProtocolError);
      expect(error.code).toBe(-32602);
      expect(error.data).toEqual({ uri });
      expect(error.message).toContain(uri);

      const legacyError = await errorOf(() => legacy.readResource({ uri }));
      expect(legacyError).toBeInstanceOf(McpError);
      expect(legacyError.code).toBe(-32002);
      expect(legacyError.data).toEqual({ uri });
    });

    it('answers an unknown tool with -32602 naming it', async () => {
      const error = await errorOf(() => modern.callTool({ name: 'no_such_tool', arguments: {} }));
      expect(error.code).toBe(-32602);
      expect(error.message).toContain('no_such_tool');
    });

    it('still serves the legacy session after all of the above', async () => {
      expect(textOf(await legacy.callTool({ name: 'echo', arguments: { text: 'still here' } }))).toBe('still here');
      await expect(legacy.ping()).resolves.toEqual({});
    });
  });
});

describe('SDK 2.x client over stdio (2026-07-28)', () => {
  let client: ModernClient;
  let stderr: () => string;
  const errors: Error[] = [];

  beforeAll(async () => {
    ({ client, stderr } = await connectModernStdioClient(PLUGINS, {
      onElicit: answerForm,
    }));
    client.onerror = (e) => void errors.push(e);
  });

  afterAll(async () => {
    await client?.close();
  });

  it('negotiates the modern era over the pipe', () => {
    expect(client.getProtocolEra()).toBe('modern');
    expect(client.getDiscoverResult()).toMatchObject({ supportedVersions: [MODERN_VERSION], capabilities: { tools: { listChanged: true } } });
  });

  it('lists and calls tools', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['test_simple_text', 'test_input_required_result_elicitation', 'add_note', 'echo', 'add']));
    expect(textOf(await client.callTool({ name: 'test_simple_text' }))).toBe('This is a simple text response for testing.');
    expect(textOf(await client.callTool({ name: 'add', arguments: { a: 20, b: 22 } }))).toBe('42');
  });

  it('does MRTR elicitation over stdio', async () => {
    expect(textOf(await client.callTool({ name: 'test_input_required_result_elicitation', arguments: {} }))).toBe('Hello, Alice!');
    expect(textOf(await client.callTool({ name: 'test_elicitation', arguments: { message: 'Who?' } }))).toBe(USER_RESPONSE);
  });

  it('listens over stdio, and a closed listen gets no response afterwards', async () => {
    const heard: unknown[] = [];
    client.setNotificationHandler('notifications/tools/list_changed', (n) => void heard.push(n));
    const sub = await client.listen({ toolsListChanged: true });
    expect(sub.honoredFilter).toEqual({ toolsListChanged: true });
    await client.callTool({ name: 'test_trigger_tool_change', arguments: {} });
    await vi.waitFor(() => expect(heard).toHaveLength(1), WAIT);
    await sub.close();
    expect(await sub.closed).toBe('local');
    // One more round trip: anything the host wrote for the cancelled listen has arrived by then.
    await client.callTool({ name: 'test_simple_text' });
    // The client cancelled the listen: the host must not answer it (the client reports a stray response as an error).
    expect(errors.map((e) => e.message)).toEqual([]);
    expect(stderr()).not.toMatch(/"level":50/);
  });
});

describe('stdio, raw: a cancelled listen', () => {
  it('gets no response once the client cancelled it', async () => {
    const child = spawn(process.execPath, [HOST_BIN, '--stdio', '--plugins', pluginPath('conformance')], { stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      const lines: JsonRpcBody[] = [];
      let buffered = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        buffered += chunk;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) !== -1) {
          lines.push(JSON.parse(buffered.slice(0, nl)));
          buffered = buffered.slice(nl + 1);
        }
      });
      const send = (m: unknown) => child.stdin.write(JSON.stringify(m) + '\n');
      send(modernRequest('L1', 'subscriptions/listen', { notifications: { toolsListChanged: true } }));
      await vi.waitFor(() => expect(lines.find((l) => l.method === 'notifications/subscriptions/acknowledged')).toBeDefined(), { timeout: 15_000, interval: 20 });
      send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'L1', _meta: modernMeta() } });
      send(modernRequest(2, 'tools/call', { name: 'test_simple_text' }));
      await vi.waitFor(() => expect(lines.find((l) => l.id === 2)).toBeDefined(), WAIT);
      expect(lines.filter((l) => l.id === 'L1')).toEqual([]);
    } finally {
      child.kill();
    }
  });
});

/**
 * The official SDK 1.x Client against a real host over Streamable HTTP, with the conformance,
 * example-notes (decorators + DI) and example-plain (plain JS) plugins loaded together.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  EmptyResultSchema,
  ErrorCode,
  LoggingMessageNotificationSchema,
  McpError,
  type ClientCapabilities,
  type LoggingMessageNotification,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttpClient, pluginPath, startTestHost, type TestHost } from '../harness/index.js';

const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

type ToolResult = { content: Array<{ type: string; text?: string; data?: string; mimeType?: string }>; isError?: boolean; structuredContent?: unknown };
const textOf = (result: unknown) => (result as ToolResult).content.map((c) => c.text ?? '').join('\n');

/** Runs `fn` and returns the McpError it rejects with (fails the test when it resolves). */
async function mcpErrorOf(fn: () => Promise<unknown>): Promise<McpError> {
  const outcome = await fn().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected an McpError, got a result: ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(McpError);
  return outcome.error as McpError;
}

/** Collects the `notifications/message` a client receives. */
function collectLogs(client: Client): LoggingMessageNotification['params'][] {
  const logs: LoggingMessageNotification['params'][] = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push(n.params));
  return logs;
}

describe('SDK 1.x client over Streamable HTTP', () => {
  let host: TestHost;
  const clients: Client[] = [];
  let client: Client;

  /** A connected client, closed in afterAll. */
  async function connect(capabilities?: ClientCapabilities): Promise<Client> {
    const { client: c } = await connectHttpClient(host.url, capabilities);
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    host = await startTestHost({ plugins: [pluginPath('conformance'), pluginPath('example-notes'), pluginPath('example-plain')] });
    client = await connect();
  });

  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await host?.stop();
  });

  describe('tools', () => {
    it('lists the tools of all three plugins with descriptions and object input schemas', async () => {
      const { tools } = await client.listTools();
      const names = tools.map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(['test_simple_text', 'test_elicitation', 'test_sampling', 'add_note', 'list_notes', 'search_notes', 'echo', 'add', 'current_time']));
      expect(new Set(names).size).toBe(names.length);
      for (const tool of tools) {
        expect(tool.description, tool.name).toMatch(/\S/);
        expect(tool.inputSchema.type, tool.name).toBe('object');
      }
      const addNote = tools.find((t) => t.name === 'add_note')!;
      expect(addNote.inputSchema.required).toEqual(expect.arrayContaining(['title', 'body']));
      expect(addNote.outputSchema).toMatchObject({ type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' } } });
      expect(tools.find((t) => t.name === 'echo')!.inputSchema).toMatchObject({ properties: { text: { type: 'string' } }, required: ['text'] });
    });

    it('calls a simple text tool', async () => {
      const result = await client.callTool({ name: 'test_simple_text' });
      expect(result.isError).toBeFalsy();
      expect(result.content).toEqual([{ type: 'text', text: 'This is a simple text response for testing.' }]);
    });

    it('calls a plain-JS tool with arguments', async () => {
      expect(textOf(await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } }))).toBe('42');
      expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'héllo' } }))).toBe('héllo');
    });

    it('calls an image tool', async () => {
      const result = await client.callTool({ name: 'test_image_content' });
      expect(result.content).toEqual([{ type: 'image', data: PNG_BASE64, mimeType: 'image/png' }]);
    });

    it('returns a tool error as an isError result', async () => {
      const result = await client.callTool({ name: 'test_error_handling' });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toBe('This tool intentionally returns an error for testing');
    });

    it('returns structured output of add_note, matching its output schema', async () => {
      const result = await client.callTool({ name: 'add_note', arguments: { title: 'Groceries', body: 'milk, eggs' } });
      expect(result.isError).toBeFalsy();
      const structured = result.structuredContent as { id: string; title: string };
      expect(structured).toEqual({ id: expect.stringMatching(/^\d+$/), title: 'Groceries' });
      // The text mirror carries the same object for clients without structured output.
      expect(JSON.parse(textOf(result))).toEqual(structured);
      const read = await client.readResource({ uri: `notes://note/${structured.id}` });
      expect(read.contents[0]).toMatchObject({ uri: `notes://note/${structured.id}`, mimeType: 'text/markdown', text: '# Groceries\n\nmilk, eggs\n' });
    });

    it('answers invalid arguments with an isError result naming the field', async () => {
      const zod = await client.callTool({ name: 'add_note', arguments: { body: 'no title' } });
      expect(zod.isError).toBe(true);
      expect(textOf(zod)).toMatch(/Invalid arguments for tool add_note/);
      expect(textOf(zod)).toMatch(/\btitle\b/);

      const jsonSchema = await client.callTool({ name: 'add', arguments: { a: 1, b: 'two' } });
      expect(jsonSchema.isError).toBe(true);
      expect(textOf(jsonSchema)).toMatch(/Invalid arguments for tool add/);
      expect(textOf(jsonSchema)).toMatch(/\bb\b.*number|number.*\bb\b/);
    });

    it('rejects an unknown tool with McpError -32602', async () => {
      const error = await mcpErrorOf(() => client.callTool({ name: 'no_such_tool' }));
      expect(error.code).toBe(ErrorCode.InvalidParams);
      expect(error.message).toContain('no_such_tool');
    });
  });

  describe('resources', () => {
    it('lists fixed resources of the plugins', async () => {
      const { resources } = await client.listResources();
      expect(resources.map((r) => r.uri)).toEqual(expect.arrayContaining(['test://static-text', 'test://static-binary', 'notes://all', 'plain://readme']));
      expect(resources.find((r) => r.uri === 'test://static-binary')).toMatchObject({ name: 'static-binary', mimeType: 'image/png' });
    });

    it('reads a text resource', async () => {
      const { contents } = await client.readResource({ uri: 'test://static-text' });
      expect(contents).toEqual([{ uri: 'test://static-text', mimeType: 'text/plain', text: 'This is the content of the static text resource.' }]);
      const plain = await client.readResource({ uri: 'plain://readme' });
      expect(plain.contents[0]).toMatchObject({ uri: 'plain://readme', mimeType: 'text/plain', text: expect.stringContaining('plain JavaScript') });
    });

    it('reads a binary resource as a base64 blob', async () => {
      const { contents } = await client.readResource({ uri: 'test://static-binary' });
      expect(contents).toEqual([{ uri: 'test://static-binary', mimeType: 'image/png', blob: PNG_BASE64 }]);
      expect(Buffer.from((contents[0] as { blob: string }).blob, 'base64').subarray(1, 4).toString()).toBe('PNG');
    });

    it('reads through a resource template', async () => {
      const { contents } = await client.readResource({ uri: 'test://template/123/data' });
      expect(contents).toHaveLength(1);
      expect(contents[0]).toMatchObject({ uri: 'test://template/123/data', mimeType: 'application/json' });
      expect(JSON.parse((contents[0] as { text: string }).text)).toEqual({ id: '123', templateTest: true, data: 'Data for ID: 123' });
    });

    it('rejects an unknown resource with -32002 and the uri in data', async () => {
      const error = await mcpErrorOf(() => client.readResource({ uri: 'test://nothing-here' }));
      expect(error.code).toBe(-32002);
      expect(error.message).toContain('test://nothing-here');
      expect(error.data).toEqual({ uri: 'test://nothing-here' });
    });

    it('lists resource templates', async () => {
      const { resourceTemplates } = await client.listResourceTemplates();
      expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(expect.arrayContaining(['test://template/{id}/data', 'notes://note/{id}']));
      expect(resourceTemplates.find((t) => t.uriTemplate === 'notes://note/{id}')).toMatchObject({ name: 'note', mimeType: 'text/markdown' });
    });
  });

  describe('prompts and completion', () => {
    it('lists prompts with their arguments', async () => {
      const { prompts } = await client.listPrompts();
      expect(prompts.map((p) => p.name)).toEqual(expect.arrayContaining(['test_simple_prompt', 'test_prompt_with_arguments', 'summarize_notes', 'greet']));
      expect(prompts.find((p) => p.name === 'greet')!.arguments).toEqual([{ name: 'name', description: 'Who to greet', required: true }]);
    });

    it('gets a prompt with arguments', async () => {
      const result = await client.getPrompt({ name: 'test_prompt_with_arguments', arguments: { arg1: 'alpha', arg2: 'beta' } });
      expect(result.messages).toEqual([{ role: 'user', content: { type: 'text', text: "Prompt with arguments: arg1='alpha', arg2='beta'" } }]);
      const greet = await client.getPrompt({ name: 'greet', arguments: { name: 'Ada' } });
      expect(greet.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Say hello to Ada' } }]);
    });

    it('rejects a missing required argument with -32602 naming it', async () => {
      const error = await mcpErrorOf(() => client.getPrompt({ name: 'test_prompt_with_arguments', arguments: { arg1: 'only one' } }));
      expect(error.code).toBe(ErrorCode.InvalidParams);
      expect(error.message).toContain('arg2');
      expect(error.message).not.toContain('arg1');
    });

    it('completes a prompt argument', async () => {
      const { completion } = await client.complete({ ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' }, argument: { name: 'arg1', value: 'par' } });
      expect(completion.values).toEqual(['paris', 'park', 'party']);
      const narrower = await client.complete({ ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' }, argument: { name: 'arg1', value: 'pari' } });
      expect(narrower.completion.values).toEqual(['paris']);
    });

    it('completes the notes template variable from existing note ids', async () => {
      const added = await client.callTool({ name: 'add_note', arguments: { title: 'For completion', body: 'x' } });
      const { id } = added.structuredContent as { id: string };
      const { completion } = await client.complete({ ref: { type: 'ref/resource', uri: 'notes://note/{id}' }, argument: { name: 'id', value: '' } });
      expect(completion.values).toContain(id);
      const none = await client.complete({ ref: { type: 'ref/resource', uri: 'notes://note/{id}' }, argument: { name: 'id', value: 'zzz' } });
      expect(none.completion.values).toEqual([]);
    });
  });

  describe('progress and logging', () => {
    it('delivers progress notifications in order before the result', async () => {
      const events: Array<Progress | 'result'> = [];
      const result = await client.callTool({ name: 'test_tool_with_progress' }, undefined, { onprogress: (p) => void events.push(p) });
      events.push('result');
      expect(result.isError).toBeFalsy();
      expect(events).toEqual([
        { progress: 0, total: 100, message: 'Completed step 0 of 100' },
        { progress: 50, total: 100, message: 'Completed step 50 of 100' },
        { progress: 100, total: 100, message: 'Completed step 100 of 100' },
        'result',
      ]);
    });

    it('delivers log notifications at or above the level the client set', async () => {
      const c = await connect();
      const logs = collectLogs(c);
      await c.setLoggingLevel('info');
      const result = await c.callTool({ name: 'test_tool_with_logging' });
      expect(textOf(result)).toBe('Tool with logging executed successfully');
      expect(logs).toEqual([
        { level: 'info', data: 'Tool execution started' },
        { level: 'info', data: 'Tool processing data' },
        { level: 'info', data: 'Tool execution completed' },
      ]);
    });

    it('reports progress per note and logs under the plugin logger name (example-notes search_notes)', async () => {
      const c = await connect();
      const logs = collectLogs(c);
      await c.setLoggingLevel('debug');
      await c.callTool({ name: 'add_note', arguments: { title: 'Needle one', body: 'haystack' } });
      await c.callTool({ name: 'add_note', arguments: { title: 'Other', body: 'has a NEEDLE too' } });
      const stored = JSON.parse(((await c.readResource({ uri: 'notes://all' })).contents[0] as { text: string }).text) as Array<{ id: string }>;

      const progress: Progress[] = [];
      const result = await c.callTool({ name: 'search_notes', arguments: { query: 'needle' } }, undefined, { onprogress: (p) => void progress.push(p) });
      expect(textOf(result)).toMatch(/\] Needle one$/m);
      expect(textOf(result)).toMatch(/\] Other$/m);
      expect(progress.map((p) => p.progress)).toEqual(stored.map((_, i) => i + 1));
      expect(progress.every((p) => p.total === stored.length)).toBe(true);
      expect(logs[0]).toEqual({ level: 'info', logger: 'notes', data: `Searching ${stored.length} note(s) for "needle"` });
      expect(logs[1]).toEqual({ level: 'debug', logger: 'notes', data: { query: 'needle', scanned: stored.length, matches: 2 } });
    });

    it("suppresses info logs after setLoggingLevel('error')", async () => {
      const c = await connect();
      const logs = collectLogs(c);
      await c.setLoggingLevel('error');
      const result = await c.callTool({ name: 'test_tool_with_logging' });
      expect(textOf(result)).toBe('Tool with logging executed successfully');
      expect(logs).toEqual([]);
    });

    it('rejects an unknown logging level with -32602', async () => {
      const error = await mcpErrorOf(() => client.request({ method: 'logging/setLevel', params: { level: 'loud' as never } }, EmptyResultSchema));
      expect(error.code).toBe(ErrorCode.InvalidParams);
      expect(error.message).toContain('loud');
    });
  });

  describe('server-to-client requests', () => {
    it('answers elicitation through the client handler and reflects the answer in the result', async () => {
      const c = await connect();
      const asked: unknown[] = [];
      c.setRequestHandler(ElicitRequestSchema, async (request) => {
        asked.push(request.params);
        return { action: 'accept', content: { username: 'ada', email: 'ada@example.com' } };
      });
      const result = await c.callTool({ name: 'test_elicitation', arguments: { message: 'Who are you?' } });
      expect(result.isError).toBeFalsy();
      expect(textOf(result)).toBe('User response: action=accept, content={"username":"ada","email":"ada@example.com"}');
      expect(asked).toEqual([expect.objectContaining({ message: 'Who are you?', requestedSchema: expect.objectContaining({ required: ['username', 'email'] }) })]);
    });

    it('answers sampling through the client handler and reflects the answer in the result', async () => {
      const c = await connect();
      const prompts: string[] = [];
      c.setRequestHandler(CreateMessageRequestSchema, async (request) => {
        const content = request.params.messages[0].content as { type: string; text: string };
        prompts.push(content.text);
        return { model: 'e2e-model', role: 'assistant', content: { type: 'text', text: `echo: ${content.text}` } };
      });
      const result = await c.callTool({ name: 'test_sampling', arguments: { prompt: 'What is 6*7?' } });
      expect(result.isError).toBeFalsy();
      expect(textOf(result)).toBe('LLM response: echo: What is 6*7?');
      expect(prompts).toEqual(['What is 6*7?']);
    });

    it('gives a client without the elicitation capability an isError result saying why', async () => {
      const c = await connect({ sampling: {} });
      const result = await c.callTool({ name: 'test_elicitation', arguments: { message: 'Who are you?' } });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/elicitation/);
      expect(textOf(result)).toMatch(/capability/);
    });
  });

  describe('sessions, cancellation, ping', () => {
    it('keeps two concurrent clients in separate sessions', async () => {
      const a = await connectHttpClient(host.url);
      const b = await connectHttpClient(host.url);
      clients.push(a.client, b.client);
      expect(a.transport.sessionId).toMatch(/\S/);
      expect(b.transport.sessionId).toMatch(/\S/);
      expect(a.transport.sessionId).not.toBe(b.transport.sessionId);

      // Session state (the log level) is per session.
      const logsA = collectLogs(a.client);
      const logsB = collectLogs(b.client);
      await a.client.setLoggingLevel('error');
      await b.client.setLoggingLevel('info');
      await Promise.all([a.client.callTool({ name: 'test_tool_with_logging' }), b.client.callTool({ name: 'test_tool_with_logging' })]);
      expect(logsA).toEqual([]);
      expect(logsB.map((l) => l.data)).toEqual(['Tool execution started', 'Tool processing data', 'Tool execution completed']);

      // Server-to-client requests go to the session that made the call, even when both are in flight at once.
      for (const [c, name] of [[a.client, 'alice'], [b.client, 'bob']] as const) {
        c.setRequestHandler(ElicitRequestSchema, async () => {
          await new Promise((r) => setTimeout(r, 50)); // keep both elicitations pending together
          return { action: 'accept', content: { username: name, email: `${name}@example.com` } };
        });
      }
      const [fromA, fromB] = await Promise.all([
        a.client.callTool({ name: 'test_elicitation', arguments: { message: 'a?' } }),
        b.client.callTool({ name: 'test_elicitation', arguments: { message: 'b?' } }),
      ]);
      expect(textOf(fromA)).toContain('"username":"alice"');
      expect(textOf(fromB)).toContain('"username":"bob"');

      // Ending one session leaves the other serving.
      await a.transport.terminateSession();
      await expect(a.client.ping()).rejects.toThrow();
      await expect(b.client.ping()).resolves.toEqual({});
    });

    it('cancels a call waiting on the client, tells the client, and keeps serving', async () => {
      // test_elicitation waits for the client's answer; the handler never answers, so the call is
      // in flight until the client cancels it (there is no plain slow tool in the fixtures).
      const c = await connect();
      const controller = new AbortController();
      let elicitationAborted!: () => void;
      const serverCancelledElicitation = new Promise<void>((resolve) => (elicitationAborted = resolve));
      c.setRequestHandler(ElicitRequestSchema, (_request, extra) => {
        extra.signal.addEventListener('abort', () => elicitationAborted(), { once: true });
        controller.abort(new Error('user pressed stop'));
        return new Promise(() => {});
      });
      await expect(c.callTool({ name: 'test_elicitation', arguments: { message: 'never answered' } }, undefined, { signal: controller.signal })).rejects.toThrow(/user pressed stop/);
      // The host withdraws its pending elicitation (notifications/cancelled), which aborts the client's handler.
      await expect(Promise.race([serverCancelledElicitation.then(() => 'withdrawn'), new Promise((r) => setTimeout(() => r('still pending'), 5_000))])).resolves.toBe('withdrawn');
      // The same session keeps serving.
      await expect(c.ping()).resolves.toEqual({});
      expect(textOf(await c.callTool({ name: 'test_simple_text' }))).toBe('This is a simple text response for testing.');
    });

    it('stops a cancelled tool from running on (no logs after cancellation)', async () => {
      const c = await connect();
      const logs: unknown[] = [];
      const controller = new AbortController();
      c.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
        logs.push(n.params.data);
        if (n.params.data === 'Tool execution started') controller.abort(new Error('stop logging'));
      });
      await expect(c.callTool({ name: 'test_tool_with_logging' }, undefined, { signal: controller.signal })).rejects.toThrow(/stop logging/);
      // Running on, the tool would log 'Tool execution completed' ~100 ms after it started; the
      // cancellation reaches the host well before that (the second log may still slip out).
      await new Promise((r) => setTimeout(r, 300));
      expect(logs[0]).toBe('Tool execution started');
      expect(logs).not.toContain('Tool execution completed');
      expect(textOf(await c.callTool({ name: 'test_simple_text' }))).toMatch(/simple text/);
    });

    it('answers ping', async () => {
      await expect(client.ping()).resolves.toEqual({});
    });
  });
});

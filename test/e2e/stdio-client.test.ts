/**
 * The host in `--stdio` mode: the official SDK 1.x Client for the core flows, then the raw pipe
 * (a child process of our own) for what a client library hides: stdout hygiene, exit on EOF,
 * malformed lines and batches.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ErrorCode,
  LoggingMessageNotificationSchema,
  McpError,
  ProgressNotificationSchema,
  type LoggingMessageNotification,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectStdioClient, HOST_BIN, pluginPath } from '../harness/index.js';

const PLUGINS = [pluginPath('conformance'), pluginPath('example-notes'), pluginPath('example-plain')];
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
const textOf = (result: unknown) => (result as { content: Array<{ text?: string }> }).content.map((c) => c.text ?? '').join('\n');

describe('SDK 1.x client over stdio', () => {
  let client: Client;
  let stderr: () => string;
  const logs: LoggingMessageNotification['params'][] = [];
  const elicitations: unknown[] = [];

  beforeAll(async () => {
    ({ client, stderr } = await connectStdioClient(PLUGINS));
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push(n.params));
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      elicitations.push(request.params);
      return { action: 'accept', content: { username: 'grace', email: 'grace@example.com' } };
    });
    client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      const content = request.params.messages[0].content as { text: string };
      return { model: 'e2e-model', role: 'assistant', content: { type: 'text', text: content.text.toUpperCase() } };
    });
  });

  afterAll(async () => {
    await client?.close();
  });

  it('lists the tools of all three plugins', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['test_simple_text', 'add_note', 'search_notes', 'echo', 'add']));
    for (const tool of tools) expect(tool.inputSchema.type, tool.name).toBe('object');
    expect(tools.find((t) => t.name === 'add_note')!.outputSchema).toMatchObject({ type: 'object' });
  });

  it('calls tools: text, structured output, tool error, invalid arguments, unknown tool', async () => {
    expect(textOf(await client.callTool({ name: 'test_simple_text' }))).toBe('This is a simple text response for testing.');
    expect(textOf(await client.callTool({ name: 'add', arguments: { a: 20, b: 22 } }))).toBe('42');

    const added = await client.callTool({ name: 'add_note', arguments: { title: 'Stdio note', body: 'over a pipe' } });
    expect(added.structuredContent).toEqual({ id: expect.stringMatching(/^\d+$/), title: 'Stdio note' });

    const failed = await client.callTool({ name: 'test_error_handling' });
    expect(failed.isError).toBe(true);
    expect(textOf(failed)).toBe('This tool intentionally returns an error for testing');

    const invalid = await client.callTool({ name: 'echo', arguments: {} });
    expect(invalid.isError).toBe(true);
    expect(textOf(invalid)).toMatch(/text/);

    const unknown = await client.callTool({ name: 'nope' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(McpError);
    expect((unknown as McpError).code).toBe(ErrorCode.InvalidParams);
  });

  it('lists and reads resources (text, binary, template) and reports unknown ones with -32002', async () => {
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(expect.arrayContaining(['test://static-text', 'test://static-binary', 'notes://all', 'plain://readme']));
    expect((await client.readResource({ uri: 'test://static-text' })).contents).toEqual([
      { uri: 'test://static-text', mimeType: 'text/plain', text: 'This is the content of the static text resource.' },
    ]);
    expect((await client.readResource({ uri: 'test://static-binary' })).contents).toEqual([{ uri: 'test://static-binary', mimeType: 'image/png', blob: PNG_BASE64 }]);
    const templated = await client.readResource({ uri: 'test://template/7/data' });
    expect(JSON.parse((templated.contents[0] as { text: string }).text)).toEqual({ id: '7', templateTest: true, data: 'Data for ID: 7' });
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(expect.arrayContaining(['test://template/{id}/data', 'notes://note/{id}']));

    const missing = await client.readResource({ uri: 'test://missing' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(McpError);
    expect((missing as McpError).code).toBe(-32002);
    expect((missing as McpError).data).toEqual({ uri: 'test://missing' });
  });

  it('lists and gets prompts, and completes an argument', async () => {
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(expect.arrayContaining(['test_prompt_with_arguments', 'summarize_notes', 'greet']));
    const got = await client.getPrompt({ name: 'greet', arguments: { name: 'Linus' } });
    expect(got.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Say hello to Linus' } }]);
    const missing = await client.getPrompt({ name: 'greet', arguments: {} }).catch((e: unknown) => e);
    expect((missing as McpError).code).toBe(ErrorCode.InvalidParams);
    expect((missing as McpError).message).toContain('name');
    const { completion } = await client.complete({ ref: { type: 'ref/prompt', name: 'summarize_notes' }, argument: { name: 'style', value: 'd' } });
    expect(completion.values).toEqual(['detailed']);
  });

  it('delivers progress in order before the result', async () => {
    // SDK 1.x runs notification handlers a microtask late but settles responses at once, so when
    // the last progress and the result share one stdout chunk, `onprogress` would miss the last
    // progress (the SDK has already dropped the token). Observing the notifications directly shows
    // what the host sent; the wire order itself is checked on the raw pipe below.
    const events: Array<Record<string, unknown> | 'result'> = [];
    client.setNotificationHandler(ProgressNotificationSchema, (n) => void events.push(n.params));
    try {
      await client.callTool({ name: 'test_tool_with_progress' }, undefined, { onprogress: () => {} });
      events.push('result');
    } finally {
      client.removeNotificationHandler('notifications/progress');
    }
    expect(events).toEqual([
      { progressToken: expect.anything(), progress: 0, total: 100, message: 'Completed step 0 of 100' },
      { progressToken: expect.anything(), progress: 50, total: 100, message: 'Completed step 50 of 100' },
      { progressToken: expect.anything(), progress: 100, total: 100, message: 'Completed step 100 of 100' },
      'result',
    ]);
  });

  it('delivers logs at the level set, and suppresses them below it', async () => {
    logs.length = 0;
    await client.setLoggingLevel('info');
    await client.callTool({ name: 'test_tool_with_logging' });
    expect(logs).toEqual([
      { level: 'info', data: 'Tool execution started' },
      { level: 'info', data: 'Tool processing data' },
      { level: 'info', data: 'Tool execution completed' },
    ]);
    logs.length = 0;
    await client.setLoggingLevel('error');
    await client.callTool({ name: 'test_tool_with_logging' });
    expect(logs).toEqual([]);
  });

  it('answers elicitation and sampling through the client handlers', async () => {
    const elicited = await client.callTool({ name: 'test_elicitation', arguments: { message: 'Name please' } });
    expect(textOf(elicited)).toBe('User response: action=accept, content={"username":"grace","email":"grace@example.com"}');
    expect(elicitations).toEqual([expect.objectContaining({ message: 'Name please' })]);
    const sampled = await client.callTool({ name: 'test_sampling', arguments: { prompt: 'shout this' } });
    expect(textOf(sampled)).toBe('LLM response: SHOUT THIS');
  });

  it('answers ping and writes its own logs to stderr', async () => {
    await expect(client.ping()).resolves.toEqual({});
    expect(stderr()).toContain('serving on stdio');
  });
});

/** A host process on a raw pipe: every stdout line, parsed, and stderr as text. */
class RawStdioHost {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  private waiters: Array<() => void> = [];
  private buffered = '';

  constructor(plugins: string[]) {
    this.child = spawn(process.execPath, [HOST_BIN, '--stdio', '--log-level', 'debug', ...plugins.flatMap((p) => ['--plugins', p])], { stdio: 'pipe' });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      this.buffered += chunk;
      const parts = this.buffered.split('\n');
      this.buffered = parts.pop()!;
      this.lines.push(...parts);
      for (const w of this.waiters.splice(0)) w();
    });
    this.child.stderr.on('data', (d) => (this.stderr += d));
  }

  send(line: string): void {
    this.child.stdin.write(line + '\n');
  }

  /** Every stdout line parsed (throws on a line that is not JSON). */
  messages(): Array<Record<string, unknown>> {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** Resolves with the first message matching `predicate`, or rejects after `timeoutMs`. */
  async waitFor(predicate: (m: Record<string, unknown>) => boolean, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.map((l) => { try { return JSON.parse(l) as Record<string, unknown>; } catch { return undefined; } }).find((m) => m && predicate(m));
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message within ${timeoutMs} ms; stdout:\n${this.lines.join('\n')}\nstderr:\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  /** Sends a request and waits for its response. */
  request(id: number, method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.send(JSON.stringify({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) }));
    return this.waitFor((m) => m.id === id && ('result' in m || 'error' in m));
  }

  async initialize(): Promise<void> {
    const response = await this.request(0, 'initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw-e2e', version: '1.0.0' } });
    expect(response.result).toMatchObject({ protocolVersion: '2025-11-25', serverInfo: { name: 'mcp-host' } });
    this.send(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

/** Resolves with `promise`'s value, or rejects after `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

describe('raw stdio pipe', () => {
  let raw: RawStdioHost;

  afterEach(() => raw?.kill());

  it('writes only JSON-RPC messages to stdout and its logs to stderr', async () => {
    raw = new RawStdioHost(PLUGINS);
    await raw.initialize();
    await raw.request(1, 'logging/setLevel', { level: 'debug' });
    const call = await raw.request(2, 'tools/call', { name: 'search_notes', arguments: { query: 'x' }, _meta: { progressToken: 'p1' } });
    expect(call.result).toMatchObject({ content: [{ type: 'text', text: 'No note matches "x".' }] });
    await raw.request(3, 'tools/list');

    expect(raw.lines.length).toBeGreaterThanOrEqual(5);
    for (const line of raw.lines) {
      const message = JSON.parse(line) as Record<string, unknown>;
      expect(message.jsonrpc, line).toBe('2.0');
      expect('method' in message || 'result' in message || 'error' in message, line).toBe(true);
    }
    // The tool's logs to the client came as notifications on stdout...
    expect(raw.messages().filter((m) => m.method === 'notifications/message').map((m) => (m.params as { data: unknown }).data)).toContain('Searching 0 note(s) for "x"');
    // ...and the host's own logs (pino JSON) went to stderr.
    expect(raw.stderr).toContain('serving on stdio');
    expect(raw.stderr.split('\n').filter((l) => l.startsWith('{')).length).toBeGreaterThan(0);
    expect(raw.lines.join('\n')).not.toContain('serving on stdio');
  });

  it('writes progress notifications before the response on the wire', async () => {
    raw = new RawStdioHost(PLUGINS);
    await raw.initialize();
    const from = raw.lines.length;
    await raw.request(4, 'tools/call', { name: 'test_tool_with_progress', _meta: { progressToken: 'tok-4' } });
    const sequence = raw.lines.slice(from).map((l) => JSON.parse(l) as { id?: unknown; method?: string; params?: { progressToken?: unknown; progress?: number } });
    expect(sequence.map((m) => (m.method === 'notifications/progress' ? `${String(m.params!.progressToken)}:${m.params!.progress}` : `response:${String(m.id)}`))).toEqual([
      'tok-4:0',
      'tok-4:50',
      'tok-4:100',
      'response:4',
    ]);
  });

  it('exits 0 when stdin closes', async () => {
    raw = new RawStdioHost(PLUGINS);
    await raw.initialize();
    raw.child.stdin.end();
    await expect(within(raw.exited, 10_000, 'exit after stdin closed')).resolves.toBe(0);
  });

  it('answers a malformed line with -32700 and still answers the next request', async () => {
    raw = new RawStdioHost(PLUGINS);
    await raw.initialize();
    raw.send('{"jsonrpc":"2.0","id":5,"method":"tools/list"');
    const parseError = await raw.waitFor((m) => (m.error as { code?: number } | undefined)?.code === -32700);
    expect(parseError).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700, message: expect.stringMatching(/^Parse error/) } });
    const next = await raw.request(6, 'tools/list');
    expect((next.result as { tools: unknown[] }).tools.length).toBeGreaterThan(0);
  });

  it('answers a batch array with -32600 and still serves', async () => {
    raw = new RawStdioHost(PLUGINS);
    await raw.initialize();
    raw.send(JSON.stringify([{ jsonrpc: '2.0', id: 7, method: 'ping' }, { jsonrpc: '2.0', id: 8, method: 'ping' }]));
    const batchError = await raw.waitFor((m) => (m.error as { code?: number } | undefined)?.code === -32600);
    expect(batchError).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.stringMatching(/batch/i) } });
    // Neither request of the batch was served on its own.
    expect(raw.messages().some((m) => m.id === 7 || m.id === 8)).toBe(false);
    await expect(raw.request(9, 'ping')).resolves.toMatchObject({ id: 9, result: {} });
  });

  it('refuses requests before initialize with -32600', async () => {
    raw = new RawStdioHost(PLUGINS);
    const early = await raw.request(1, 'tools/list');
    expect(early.error).toMatchObject({ code: -32600, message: expect.stringContaining('initialize') });
    await raw.initialize();
    const later = await raw.request(2, 'tools/list');
    expect(later.result).toBeDefined();
  });
});

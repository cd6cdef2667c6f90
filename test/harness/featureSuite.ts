/**
 * What crosses the boundary of an isolated plugin (worker thread or child process), end to end with
 * an official SDK 1.x client: results, each kind of error, progress, logs, elicitation, sampling,
 * roots, notifications, resources, prompts and cancellation (both eras). One fixture plugin and one
 * suite, run by plugin-faults.test.ts for `isolation: worker` and by plugin-process.test.ts for
 * `isolation: process`, so the two runtimes are held to the same behaviour.
 */
import { request as httpRequest } from 'node:http';
import {
  CallToolResultSchema,
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  McpError,
  ToolListChangedNotificationSchema,
  type LoggingMessageNotification,
} from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it, vi } from 'vitest';
import { CALL, createPlugin, pingTool, pluginSource, servedHelpers, textOf, type Served, type ToolResult, type ToolSpec } from './faultPlugins.js';
import { MODERN_VERSION, modernMeta } from './modernClients.js';

/** The tools of the features plugin, named `<prefix>_…`. */
export function featureTools(prefix: string): ToolSpec[] {
  return [
    pingTool(`${prefix}_ping`),
    { name: `${prefix}_progress`, body: `for (let i = 1; i <= 3; i++) await ctx.progress(i, 3, 'step ' + i);\nreturn 'progressed';` },
    { name: `${prefix}_log`, body: `await ctx.log('info', { from: 'worker', n: 1 }, 'feat-logger');\nawait ctx.log('warning', 'second line');\nreturn 'logged';` },
    {
      name: `${prefix}_elicit`,
      body: `const answer = await ctx.elicit({ message: 'Your name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } });\nreturn JSON.stringify(answer);`,
    },
    {
      name: `${prefix}_sample`,
      body: `const answer = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: 'Say hi' } }], maxTokens: 10 });\nreturn JSON.stringify(answer);`,
    },
    { name: `${prefix}_roots`, body: `return JSON.stringify(await ctx.listRoots());` },
    { name: `${prefix}_structured`, body: `return { content: [{ type: 'text', text: 'see structured' }], structuredContent: { n: 42, list: [1, 'two', { three: 3 }], bytes: Array.from(new Uint8Array([1, 2])) } };` },
    { name: `${prefix}_tool_error`, body: `throw new ToolError('fault: tool says no');` },
    { name: `${prefix}_mcp_error`, body: `throw new McpError(-32602, 'fault: bad params', { field: 'x' });` },
    { name: `${prefix}_plain_error`, body: `throw new TypeError('fault: plain type error');` },
    { name: `${prefix}_notify`, body: `notifications.listChanged('tools');\nreturn 'announced';` },
    {
      // Waits (bounded) for the abort of its call and records what it saw.
      name: `${prefix}_abortable`,
      body: [
        `abortSeen = { started: true, aborted: false };`,
        `await new Promise((resolve) => {`,
        `  const timer = setTimeout(resolve, 8000);`,
        `  ctx.signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });`,
        `});`,
        `abortSeen = { started: true, aborted: ctx.signal.aborted, reason: String(ctx.signal.reason?.message ?? ctx.signal.reason) };`,
        `return 'finished';`,
      ].join('\n'),
    },
    { name: `${prefix}_abort_seen`, body: `return JSON.stringify(abortSeen);` },
  ];
}

/** Writes the features plugin (tools `<prefix>_…`, resource `feature://<prefix>/note`, prompt `<prefix>_greet`). */
export function createFeaturesPlugin(parent: string, id: string, prefix: string): void {
  const more = [
    `  setup(scope) { notifications = scope.notifications; },`,
    `  resources: [{ name: '${prefix}_note', uri: 'feature://${prefix}/note', mimeType: 'text/plain', handler: async (uri) => 'note from ' + uri }],`,
    `  prompts: [{ name: '${prefix}_greet', arguments: [{ name: 'who', required: true }], handler: async (args) => ({ messages: [{ role: 'user', content: { type: 'text', text: 'Hello, ' + args.who } }] }) }],`,
  ].join('\n');
  createPlugin(parent, id, pluginSource(featureTools(prefix), { imports: 'McpError, ToolError', prelude: `let abortSeen = { started: false, aborted: false };\nlet notifications;`, more }));
}

/** The suite: `on` is the served host, `plugin` the features plugin's id, `prefix` its tools' prefix. */
export function describeFeatures(on: Served, options: { plugin: string; prefix: string; isolation: 'worker' | 'process' }): void {
  const { plugin, prefix, isolation } = options;
  const { call, callText, ping, expectHostHealthy, diedLogs } = servedHelpers(on);
  const name = (tool: string) => `${prefix}_${tool}`;
  const abortSeen = async () => JSON.parse(await callText(name('abort_seen')));

  describe(`features across the ${isolation} boundary, with an SDK 1.x client`, () => {
    it(`runs in a ${isolation}`, async () => {
      const p = await ping(name('ping'));
      if (isolation === 'worker') expect(p).toMatchObject({ isMainThread: false, pid: on.host.process.pid });
      else expect(p.pid).not.toBe(on.host.process.pid);
    });

    it('results cross intact: content and structured content', async () => {
      const r = await call(name('structured'));
      expect(r.isError, JSON.stringify(r)).toBeFalsy();
      expect(textOf(r)).toBe('see structured');
      expect(r.structuredContent).toEqual({ n: 42, list: [1, 'two', { three: 3 }], bytes: [1, 2] });
    });

    it('errors keep their kind: ToolError and a plain Error are isError results, McpError a JSON-RPC error with code and data', async () => {
      const tool = await call(name('tool_error'));
      expect(tool).toMatchObject({ isError: true });
      expect(textOf(tool)).toBe('fault: tool says no');
      const plain = await call(name('plain_error'));
      expect(plain).toMatchObject({ isError: true });
      expect(textOf(plain)).toContain('fault: plain type error');
      const mcp = await call(name('mcp_error')).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(mcp).toBeInstanceOf(McpError);
      expect(mcp).toMatchObject({ code: -32602, data: { field: 'x' } });
      expect((mcp as Error).message).toContain('fault: bad params');
      expect(diedLogs(plugin)).toEqual([]);
    });

    it('a resource read and a prompt get cross like a tool call', async () => {
      const read = await on.client.readResource({ uri: `feature://${prefix}/note` }, CALL);
      expect(read.contents).toEqual([{ uri: `feature://${prefix}/note`, mimeType: 'text/plain', text: `note from feature://${prefix}/note` }]);
      const prompt = await on.client.getPrompt({ name: name('greet'), arguments: { who: 'Ada' } }, CALL);
      expect(prompt.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Hello, Ada' } }]);
    });

    it('progress notifications reach onprogress', async () => {
      const progress: Array<{ progress: number; total?: number; message?: string }> = [];
      const r = (await on.client.callTool({ name: name('progress'), arguments: {} }, CallToolResultSchema, { ...CALL, onprogress: (p) => void progress.push(p) })) as ToolResult;
      expect(r.isError, JSON.stringify(r)).toBeFalsy();
      expect(textOf(r)).toBe('progressed');
      expect(progress).toEqual([
        { progress: 1, total: 3, message: 'step 1' },
        { progress: 2, total: 3, message: 'step 2' },
        { progress: 3, total: 3, message: 'step 3' },
      ]);
    });

    it('log notifications reach the client', async () => {
      const logs: LoggingMessageNotification['params'][] = [];
      on.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push(n.params));
      expect(await callText(name('log'))).toBe('logged');
      await vi.waitFor(() => expect(logs).toHaveLength(2), { timeout: 5_000, interval: 20 });
      expect(logs).toEqual([
        { level: 'info', logger: 'feat-logger', data: { from: 'worker', n: 1 } },
        { level: 'warning', data: 'second line' },
      ]);
    });

    it('elicitation round-trips through the client request handler', async () => {
      const asked: unknown[] = [];
      on.client.setRequestHandler(ElicitRequestSchema, async (request) => {
        asked.push(request.params);
        return { action: 'accept', content: { name: 'Ada' } };
      });
      const answer = JSON.parse(await callText(name('elicit')));
      expect(answer).toMatchObject({ action: 'accept', content: { name: 'Ada' } });
      expect(asked).toHaveLength(1);
      expect(asked[0]).toMatchObject({ message: 'Your name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } } } });
    });

    it('sampling and roots round-trip through the client request handlers', async () => {
      on.client.setRequestHandler(CreateMessageRequestSchema, async () => ({ role: 'assistant', content: { type: 'text', text: 'hi' }, model: 'test-model' }));
      on.client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [{ uri: 'file:///tmp/root-a', name: 'a' }] }));
      expect(JSON.parse(await callText(name('sample')))).toMatchObject({ role: 'assistant', content: { type: 'text', text: 'hi' }, model: 'test-model' });
      expect(JSON.parse(await callText(name('roots')))).toMatchObject({ roots: [{ uri: 'file:///tmp/root-a', name: 'a' }] });
    });

    it("the plugin's NOTIFICATIONS service reaches the client (tools/list_changed)", async () => {
      let changed = 0;
      on.client.setNotificationHandler(ToolListChangedNotificationSchema, () => void changed++);
      expect(await callText(name('notify'))).toBe('announced');
      await vi.waitFor(() => expect(changed).toBeGreaterThanOrEqual(1), { timeout: 5_000, interval: 20 });
    });

    it(`cancellation (AbortSignal on callTool) reaches the handler in the ${isolation}`, async () => {
      expect(await abortSeen()).toEqual({ started: false, aborted: false });
      const controller = new AbortController();
      const pending = on.client.callTool({ name: name('abortable'), arguments: {} }, undefined, { ...CALL, signal: controller.signal });
      const settled = pending.then(
        () => 'resolved',
        (e: Error) => `rejected: ${e.message}`,
      );
      // Abort once the handler is running.
      await vi.waitFor(async () => expect((await abortSeen()).started).toBe(true), { timeout: 5_000, interval: 50 });
      controller.abort(new Error('user pressed stop'));
      expect(await settled).toMatch(/^rejected: .*user pressed stop/);
      await vi.waitFor(async () => expect(await abortSeen()).toMatchObject({ started: true, aborted: true }), { timeout: 5_000, interval: 50 });
      // Cancelling is not a crash.
      expect(diedLogs(plugin)).toEqual([]);
      await expectHostHealthy();
    });

    it(`a 2026-07-28 call whose HTTP connection closes is cancelled in the ${isolation} (closing the stream is cancellation)`, async () => {
      // The previous run of the abortable tool left { started: true, aborted: true }; this call's start resets it.
      const body = JSON.stringify({ jsonrpc: '2.0', id: 'closing-1', method: 'tools/call', params: { name: name('abortable'), arguments: {}, _meta: modernMeta() } });
      const url = new URL(on.host.url);
      const req = httpRequest({
        host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent: false,
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': MODERN_VERSION, 'mcp-method': 'tools/call', 'mcp-name': name('abortable') },
      });
      const answered = new Promise<string>((resolve) => {
        req.on('response', (res) => resolve(`answered with ${res.statusCode}`));
        req.on('error', () => resolve('connection closed'));
        req.on('close', () => resolve('connection closed'));
      });
      req.end(body);
      await vi.waitFor(async () => expect(await abortSeen()).toEqual({ started: true, aborted: false }), { timeout: 5_000, interval: 50 });
      req.destroy();
      expect(await answered).toBe('connection closed');
      // The handler sees its signal abort well before its own 8 s timer.
      await vi.waitFor(async () => expect(await abortSeen()).toMatchObject({ started: true, aborted: true }), { timeout: 5_000, interval: 50 });
      expect(diedLogs(plugin)).toEqual([]);
      await expectHostHealthy();
    });
  });
}

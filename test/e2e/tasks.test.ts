/**
 * The tasks extension (io.modelcontextprotocol/tasks, SEP-2663) end to end: a real host serving
 * plugins/conformance (its task fixtures run in a worker), three principals (service tokens), and
 * the official clients — SDK 1.x on a 2025-11-25 session (HTTP and stdio), SDK 2.x pinned to 2026-07-28 — creating,
 * polling, answering, cancelling tasks and reading their results; another principal refused as if
 * the task did not exist; a flood past the per-principal share refused (-32029) until the TTL frees
 * it; hostile params answered with clean JSON-RPC errors while the host stays up.
 */
import { Client as ModernSdkClient, StreamableHTTPClientTransport as ModernTransport } from '@modelcontextprotocol/client';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema, ElicitRequestSchema, McpError, ResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttpClient, connectStdioClient, MODERN_VERSION, pluginPath, modernRequest, postModern, sha256Hex, startTestHost, writeConfig, type TestHost } from '../harness/index.js';

const TASKS = 'io.modelcontextprotocol/tasks';
const TOKENS = { alice: 'tasks-e2e-alice-0123456789abcdef', bob: 'tasks-e2e-bob-0123456789abcdef01', carol: 'tasks-e2e-carol-0123456789abcdef' } as const;
type Who = keyof typeof TOKENS;
const PER_PRINCIPAL = 30;
const TTL_MS = 4000;
const CALL_TIMEOUT_MS = 1500;
const CAPS = { elicitation: {}, extensions: { [TASKS]: {} } };

const bearer = (who: Who) => ({ authorization: `Bearer ${TOKENS[who]}` });
/** Any result, as the SDK 2.x client's `request` takes a Standard Schema. */
const ANY = { '~standard': { version: 1 as const, vendor: 'e2e', validate: (value: unknown) => ({ value }) } };
type Json = Record<string, any>;

describe('tasks extension (SEP-2663) with the official clients', () => {
  let host: TestHost;
  let remove: () => void;
  const clients: Array<{ close(): Promise<void> }> = [];

  /** An SDK 1.x client on a 2025-11-25 session of `who`, declaring the tasks extension (or not). */
  async function legacy(who: Who, capabilities: Json = CAPS) {
    const { client } = await connectHttpClient(host.url, capabilities as never, bearer(who));
    clients.push(client);
    return { client, req: (method: string, params: Json) => client.request({ method, params } as never, ResultSchema) as Promise<Json> };
  }

  /** An SDK 2.x client of `who` pinned to 2026-07-28 (every request carries its capabilities in `_meta`). */
  async function modern(who: Who) {
    const client = new ModernSdkClient({ name: 'tasks-e2e-modern', version: '1.0.0' }, { capabilities: CAPS, versionNegotiation: { mode: { pin: MODERN_VERSION } } } as never);
    await client.connect(new ModernTransport(new URL(host.url), { requestInit: { headers: bearer(who) } }));
    clients.push(client);
    return { client, req: (method: string, params: Json) => client.request({ method, params } as never, ANY as never) as Promise<Json> };
  }

  async function until(get: () => Promise<Json>, done: (t: Json) => boolean, timeoutMs = 10_000): Promise<Json> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const t = await get();
      if (done(t) || Date.now() > end) return t;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function errorOf(p: Promise<unknown>): Promise<{ code: number; message: string; data?: any }> {
    try {
      await p;
    } catch (e) {
      return e as McpError;
    }
    throw new Error('expected the request to fail');
  }

  beforeAll(async () => {
    const config = writeConfig({
      auth: { serviceTokens: Object.entries(TOKENS).map(([name, token]) => ({ name, sha256: sha256Hex(token) })) },
      protocol: { tasks: { perPrincipal: PER_PRINCIPAL, ttlMs: TTL_MS, pollIntervalMs: 100 } },
      // Short, so a task is seen to outlive it (the fixtures run in a worker, where it is enforced).
      plugins: { callTimeoutMs: CALL_TIMEOUT_MS },
    });
    remove = config.remove;
    host = await startTestHost({ args: ['--config', config.file] });
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await host?.stop();
    remove?.();
  });

  it('tools/list marks the tools that run as tasks (execution.taskSupport), and initialize advertises the extension', async () => {
    const { client } = await legacy('alice');
    expect(client.getServerCapabilities()).toMatchObject({ extensions: { [TASKS]: {} } });
    const { tools } = await client.listTools();
    const support = Object.fromEntries(tools.map((t) => [t.name, (t as Json).execution?.taskSupport]));
    expect(support).toMatchObject({ slow_compute: 'optional', failing_job: 'required', greet: undefined });
  });

  describe('SDK 1.x on a 2025-11-25 session', () => {
    it('create → poll → result: tools/call answers a task at once; tasks/get shows it working, then completed with the result inlined', async () => {
      const { req } = await legacy('alice');
      const created = await req('tools/call', { name: 'slow_compute', arguments: { seconds: 1, label: 'legacy' } });
      expect(created).toMatchObject({ resultType: 'task', status: 'working', ttlMs: TTL_MS, pollIntervalMs: 100 });
      expect(created).not.toHaveProperty('content');
      const working = await req('tasks/get', { taskId: created.taskId });
      expect(working).toMatchObject({ taskId: created.taskId, status: 'working' });
      expect(working).not.toHaveProperty('result');
      const done = await until(() => req('tasks/get', { taskId: created.taskId }), (t) => t.status !== 'working');
      expect(done).toMatchObject({ status: 'completed', result: { content: [{ type: 'text', text: 'Computed legacy after 1s' }] } });
    });

    it('cancel: tasks/cancel acknowledges with {} and the task is cancelled; cancelling again is acknowledged alike', async () => {
      const { req } = await legacy('alice');
      const { taskId } = await req('tools/call', { name: 'slow_compute', arguments: { seconds: 60 } });
      const ack = await req('tasks/cancel', { taskId });
      expect(Object.keys(ack).filter((k) => k !== '_meta')).toEqual([]);
      expect(await req('tasks/get', { taskId })).toMatchObject({ status: 'cancelled' });
      expect(await req('tasks/cancel', { taskId })).not.toHaveProperty('status');
    });

    it('a question parks the task in input_required; tasks/update answers it and the task completes', async () => {
      const { req } = await legacy('alice');
      const { taskId } = await req('tools/call', { name: 'confirm_delete', arguments: { filename: 'a.txt' } });
      const asking = await until(() => req('tasks/get', { taskId }), (t) => t.status === 'input_required');
      expect(asking.inputRequests).toEqual({ confirm: { method: 'elicitation/create', params: expect.objectContaining({ message: 'Delete a.txt?' }) } });
      await req('tasks/update', { taskId, inputResponses: { confirm: { action: 'accept', content: { confirm: true } } } });
      const done = await until(() => req('tasks/get', { taskId }), (t) => t.status === 'input_required' || t.status === 'working' ? false : true);
      expect(done).toMatchObject({ status: 'completed', result: { content: [{ text: 'Deleted a.txt' }] } });
    });

    it('a tool error completes the task with isError; a protocol error fails it with the error', async () => {
      const { req } = await legacy('alice');
      const failing = await req('tools/call', { name: 'failing_job', arguments: {} });
      const protocolError = await req('tools/call', { name: 'protocol_error_job', arguments: {} });
      expect(await until(() => req('tasks/get', { taskId: failing.taskId }), (t) => t.status !== 'working')).toMatchObject({ status: 'completed', result: { isError: true } });
      const failed = await until(() => req('tasks/get', { taskId: protocolError.taskId }), (t) => t.status !== 'working');
      expect(failed).toMatchObject({ status: 'failed', error: { code: -32603, message: 'Protocol task failed' } });
      expect(failed).not.toHaveProperty('result');
    });

    it('a task outlives the plugins\' call timeout (it is bounded by its TTL instead); the same call made synchronously does not', async () => {
      const { req } = await legacy('alice');
      const { taskId } = await req('tools/call', { name: 'slow_compute', arguments: { seconds: 2.5, label: 'long' } });
      const done = await until(() => req('tasks/get', { taskId }), (t) => t.status !== 'working');
      expect(done).toMatchObject({ status: 'completed', result: { content: [{ text: 'Computed long after 2.5s' }] } });
      const sync = await legacy('alice', { elicitation: {} });
      const result = await sync.client.callTool({ name: 'slow_compute', arguments: { seconds: 2.5 } });
      expect(result).toMatchObject({ isError: true, content: [{ text: expect.stringContaining(`did not answer within ${CALL_TIMEOUT_MS} ms`) }] });
    });

    it('without the extension: an optional task tool answers synchronously, a required one is refused with -32021', async () => {
      const { client, req } = await legacy('alice', { elicitation: {} });
      expect(await client.callTool({ name: 'slow_compute', arguments: { seconds: 0 } })).toMatchObject({ content: [{ text: 'Computed result after 0s' }] });
      const required = await errorOf(client.callTool({ name: 'failing_job', arguments: {} }));
      expect(required.code).toBe(-32021);
      expect(required.data).toEqual({ requiredCapabilities: { extensions: { [TASKS]: {} } } });
      // A session may still poll by id (the first draft); an id it does not own is unknown.
      expect((await errorOf(req('tasks/get', { taskId: 'x' }))).code).toBe(-32602);
    });
  });

  describe("SDK 1.x's own task API on a 2025-11-25 session (the first draft: params.task, tasks/result, tasks/list)", () => {
    it('callToolStream: task created, polled, result read with tasks/result (carrying related-task)', async () => {
      const { client } = await legacy('bob', { elicitation: {} });
      expect(client.getServerCapabilities()?.tasks).toEqual({ list: {}, cancel: {}, requests: { tools: { call: {} } } });
      const kinds: string[] = [];
      let result: Json | undefined;
      for await (const m of client.experimental.tasks.callToolStream({ name: 'slow_compute', arguments: { seconds: 0.3, label: 'draft' } }, CallToolResultSchema, { task: { ttl: 60_000 } })) {
        kinds.push(m.type);
        if (m.type === 'result') result = m.result as Json;
        if (m.type === 'error') throw m.error;
      }
      expect(kinds[0]).toBe('taskCreated');
      expect(kinds.at(-1)).toBe('result');
      expect(result).toMatchObject({ content: [{ text: 'Computed draft after 0.3s' }], _meta: { 'io.modelcontextprotocol/related-task': { taskId: expect.any(String) } } });
    });

    it("a task's question reaches the client as a real elicitation while it waits on tasks/result", async () => {
      const { client } = await legacy('bob', { elicitation: {} });
      client.setRequestHandler(ElicitRequestSchema, async (req) => {
        expect(req.params.message).toBe('Delete draft.txt?');
        return { action: 'accept', content: { confirm: true } };
      });
      let result: Json | undefined;
      for await (const m of client.experimental.tasks.callToolStream({ name: 'confirm_delete', arguments: { filename: 'draft.txt' } }, CallToolResultSchema, { task: {} })) {
        if (m.type === 'result') result = m.result as Json;
        if (m.type === 'error') throw m.error;
      }
      expect(result).toMatchObject({ content: [{ text: 'Deleted draft.txt' }] });
    });

    it("getTask, listTasks (only the caller's), cancelTask (a finished task cannot be cancelled)", async () => {
      const { client } = await legacy('bob', { elicitation: {} });
      const other = await legacy('carol', { elicitation: {} });
      const stream = client.experimental.tasks.callToolStream({ name: 'slow_compute', arguments: { seconds: 60 } }, CallToolResultSchema, { task: {} });
      const first = await stream.next();
      expect(first.value).toMatchObject({ type: 'taskCreated' });
      const taskId = (first.value as { task: { taskId: string } }).task.taskId;
      await stream.return(undefined);
      expect(await client.experimental.tasks.getTask(taskId)).toMatchObject({ taskId, status: 'working', ttl: TTL_MS, pollInterval: 100 });
      expect((await client.experimental.tasks.listTasks()).tasks.map((t) => t.taskId)).toContain(taskId);
      expect((await other.client.experimental.tasks.listTasks()).tasks.map((t) => t.taskId)).not.toContain(taskId);
      expect((await errorOf(other.client.experimental.tasks.getTask(taskId))).code).toBe(-32602);
      expect(await client.experimental.tasks.cancelTask(taskId)).toMatchObject({ taskId, status: 'cancelled' });
      expect((await errorOf(client.experimental.tasks.cancelTask(taskId))).code).toBe(-32602);
    });
  });

  it('over stdio too (SDK 1.x, the stdio principal): create, poll, result', async () => {
    const { client } = await connectStdioClient([pluginPath('conformance')], CAPS as never);
    clients.push(client);
    const req = (method: string, params: Json) => client.request({ method, params } as never, ResultSchema) as Promise<Json>;
    const { taskId } = await req('tools/call', { name: 'slow_compute', arguments: { seconds: 0.2, label: 'stdio' } });
    const done = await until(() => req('tasks/get', { taskId }), (t) => t.status !== 'working');
    expect(done).toMatchObject({ status: 'completed', result: { content: [{ text: 'Computed stdio after 0.2s' }] } });
  });

  describe('SDK 2.x pinned to 2026-07-28', () => {
    /** Creates a task with a raw 2026-07-28 tools/call: SDK 2.4.0 refuses a `resultType: "task"` answer ("Unsupported result type"), so it cannot start one. */
    async function createModern(who: Who, args: Json): Promise<Json> {
      const body = modernRequest(1, 'tools/call', { name: 'slow_compute', arguments: args });
      (body.params as Json)._meta['io.modelcontextprotocol/clientCapabilities'] = CAPS;
      const res = await postModern(host.url, body, { headers: bearer(who) });
      return res.response!.result as Json;
    }

    it('create (raw) → poll → result, and cancel, with the SDK 2.x client: the stateless era finds the task by principal alone', async () => {
      const { req } = await modern('alice');
      const created = await createModern('alice', { seconds: 1, label: 'modern' });
      expect(created).toMatchObject({ resultType: 'task', status: 'working', ttlMs: TTL_MS });
      expect(created).not.toHaveProperty('requestState');
      const done = await until(() => req('tasks/get', { taskId: created.taskId }), (t) => t.status !== 'working');
      expect(done).toMatchObject({ status: 'completed', result: { content: [{ text: 'Computed modern after 1s' }] } });
      const long = await createModern('alice', { seconds: 60 });
      await req('tasks/cancel', { taskId: long.taskId });
      expect(await req('tasks/get', { taskId: long.taskId })).toMatchObject({ status: 'cancelled' });
    });

    it('the removed methods of the first draft (tasks/result, tasks/list) are not found (raw requests: the SDK 2.x client will not send them)', async () => {
      for (const [method, params] of [['tasks/result', { taskId: 'x' }], ['tasks/list', {}]] as const) {
        const body = modernRequest(1, method, params);
        (body.params as Json)._meta['io.modelcontextprotocol/clientCapabilities'] = CAPS;
        const res = await postModern(host.url, body, { headers: bearer('alice') });
        expect(res.response?.error?.code).toBe(-32601);
      }
    });
  });

  describe('principals', () => {
    it("another principal is told the task does not exist (the same -32602 as an unknown id), cannot cancel or answer it, and alice's task runs on", async () => {
      const alice = await legacy('alice');
      const bob = await modern('bob');
      const { taskId } = await alice.req('tools/call', { name: 'confirm_delete', arguments: { filename: 'secret.txt' } });
      await until(() => alice.req('tasks/get', { taskId }), (t) => t.status === 'input_required');
      const unknown = await errorOf(bob.req('tasks/get', { taskId: '00000000-0000-4000-8000-000000000000' }));
      for (const [method, params] of [['tasks/get', { taskId }], ['tasks/cancel', { taskId }], ['tasks/update', { taskId, inputResponses: { confirm: { action: 'accept', content: { confirm: true } } } }]] as const) {
        const refused = await errorOf(bob.req(method, params));
        expect(refused.code).toBe(-32602);
        expect(refused.code).toBe(unknown.code);
        expect(JSON.stringify(refused)).not.toContain('secret.txt');
      }
      expect(await alice.req('tasks/get', { taskId })).toMatchObject({ status: 'input_required', inputRequests: { confirm: expect.anything() } });
      await alice.req('tasks/cancel', { taskId });
    });

    it(`a flood past ${PER_PRINCIPAL} tasks per principal is refused with -32029 while others still create theirs; the TTL frees the share`, async () => {
      const carol = await legacy('carol');
      const ids: string[] = [];
      for (let i = 0; i < PER_PRINCIPAL; i++) ids.push((await carol.req('tools/call', { name: 'slow_compute', arguments: { seconds: 0 } })).taskId);
      const flood = await Promise.all(Array.from({ length: 20 }, () => errorOf(carol.req('tools/call', { name: 'slow_compute', arguments: { seconds: 0 } }))));
      for (const e of flood) expect(e).toMatchObject({ code: -32029, data: { limit: 'tasksPerPrincipal', max: PER_PRINCIPAL } });
      const bob = await legacy('bob');
      expect(await bob.req('tools/call', { name: 'slow_compute', arguments: { seconds: 0 } })).toMatchObject({ resultType: 'task' });
      // Results are kept for the TTL after the last change, then the task is gone and its share free.
      const last = await until(() => carol.req('tasks/get', { taskId: ids.at(-1)! }), (t) => t.status === 'completed');
      expect(last.status).toBe('completed');
      await new Promise((r) => setTimeout(r, TTL_MS + 300));
      expect((await errorOf(carol.req('tasks/get', { taskId: ids[0]! }))).code).toBe(-32602);
      expect(await carol.req('tools/call', { name: 'slow_compute', arguments: { seconds: 0 } })).toMatchObject({ resultType: 'task' });
    }, 30_000);
  });

  describe('hostile params get clean JSON-RPC errors and the host stays up', () => {
    it('bad task ids, bad inputResponses and a malformed answer', async () => {
      const { client, req } = await legacy('alice');
      for (const taskId of [undefined, 42, '', 'x'.repeat(100_000), { $gt: '' }]) expect((await errorOf(req('tasks/get', { taskId }))).code).toBe(-32602);
      const { taskId } = await req('tools/call', { name: 'confirm_delete', arguments: { filename: 'b.txt' } });
      await until(() => req('tasks/get', { taskId }), (t) => t.status === 'input_required');
      for (const inputResponses of [undefined, [], 'yes', { confirm: { action: 'maybe' } }]) expect((await errorOf(req('tasks/update', { taskId, inputResponses }))).code).toBe(-32602);
      // Keys that are not open questions are ignored (SEP-2663); the task still waits for its answer.
      await req('tasks/update', { taskId, inputResponses: { nope: { action: 'accept' } } });
      expect(await req('tasks/get', { taskId })).toMatchObject({ status: 'input_required' });
      await req('tasks/cancel', { taskId });
      await client.ping();
    });

    it('a raw 2026-07-28 tasks/get whose Mcp-Name disagrees with its taskId is refused with -32020', async () => {
      const body = modernRequest(1, 'tasks/get', { taskId: 'a' });
      (body.params as Json)._meta['io.modelcontextprotocol/clientCapabilities'] = CAPS;
      const res = await postModern(host.url, body, { headers: { ...bearer('alice'), 'mcp-name': 'b' } });
      expect(res.status).toBe(400);
      expect(res.response?.error?.code).toBe(-32020);
    });
  });
});

/**
 * Tasks on 3 replicas: a task runs, and is kept, on the replica that started it; its id names that
 * replica, and tasks/get, tasks/update and tasks/cancel landing on another replica are forwarded
 * to it over the cluster bus. Another principal, a made-up replica, and a flood of polls for a
 * replica that does not answer are refused cleanly while the cluster serves on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modernRequest, postModern, sha256Hex, startCluster, type TestCluster } from '../harness/index.js';

const TASKS = 'io.modelcontextprotocol/tasks';
const CAPS = { elicitation: {}, extensions: { [TASKS]: {} } };
const TOKENS = { alice: 'cluster-tasks-alice-0123456789abcdef', bob: 'cluster-tasks-bob-0123456789abcdef01' } as const;
type Json = Record<string, any>;

describe('tasks on any replica (2026-07-28, every request to a chosen replica)', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startCluster({ config: { auth: { serviceTokens: Object.entries(TOKENS).map(([name, t]) => ({ name, sha256: sha256Hex(t) })) } } });
  }, 90_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  async function call(replica: number, who: keyof typeof TOKENS, method: string, params: Json): Promise<Json> {
    const body = modernRequest(1, method, params);
    (body.params as Json)._meta['io.modelcontextprotocol/clientCapabilities'] = CAPS;
    const res = await postModern(cluster.replicas[replica].url, body, { headers: { authorization: `Bearer ${TOKENS[who]}` } });
    return res.response as Json;
  }

  it('starts a task on one replica, polls, answers and cancels it from the others', async () => {
    const created = (await call(0, 'alice', 'tools/call', { name: 'slow_compute', arguments: { seconds: 0.5, label: 'r1' } })).result;
    expect(created).toMatchObject({ resultType: 'task', status: 'working' });
    expect(created.taskId).toMatch(/@r1$/);
    let done: Json = {};
    for (let i = 0; done.status !== 'completed' && i < 50; i++) {
      done = (await call(1 + (i % 2), 'alice', 'tasks/get', { taskId: created.taskId })).result;
      if (done.status !== 'completed') await new Promise((r) => setTimeout(r, 100));
    }
    expect(done).toMatchObject({ status: 'completed', result: { content: [{ text: 'Computed r1 after 0.5s' }] } });
    // A question asked by a task on r2, answered through r3.
    const asking = (await call(1, 'alice', 'tools/call', { name: 'confirm_delete', arguments: { filename: 'a.txt' } })).result;
    let open: Json = {};
    for (let i = 0; open.status !== 'input_required' && i < 50; i++) open = (await call(2, 'alice', 'tasks/get', { taskId: asking.taskId })).result;
    const [key] = Object.keys(open.inputRequests);
    expect((await call(2, 'alice', 'tasks/update', { taskId: asking.taskId, inputResponses: { [key]: { action: 'accept', content: { confirm: true } } } })).error).toBeUndefined();
    let answered: Json = {};
    for (let i = 0; !['completed', 'failed'].includes(answered.status) && i < 50; i++) {
      answered = (await call(0, 'alice', 'tasks/get', { taskId: asking.taskId })).result;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(answered.status).toBe('completed');
    // Cancelled from another replica than the one running it.
    const long = (await call(2, 'alice', 'tools/call', { name: 'slow_compute', arguments: { seconds: 60 } })).result;
    expect((await call(0, 'alice', 'tasks/cancel', { taskId: long.taskId })).error).toBeUndefined();
    expect((await call(1, 'alice', 'tasks/get', { taskId: long.taskId })).result).toMatchObject({ status: 'cancelled' });
  });

  it("tells another principal, on any replica, that the task does not exist (the same -32602 as an unknown id)", async () => {
    const created = (await call(0, 'alice', 'tools/call', { name: 'slow_compute', arguments: { seconds: 5 } })).result;
    const unknown = await call(1, 'bob', 'tasks/get', { taskId: `00000000-0000-4000-8000-000000000000@r1` });
    for (const replica of [0, 1, 2]) {
      for (const method of ['tasks/get', 'tasks/cancel']) {
        const r = await call(replica, 'bob', method, { taskId: created.taskId });
        expect(r.error?.code).toBe(-32602);
        expect(r.error?.message.replace(created.taskId, 'ID')).toBe(unknown.error?.message.replace('00000000-0000-4000-8000-000000000000@r1', 'ID'));
      }
    }
    expect((await call(2, 'alice', 'tasks/get', { taskId: created.taskId })).result.status).toBe('working');
  });

  it('answers a task id naming a replica that does not exist with a clean error in bounded time, even for a flood, and serves on', async () => {
    const started = Date.now();
    const flood = await Promise.all(Array.from({ length: 200 }, (_, i) => call(i % 3, 'bob', 'tasks/get', { taskId: `x-${i}@nobody` })));
    for (const r of flood) {
      expect(r.error?.code).toBe(-32005);
      expect(r.error?.message).toMatch(/replica nobody/);
    }
    expect(Date.now() - started).toBeLessThan(15_000);
    const ok = await call(1, 'alice', 'tools/call', { name: 'slow_compute', arguments: { seconds: 0.1 } });
    expect(ok.result.resultType).toBe('task');
  });
});

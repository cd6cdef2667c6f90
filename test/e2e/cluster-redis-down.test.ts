import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectModernHttpClient, startPrivateRedis, startTestHost, type PrivateRedis, type TestHost } from '../harness/index.js';

async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const readyz = (r: TestHost) => fetch(`${r.adminUrl}/readyz`).then(async (res) => ({ status: res.status, body: (await res.json()) as { checks: Record<string, { ok: boolean }> } }));
const metric = async (r: TestHost, name: string) => Number((await (await fetch(`${r.adminUrl}/metrics`)).text()).match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1]);
const logLines = (r: TestHost, text: string) => r.logs.filter((l) => String(l.msg).includes(text)).length;

describe('Redis down and back: replicas say so, serve what needs no shared state, and recover by themselves', () => {
  let redis: PrivateRedis;
  let replicas: TestHost[];

  beforeAll(async () => {
    redis = await startPrivateRedis();
    const dir = mkdtempSync(join(tmpdir(), 'mcp-host-redis-down-'));
    replicas = await Promise.all(
      [1, 2].map((i) => {
        const file = join(dir, `r${i}.json`);
        writeFileSync(file, JSON.stringify({ cluster: { redisUrl: redis.url, replicaId: `down-r${i}`, commandTimeoutMs: 500 }, protocol: { requestStateSecret: 'redis-down-secret-0123456789' }, admin: { port: 0 } }));
        return startTestHost({ args: ['--config', file], timeoutMs: 60_000 });
      }),
    );
  }, 90_000);
  afterAll(async () => {
    await Promise.all(replicas?.map((r) => r.stop()) ?? []);
    await redis?.kill();
  });

  it('goes unready while Redis is down, keeps serving, and is whole again when it returns', async () => {
    // A legacy session used on both replicas (each has a copy), and a modern client.
    let next = 0;
    const rotating = (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      url.host = new URL(replicas[next++ % 2].url).host;
      return fetch(url, init);
    };
    const legacy = new Client({ name: 'down-legacy', version: '1' }, { capabilities: {} });
    const transport = new StreamableHTTPClientTransport(new URL(replicas[0].url), { fetch: rotating });
    await legacy.connect(transport);
    await legacy.listTools();
    await legacy.listTools();
    expect((await readyz(replicas[0])).status).toBe(200);
    expect(await metric(replicas[0], 'mcp_host_cluster_redis_up')).toBe(1);

    await redis.kill();
    for (const r of replicas) await until(async () => (await readyz(r)).status === 503);
    const down = await readyz(replicas[1]);
    expect(down.body.checks.redis.ok).toBe(false);
    expect(await metric(replicas[1], 'mcp_host_cluster_redis_up')).toBe(0);

    // What needs no shared state is served: modern calls, and the session each replica has a copy of.
    for (const r of replicas) {
      const { client: modern } = await connectModernHttpClient(r.url);
      expect((await modern.callTool({ name: 'test_simple_text', arguments: {} })).isError).toBeFalsy();
      await modern.close();
    }
    for (let i = 0; i < 4; i++) expect((await legacy.callTool({ name: 'test_simple_text', arguments: {} })).isError).toBeFalsy();
    // A new session cannot be shared: refused with a reason and a Retry-After, not left half-open.
    const init = await fetch(replicas[0].url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }) });
    expect(init.status).toBe(503);
    expect(init.headers.get('retry-after')).toBeTruthy();
    expect(init.headers.get('mcp-session-id')).toBeNull();
    // A few seconds down, and one log line per replica says so (not one per failed attempt).
    await new Promise((r) => setTimeout(r, 1500));
    for (const r of replicas) expect(logLines(r, 'Redis is down')).toBe(1);

    await redis.start();
    for (const r of replicas) await until(async () => (await readyz(r)).status === 200);
    for (const r of replicas) expect(logLines(r, 'Redis is back')).toBe(1);
    expect(await metric(replicas[0], 'mcp_host_cluster_redis_up')).toBe(1);
    // The restarted Redis lost everything; the replicas stored their sessions again, so this one goes on.
    for (let i = 0; i < 4; i++) expect((await legacy.listTools()).tools.length).toBeGreaterThan(0);
    const fresh = new Client({ name: 'after', version: '1' }, { capabilities: {} });
    await fresh.connect(new StreamableHTTPClientTransport(new URL(replicas[1].url), { fetch: rotating }));
    expect((await fresh.listTools()).tools.length).toBeGreaterThan(0);
    await fresh.close();
    await legacy.close();
  }, 90_000);
});

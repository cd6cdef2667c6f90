/**
 * The load balancing the cluster suites rely on (issue 15): HAProxy (examples/cluster/haproxy.cfg)
 * sends each request of one client, on one connection, to the next replica — no stickiness — and a
 * replica killed with SIGKILL costs clients nothing: connections it refuses are retried on another
 * replica until the health check (/readyz) takes it out, and it is put back once it serves again.
 * Counts come from each replica's own /metrics.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modernRequest, operationCounts, postModern, startCluster, type TestCluster } from '../harness/index.js';

const TOOLS_LIST = { mcp_method_name: 'tools/list', era: 'modern' };

describe('cluster: HAProxy balances every request over the replicas and takes a dead one out', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startCluster();
  }, 90_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 90_000);

  /**
   * Sends `n` 2026-07-28 tools/list one after the other (fetch keeps one connection alive; not the
   * SDK client, which may answer a repeated list from its cache) and returns how many each replica served.
   */
  async function listToolsTimes(n: number): Promise<Array<number | undefined>> {
    const before = await operationCounts(cluster, TOOLS_LIST);
    for (let i = 0; i < n; i++) {
      const res = await postModern(cluster.url, modernRequest(i, 'tools/list'));
      expect(res.status, res.text).toBe(200);
      expect((res.response?.result?.tools as unknown[]).length).toBeGreaterThan(0);
    }
    const after = await operationCounts(cluster, TOOLS_LIST);
    return after.map((a, i) => (a === undefined ? undefined : a - (before[i] ?? 0)));
  }

  it('consecutive requests of one client on one connection land on every replica in turn', async () => {
    const logStart = cluster.haproxyLog().length;
    expect(await listToolsTimes(9)).toEqual([3, 3, 3]);
    // HAProxy's log (client ip:port … backend/server): fetch kept its connections alive, and each
    // request on a connection went to another replica than the one before it.
    const lines = [...cluster.haproxyLog().slice(logStart).matchAll(/^(\S+:\d+) \[[^\]]+\] mcp replicas\/(r\d) .*"POST \/mcp /gm)];
    expect(lines.length).toBe(9);
    const byConnection = new Map<string, RegExpMatchArray[]>();
    for (const l of lines) byConnection.set(l[1], [...(byConnection.get(l[1]) ?? []), l]);
    expect(byConnection.size, cluster.haproxyLog().slice(logStart)).toBeLessThan(9);
    for (const [, requests] of byConnection) {
      for (let i = 1; i < requests.length; i++) expect(requests[i][2]).not.toBe(requests[i - 1][2]);
    }
    expect(Math.max(...[...byConnection.values()].map((requests) => new Set(requests.map((r) => r[2])).size))).toBe(3);
  });

  it('a client speaking garbage is answered 400 by HAProxy: no replica sees it, and the cluster goes on serving', async () => {
    const before = await operationCounts(cluster, {});
    const { port } = new URL(cluster.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\nBad Header\r\n\r\n'));
      let text = '';
      socket.setEncoding('utf8').on('data', (d) => (text += d)).once('end', () => resolve(text)).once('error', reject);
      socket.setTimeout(5000, () => reject(new Error(`no answer; got ${text}`)));
    });
    expect(answer).toMatch(/^HTTP\/1\.[01] 400 /);
    expect(await operationCounts(cluster, {})).toEqual(before);
    expect(await listToolsTimes(3)).toEqual([1, 1, 1]);
  });

  it('a replica killed with SIGKILL is taken out within seconds, no request fails meanwhile, and it is put back once restarted', async () => {
    await cluster.kill(1);
    const killedAt = Date.now();
    // Right after the kill r2 still counts as up: the requests HAProxy sends it are refused and retried on r1 or r3.
    const during = await listToolsTimes(12);
    expect(during[1]).toBeUndefined();
    expect((during[0] ?? 0) + (during[2] ?? 0)).toBe(12);
    await cluster.waitForServers((s) => s.r2?.status.startsWith('DOWN') === true, 5000);
    expect(Date.now() - killedAt).toBeLessThan(5000);
    expect((await cluster.serverStates()).r1.status).toBe('UP');

    expect(await listToolsTimes(6)).toEqual([3, undefined, 3]);

    await cluster.start(1);
    const back = await listToolsTimes(9);
    expect(back.reduce((a, b) => (a ?? 0) + (b ?? 0), 0)).toBe(9);
    for (const n of back) expect(n).toBeGreaterThanOrEqual(2);
  });
});

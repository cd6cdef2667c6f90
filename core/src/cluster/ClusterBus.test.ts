/**
 * The bus against a real Redis, two RedisLinks in one process standing for replicas: anything a
 * peer with PUBLISH rights sends on a topic (JSON that is no envelope, `null`, an envelope whose
 * message is not an object) is dropped with a warning, never thrown out of ioredis's event (which
 * would take the whole process down), and the next real message still arrives.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { ClusterConfig } from '@mcp-host/config';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { ClusterBus } from './ClusterBus.js';
import { RedisLink } from './RedisLink.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const PREFIX = `mcp-host-test-${randomUUID().slice(0, 8)}:`;
const links: RedisLink[] = [];

async function replica(id: string) {
  const logs: string[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (logs.push(JSON.parse(String(chunk)).msg), done()) }));
  const config: ClusterConfig = { redisUrl: REDIS_URL, replicaId: id, keyPrefix: PREFIX, leaseMs: 1000, commandTimeoutMs: 1000, events: { maxPerStream: 100, ttlMs: 60_000 } };
  const link = new RedisLink(config, logger);
  links.push(link);
  expect(await link.connect(2000)).toBe(true);
  return { link, bus: new ClusterBus(link, logger), logs };
}

afterAll(async () => {
  await Promise.all(links.map((l) => l.close()));
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe('ClusterBus', () => {
  it('drops what is not an envelope {from, m: object} with a warning, and delivers the next message', async () => {
    const a = await replica('bus-a');
    const b = await replica('bus-b');
    const heard: Array<[unknown, string]> = [];
    b.bus.subscribe('t', (m, from) => void heard.push([m, from]));
    const raw = new Redis(REDIS_URL);
    // The subscription is made on b's subscriber connection: wait until Redis counts it.
    for (let i = 0; i < 100 && Number((await raw.pubsub('NUMSUB', `${PREFIX}bus:t`))[1]) < 1; i++) await new Promise((r) => setTimeout(r, 20));
    const garbage = ['null', '42', '"x"', 'true', '[]', '[1,2]', 'not json', '{}', '{"from":7,"m":{}}', '{"from":"evil"}', '{"from":"evil","m":null}', '{"from":"evil","m":"x"}', '{"from":"evil","m":[1]}'];
    for (const g of garbage) await raw.publish(`${PREFIX}bus:t`, g);
    a.bus.publish('t', { hello: 'b' });
    const deadline = Date.now() + 5000;
    while (heard.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await raw.quit();
    expect(heard).toEqual([[{ hello: 'b' }, 'bus-a']]);
    expect(b.logs.filter((m) => m.startsWith('cluster bus: a message that is'))).toHaveLength(garbage.length);
  });
});

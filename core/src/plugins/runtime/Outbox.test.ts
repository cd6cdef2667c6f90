import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { eachMessage, Outbox } from './Outbox.js';

/** Collects what arrives on the other end of a real MessageChannel, one entry per message event. */
function channel() {
  const { port1, port2 } = new MessageChannel();
  const events: unknown[] = [];
  port2.on('message', (data) => events.push(data));
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
  const close = () => (port1.close(), port2.close());
  return { port: port1, events, settle, close };
}

describe('Outbox', () => {
  it('sends everything posted in one turn as one message, in order', async () => {
    const c = channel();
    const outbox = new Outbox<{ n: number }>(c.port);
    for (let n = 1; n <= 5; n++) outbox.post({ n });
    expect(c.events).toEqual([]); // nothing before the turn ends
    await c.settle();
    expect(c.events).toEqual([[{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }]]);
    c.close();
  });

  it('sends a lone message as a batch of one, and later turns as later batches', async () => {
    const c = channel();
    const outbox = new Outbox<{ n: number }>(c.port);
    outbox.post({ n: 1 });
    await c.settle();
    outbox.post({ n: 2 });
    outbox.post({ n: 3 });
    await c.settle();
    expect(c.events).toEqual([[{ n: 1 }], [{ n: 2 }, { n: 3 }]]);
    const seen: number[] = [];
    for (const e of [...c.events, { n: 4 }]) eachMessage<{ n: number }>(e as object, (m) => seen.push(m.n));
    expect(seen).toEqual([1, 2, 3, 4]); // a message sent alone (an object) is taken as itself
    c.close();
  });

  it('clear drops what is queued; flush sends at once', async () => {
    const c = channel();
    const outbox = new Outbox<{ n: number }>(c.port);
    outbox.post({ n: 1 });
    outbox.clear();
    await c.settle();
    expect(c.events).toEqual([]);
    outbox.post({ n: 2 });
    outbox.flush();
    await c.settle();
    expect(c.events).toEqual([[{ n: 2 }]]);
    c.close();
  });

  it('a batch that cannot be cloned goes one message at a time; an unsendable one is replaced or dropped, the rest arrive', async () => {
    const c = channel();
    const failed: Array<{ n: number; error: string }> = [];
    const outbox = new Outbox<{ n: number; value?: unknown }>(c.port, (m, e) => {
      failed.push({ n: m.n, error: (e as Error).name });
      return m.n === 2 ? { n: 2, value: 'replaced' } : undefined;
    });
    let deep: unknown = {};
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    outbox.post({ n: 1 });
    outbox.post({ n: 2, value: () => 'a function cannot be cloned' });
    outbox.post({ n: 3, value: deep });
    outbox.post({ n: 4 });
    expect(() => outbox.flush()).not.toThrow();
    await c.settle();
    expect(failed).toEqual([
      { n: 2, error: 'DataCloneError' },
      { n: 3, error: 'RangeError' },
    ]);
    expect(c.events).toEqual([[{ n: 1 }], [{ n: 2, value: 'replaced' }], [{ n: 4 }]]);
    c.close();
  });

  it('nothing escapes the flush, not even a replacement that fails or a callback that throws', async () => {
    const c = channel();
    const outbox = new Outbox<{ n: number; value?: unknown }>(c.port, (m) => {
      if (m.n === 1) return { n: 1, value: Symbol('still not cloneable') };
      throw new Error('the callback broke');
    });
    outbox.post({ n: 1, value: Symbol('no') });
    outbox.post({ n: 2, value: () => 0 });
    outbox.post({ n: 3 });
    expect(() => outbox.flush()).not.toThrow();
    await c.settle();
    expect(c.events).toEqual([[{ n: 3 }]]);
    c.close();
  });
});

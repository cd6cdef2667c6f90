import { describe, expect, it } from 'vitest';
import { Drain } from './Drain.js';

describe('Drain', () => {
  it('counts a call until its promise settles, either way, and passes its outcome on', async () => {
    const drain = new Drain();
    let finish!: (v: string) => void;
    let fail!: (e: Error) => void;
    const ok = drain.run(() => new Promise<string>((resolve) => (finish = resolve)));
    const bad = drain.run(() => new Promise<string>((_, reject) => (fail = reject)));
    expect(drain.inFlight).toBe(2);
    finish('done');
    await expect(ok).resolves.toBe('done');
    expect(drain.inFlight).toBe(1);
    const boom = new Error('boom');
    fail(boom);
    await expect(bad).rejects.toBe(boom);
    expect(drain.inFlight).toBe(0);
  });

  it('ends a synchronous call at once, and a throwing one too (as a rejection)', async () => {
    const drain = new Drain();
    const value = drain.run(() => 42);
    expect(drain.inFlight).toBe(0);
    await expect(value).resolves.toBe(42);
    const boom = new Error('sync boom');
    const thrown = drain.run(() => {
      throw boom;
    });
    expect(drain.inFlight).toBe(0);
    await expect(thrown).rejects.toBe(boom);
  });

  it('follows a thenable that is not a native promise', async () => {
    const drain = new Drain();
    let finish!: (v: string) => void;
    const thenable = { then: (resolve: (v: string) => void) => void (finish = resolve) };
    const value = drain.run(() => thenable as unknown as Promise<string>);
    await Promise.resolve();
    expect(drain.inFlight).toBe(1);
    finish('late');
    await expect(value).resolves.toBe('late');
    expect(drain.inFlight).toBe(0);
  });

  it('idle waits for the calls in flight, or gives up after its timeout', async () => {
    const drain = new Drain();
    await expect(drain.idle(10)).resolves.toBe(true);
    let finish!: () => void;
    void drain.run(() => new Promise<void>((resolve) => (finish = resolve)));
    await expect(drain.idle(20)).resolves.toBe(false);
    const idle = drain.idle(5_000);
    finish();
    await expect(idle).resolves.toBe(true);
  });
});

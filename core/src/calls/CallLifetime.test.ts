import { describe, expect, it } from 'vitest';
import { CallLifetime, LIFETIME, lifetimeOf } from './CallLifetime.js';

describe('CallLifetime', () => {
  it('a signal read before the abort follows it, with the reason', () => {
    const lifetime = new CallLifetime();
    const signal = lifetime.signal;
    expect(signal.aborted).toBe(false);
    expect(lifetime.signal).toBe(signal); // one signal per lifetime
    const reason = new Error('client went away');
    lifetime.abort(reason);
    expect(lifetime.aborted).toBe(true);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);
  });

  it('a signal first read after the abort is already aborted, with the reason', () => {
    const lifetime = new CallLifetime();
    const reason = new Error('cancelled');
    lifetime.abort(reason);
    expect(lifetime.signal.aborted).toBe(true);
    expect(lifetime.signal.reason).toBe(reason);
  });

  it('onAbort listeners run once; an unregistered one never; one added after the abort at once', () => {
    const lifetime = new CallLifetime();
    const calls: string[] = [];
    const a = () => calls.push('a');
    const b = () => calls.push('b');
    const c = () => calls.push('c');
    lifetime.onAbort(a);
    lifetime.onAbort(b);
    lifetime.onAbort(c);
    lifetime.offAbort(b);
    lifetime.offAbort(a);
    lifetime.onAbort(a); // registered again
    lifetime.abort(new Error('x'));
    lifetime.abort(new Error('again')); // a second abort changes nothing
    expect(calls.sort()).toEqual(['a', 'c']);
    lifetime.onAbort(() => calls.push('late'));
    expect(calls).toEqual(['a', 'c', 'late']);
    expect(lifetime.signal.reason).toEqual(new Error('x'));
  });

  it('lifetimeOf finds the lifetime of a host-built context and nothing on others', () => {
    const lifetime = new CallLifetime();
    expect(lifetimeOf({ [LIFETIME]: lifetime })).toBe(lifetime);
    expect(lifetimeOf({ signal: new AbortController().signal })).toBeUndefined();
  });
});

import { ChurnSet } from './ChurnSet.js';

/**
 * The requests a transport has open, which a drain waits on: a ChurnSet (members come and go with
 * every request) that can also tell when it has emptied.
 */
export class OpenSet<T> extends ChurnSet<T> {
  private waiters: Array<() => void> = [];

  override delete(value: T): boolean {
    const had = super.delete(value);
    if (had && this.size === 0 && this.waiters.length > 0) for (const w of this.waiters.splice(0)) w();
    return had;
  }

  /** Resolves true once the set is empty, or false when `timeoutMs` passes first. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => (clearTimeout(timer), resolve(true)));
    });
  }
}

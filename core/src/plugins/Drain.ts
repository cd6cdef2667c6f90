/**
 * Counts the calls running in one plugin generation, so a replaced generation is disposed only
 * after its in-flight calls finish (new calls already go to the new generation).
 */
export class Drain {
  private active = 0;
  private waiters: Array<() => void> = [];

  get inFlight(): number {
    return this.active;
  }

  /**
   * Runs `fn` as one call of the generation. Not an async function: every plugin call passes
   * here, and an async wrapper (its promise, its await, its suspended frame) was the largest
   * allocation of the host's own on the call path. A synchronous result ends the call at once;
   * a promise ends it when it settles, through two handlers made once per generation.
   */
  run<T>(fn: () => T | Promise<T>): Promise<T> {
    this.active++;
    let out: T | Promise<T>;
    try {
      out = fn();
    } catch (e) {
      this.leave();
      return Promise.reject(e);
    }
    if (!isThenable(out)) {
      this.leave();
      return Promise.resolve(out);
    }
    return Promise.resolve(out).then(this.fulfilled as (v: T) => T, this.rejected);
  }

  /** Resolves true once nothing is in flight, or false when `timeoutMs` passes first. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.active === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => (clearTimeout(timer), resolve(true)));
    });
  }

  private leave(): void {
    if (--this.active === 0) for (const w of this.waiters.splice(0)) w();
  }

  private readonly fulfilled = (value: unknown): unknown => (this.leave(), value);

  private readonly rejected = (error: unknown): never => {
    this.leave();
    throw error;
  };
}

const isThenable = (v: unknown): v is PromiseLike<unknown> => (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as PromiseLike<unknown>).then === 'function';

/**
 * The lifetime of one request: it ends early when the client cancels it or goes away.
 *
 * Why not a plain AbortController: in Node an AbortSignal is an EventTarget, and making one per
 * request was the largest single cost the profile of the call path showed (after the socket write
 * itself). Most requests finish without being cancelled and without their handler ever reading
 * `signal`, so the signal is made on first use; the host's own checks use `aborted` and `onAbort`.
 */
export class CallLifetime {
  private controller: AbortController | undefined;
  /** One listener is the common case (the worker proxy), kept without an array. */
  private listener: (() => void) | undefined;
  private more: Array<() => void> | undefined;
  private reason: unknown;
  private ended = false;
  /**
   * How long an isolated plugin runtime lets this call run; undefined: its `plugins.callTimeoutMs`.
   * A task's call sets it to the task's retention, since a task may legitimately outlive a request.
   */
  timeoutMs: number | undefined;

  /** True once the request was cancelled (never reset). */
  get aborted(): boolean {
    return this.ended;
  }

  /** An AbortSignal that follows this lifetime (made on first access; already aborted if the request was). */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.ended) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Calls `fn` once if the request is cancelled (at once if it already was); `offAbort(fn)` unregisters it. */
  onAbort(fn: () => void): void {
    if (this.ended) fn();
    else if (!this.listener) this.listener = fn;
    else (this.more ??= []).push(fn);
  }

  offAbort(fn: () => void): void {
    if (this.listener === fn) this.listener = undefined;
    else if (this.more) {
      const i = this.more.indexOf(fn);
      if (i >= 0) this.more.splice(i, 1);
    }
  }

  abort(reason?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.reason = reason;
    this.controller?.abort(reason);
    const { listener, more } = this;
    this.listener = this.more = undefined;
    listener?.();
    if (more) for (const fn of more) fn();
  }
}

/** Where a host-built RequestContext keeps its lifetime, so host code (the worker proxy) can follow it without making a signal. */
export const LIFETIME = Symbol('mcp-host:lifetime');

/** The lifetime behind a host-built context, if it is one. */
export function lifetimeOf(ctx: object): CallLifetime | undefined {
  return (ctx as { [LIFETIME]?: CallLifetime })[LIFETIME];
}

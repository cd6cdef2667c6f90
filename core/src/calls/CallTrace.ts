import type { TraceContext } from '@mcp-host/sdk';

/**
 * The trace of one call as the engine and the plugin runtimes see it: telemetry implements it (a
 * server span and its children), the engine hands it to the handler's context, and the runtime
 * that runs the plugin reports what it measures to it. It lives here, beside CallLifetime, because
 * both the protocol and the plugins layer use it and neither may know telemetry.
 *
 * When tracing is off there is no CallTrace at all: every hook below is skipped by an `undefined`
 * check, so an untraced call allocates nothing for it.
 */
export interface CallTrace {
  /** What the plugin sees as `ctx.trace`: the span around its handler (or the isolation hop), else the server span. */
  readonly context: TraceContext | undefined;
  /** In-process: runs the plugin's handler inside the handler span (`context` names it meanwhile). */
  handler<T>(run: () => T | Promise<T>): Promise<T>;
  /** Isolated: opens the isolation hop span for a call about to cross to a worker or process. */
  hop(isolation: 'worker' | 'process'): TraceHop;
}

/** The host → worker/process → host crossing of one call. */
export interface TraceHop {
  /** Sent with the call: the plugin's parent on the other side. */
  readonly context: TraceContext;
  /**
   * Ends the hop. `handlerStart`/`handlerEnd` are the handler's time as the worker measured it
   * (epoch milliseconds, fractional), recorded as the handler span; absent when the worker never
   * ran it (it died, the call timed out or could not be sent). `failure` says why the hop failed.
   */
  end(handlerStart: number | undefined, handlerEnd: number | undefined, failure?: string): void;
}

/** Where a host-built RequestContext exposes its call's trace, so a runtime can find it without a wider interface. */
export const CALL_TRACE = Symbol('mcp-host:call-trace');

/** The trace of the call `ctx` serves, if the host traces it. */
export const traceOf = (ctx: object): CallTrace | undefined => (ctx as { [CALL_TRACE]?: CallTrace })[CALL_TRACE];

/** Now, in epoch milliseconds with sub-millisecond precision: comparable between the host and its workers and processes (one machine clock). */
export const epochNow = (): number => performance.timeOrigin + performance.now();

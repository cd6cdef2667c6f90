import { SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Tracer } from '@opentelemetry/api';
import type { TraceContext } from '@mcp-host/sdk';
import { epochNow, type CallTrace, type TraceHop } from '../calls/CallTrace.js';
import { InputRequiredSignal } from '../calls/InputRequiredSignal.js';
import { ERROR_TYPE, MCP_HOST_ISOLATION } from './mcpAttributes.js';
import { injectTraceMeta } from './traceMeta.js';

/**
 * One traced call's child spans, under its server span: the plugin handler's time (measured around
 * the handler in-process, or in the worker and recorded here with the worker's times), and for an
 * isolated plugin the hop host → worker/process → host. It also says what the plugin sees as its
 * parent (`ctx.trace`): the handler span in-process, the hop span across isolation (the worker has
 * no exporter, so its handler span is made here, after the fact, and cannot be announced ahead).
 */
export class SpanCallTrace implements CallTrace {
  /** The context whose span the plugin sees now; its header form is made on first read (most calls reach no plugin). */
  private active: Context;
  private injected: TraceContext | undefined;

  constructor(
    private readonly tracer: Tracer,
    /** The server span's context (with the client's baggage). */
    private readonly server: Context,
    /** `mcp_host.handler {target}`. */
    private readonly handlerName: string,
    /** The plugin's labels, on the handler span. */
    private readonly attributes: Attributes,
  ) {
    this.active = server;
  }

  get context(): TraceContext | undefined {
    return (this.injected ??= injectTraceMeta(this.active));
  }

  async handler<T>(run: () => T | Promise<T>): Promise<T> {
    const span = this.tracer.startSpan(this.handlerName, { kind: SpanKind.INTERNAL, attributes: this.attributes }, this.server);
    this.active = trace.setSpan(this.server, span);
    this.injected = undefined;
    try {
      return await run();
    } catch (e) {
      if (!(e instanceof InputRequiredSignal)) span.setStatus({ code: SpanStatusCode.ERROR, message: String((e as Error)?.message).slice(0, 1024) }).setAttribute(ERROR_TYPE, errorName(e));
      throw e;
    } finally {
      span.end();
    }
  }

  hop(isolation: 'worker' | 'process'): TraceHop {
    const started = epochNow();
    // Only what is its own: the plugin is on the server span above it and on the handler span below (the hop is on every isolated call's path).
    const span = this.tracer.startSpan(`mcp_host.isolation ${isolation}`, { kind: SpanKind.INTERNAL, startTime: started, attributes: { [MCP_HOST_ISOLATION]: isolation } }, this.server);
    const hopContext = trace.setSpan(this.server, span);
    const context = injectTraceMeta(hopContext)!;
    return {
      context,
      end: (handlerStart, handlerEnd, failure) => {
        const ended = epochNow();
        if (handlerStart !== undefined && handlerEnd !== undefined) {
          // The worker's clock is the machine's, read in another thread or process: kept within the hop it ran in.
          const from = Math.min(Math.max(handlerStart, started), ended);
          const to = Math.min(Math.max(handlerEnd, from), ended);
          const handler = this.tracer.startSpan(this.handlerName, { kind: SpanKind.INTERNAL, startTime: from, attributes: this.attributes }, hopContext);
          if (failure !== undefined) handler.setStatus({ code: SpanStatusCode.ERROR }).setAttribute(ERROR_TYPE, failure);
          handler.end(to);
        } else if (failure !== undefined) {
          // The handler never answered: the hop itself failed (the worker died, timed out, or the call could not cross).
          span.setStatus({ code: SpanStatusCode.ERROR, message: failure }).setAttribute(ERROR_TYPE, '_OTHER');
        }
        span.end(ended);
      },
    };
  }
}

/** A low-cardinality name for what a handler threw (`error.type`). */
function errorName(e: unknown): string {
  const name = (e as Error)?.name;
  return name === 'ToolError' ? 'tool_error' : typeof name === 'string' && name !== '' && name.length <= 64 ? name : '_OTHER';
}

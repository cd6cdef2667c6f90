import { elicitEither } from '@mcp-host/sdk/internal';
import { McpError, type InputRequestOptions, type LoggingLevel, type PluginInfo, type RequestContext, type SharedContext } from '@mcp-host/sdk';
import type { Logger } from 'pino';
import { LIFETIME, type CallLifetime } from '../calls/CallLifetime.js';
import { CALL_TRACE, type CallTrace } from '../calls/CallTrace.js';
import type { CallScope } from './CallScope.js';
import { RpcCode } from './ProtocolError.js';
import { exceedsJsonLimits, type JsonLimits } from '../calls/jsonLimits.js';
import type { ResultMasker } from './ports/SecurityPorts.js';
import type { ContextPort } from './ports/ContextPorts.js';
import { levelRank } from './Session.js';

const EMPTY_META: Readonly<Record<string, unknown>> = Object.freeze({});


/** What a handler may ask of the client, by the capability it needs. */
const CLIENT_REQUESTS = {
  elicitation: 'elicitation/create',
  sampling: 'sampling/createMessage',
  roots: 'roots/list',
} as const;

/**
 * Builds the `RequestContext` handlers receive. The same handler code serves both eras: on a
 * legacy session `elicit`/`sample`/`listRoots` send real requests to the client; on a modern
 * request they are answered from the request's input responses, or end this round with
 * `input_required` (the handler runs again when the client retries with the answers).
 */
export function createRequestContext(call: CallScope, handler: HandlerOwner, options: ContextOptions, masker?: ResultMasker): HostRequestContext {
  return new HostRequestContext(call, handler, options, masker);
}

/** The binding whose handler runs: its plugin's logger, and the plugin (shared context knows who wrote). */
export interface HandlerOwner {
  readonly logger: Logger;
  readonly plugin: PluginInfo;
}

export interface ContextOptions {
  /** How long a legacy server→client request may wait for the client. */
  readonly clientRequestTimeoutMs: number;
  /** What a log payload or a question to the client may hold (plugin data, checked before it is serialized). */
  readonly limits: JsonLimits;
  /** Shared context (`ctx.context`); absent in engines built without one (unit tests): using it then throws. */
  readonly context?: ContextPort;
}

/**
 * A class rather than an object literal of closures: one is made per call, and prototype methods
 * plus a prototype getter for `signal` cost a fraction of eight closures and an accessor literal.
 */
class HostRequestContext implements RequestContext {
  readonly [LIFETIME]: CallLifetime;
  readonly requestId: RequestContext['requestId'];
  readonly meta: Record<string, unknown>;
  readonly principal: RequestContext['principal'];
  readonly client: RequestContext['client'];
  readonly logger: Logger;
  private shared: SharedContext | undefined;

  constructor(
    private readonly call: CallScope,
    private readonly handler: HandlerOwner,
    private readonly options: ContextOptions,
    /** What the caller may not see: progress messages, log data and questions are masked like results. */
    private readonly masker: ResultMasker | undefined,
  ) {
    this[LIFETIME] = call.lifetime;
    this.requestId = call.id;
    this.meta = (call.params._meta as Record<string, unknown> | undefined) ?? EMPTY_META;
    this.principal = call.principal;
    this.client = call.client;
    this.logger = handler.logger;
  }

  /** Made on first use: most handlers never touch shared context. */
  get context(): SharedContext {
    if (!this.shared) {
      if (!this.options.context) throw new Error('this host has no shared context service');
      this.shared = this.options.context.of(this, this.handler.plugin);
    }
    return this.shared;
  }

  /** Made on first read: most handlers never look at it (see CallLifetime). */
  get signal(): AbortSignal {
    return this.call.lifetime.signal;
  }

  /** Read through the call, not copied: an in-process handler sees its own span, set only once the handler starts. */
  get trace(): RequestContext['trace'] {
    return this.call.trace?.context;
  }

  /** For the plugin runtimes (traceOf): the call's trace, undefined when tracing is off. */
  get [CALL_TRACE](): CallTrace | undefined {
    return this.call.trace;
  }

  async progress(progress: number, total?: number, message?: string): Promise<void> {
    const progressToken = this.meta.progressToken as string | number | undefined;
    if (progressToken === undefined || this.call.lifetime.aborted) return;
    if (typeof message === 'string') message = this.masker ? this.masker.text(message, false) : message;
    this.call.channel.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken, progress, ...(total !== undefined ? { total } : {}), ...(message !== undefined ? { message } : {}) } });
  }

  async log(level: LoggingLevel, data: unknown, loggerName?: string): Promise<void> {
    const min = this.call.logLevel;
    if (min === 'off' || (min !== undefined && levelRank(level) < levelRank(min)) || this.call.lifetime.aborted) return;
    const over = exceedsJsonLimits(data, this.options.limits);
    if (over) throw new RangeError(`log data not sent: it is ${over}`);
    if (this.masker) data = this.masker.value(data);
    this.call.channel.send({ jsonrpc: '2.0', method: 'notifications/message', params: { level, ...(loggerName ? { logger: loggerName } : {}), data } });
  }

  /** Both forms (raw params, or a message and a zod schema whose answer is parsed here): see the sdk's RequestContext.elicit. */
  elicit(first: any, second?: any, third?: InputRequestOptions): Promise<any> {
    return elicitEither((params, options) => this.ask('elicitation', params as never, options?.key), first, second, third);
  }

  sample(params: Parameters<RequestContext['sample']>[0], options?: InputRequestOptions): ReturnType<RequestContext['sample']> {
    return this.ask('sampling', params as never, options?.key);
  }

  listRoots(options?: InputRequestOptions): ReturnType<RequestContext['listRoots']> {
    return this.ask('roots', {}, options?.key);
  }

  closeSseStream(): void {
    if (this.call.era === 'legacy') this.call.channel.closeStream?.();
  }

  private ask(capability: keyof typeof CLIENT_REQUESTS, params: Record<string, unknown>, key: string | undefined): Promise<any> {
    const call = this.call;
    const method = CLIENT_REQUESTS[capability];
    const over = exceedsJsonLimits(params, this.options.limits);
    if (over) return Promise.reject(new RangeError(`${method} not sent: its params are ${over}`));
    // A question shows the client what the plugin wrote, so it is masked like a result.
    if (this.masker) params = this.masker.value(params) as Record<string, unknown>;
    if (!call.client.capabilities[capability]) {
      const message = `the client did not declare the "${capability}" capability, so ${method} cannot be sent`;
      // Modern era: a protocol error the client can act on (-32021), even if the handler catches it; legacy era: the tool fails with the reason.
      if (call.mrtr) return call.mrtr.fail(new McpError(RpcCode.MissingRequiredClientCapability, message, { requiredCapabilities: { [capability]: {} } }));
      return Promise.reject(new Error(message));
    }
    if (call.input) return call.input.ask(method, params, key);
    if (call.mrtr) return call.mrtr.ask(method, params, key);
    return call.session!.request(method, params, call.channel, call.lifetime.signal, this.options.clientRequestTimeoutMs);
  }
}

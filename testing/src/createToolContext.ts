import type {
  ClientInfo,
  CompletionContext,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestParams,
  ElicitResult,
  InputRequestOptions,
  ListRootsResult,
  LoggingLevel,
  Principal,
  PluginInfo,
  SharedContext,
  ToolContext,
  TraceContext,
} from '@mcp-host/sdk';
import { createContextStore, type ContextStore } from './createContextStore.js';
import { elicitEither } from '@mcp-host/sdk/internal';
import { createTestLogger, type TestLogger } from './createTestLogger.js';

/** An answer the fake client gives: a fixed value, or a function of the question. */
type Answer<Q, A> = A | ((question: Q) => A | Promise<A>);

export interface ToolContextOptions {
  /** Who calls (default: the anonymous principal, no scopes or roles). Fields given replace the default's. */
  readonly principal?: Partial<Principal>;
  /** The client (default: protocol 2025-11-25 with elicitation, sampling and roots). */
  readonly client?: Partial<ClientInfo>;
  readonly requestId?: string | number;
  /** The request's `_meta`, e.g. `{ progressToken: 1 }`. */
  readonly meta?: Record<string, unknown>;
  readonly trace?: TraceContext;
  /** A signal of the test's own; by default the context has its own controller (see `abort()`). */
  readonly signal?: AbortSignal;
  /** The answers to `elicit`, in order; one more question than answers rejects, as a client without answers would. */
  readonly elicit?: ReadonlyArray<Answer<ElicitRequestParams, ElicitResult>>;
  /** The answers to `sample`, in order. */
  readonly sample?: ReadonlyArray<Answer<CreateMessageRequestParams, CreateMessageResult>>;
  /** The client's roots (default: none). */
  readonly roots?: ListRootsResult['roots'];
  /** The plugin logger (default: a TestLogger). */
  readonly logger?: TestLogger;
  /**
   * Where `ctx.context` keeps its values: the host's own context service over memory, with its
   * checks (keys, limits, quotas, namespaces). Pass one `createContextStore()` to several contexts
   * to see one tool's writes from another's context (same principal and session); by default each
   * context has a store of its own.
   */
  readonly contextStore?: ContextStore;
  /** The plugin the handler belongs to, as shared context records it (default: `test-plugin`). */
  readonly plugin?: PluginInfo;
}

/** A ToolContext for unit tests that records what the handler did with it. */
export interface FakeToolContext extends ToolContext {
  readonly logger: TestLogger;
  /** Every `progress(…)` call, in order. */
  readonly progressReports: Array<{ progress: number; total?: number; message?: string }>;
  /** Every `log(…)` call (the client-facing notifications/message), in order. */
  readonly logs: Array<{ level: LoggingLevel; data: unknown; logger?: string }>;
  /** Every question asked with `elicit`, in order. */
  readonly elicitations: ElicitRequestParams[];
  /** Every `sample` request, in order. */
  readonly samplings: CreateMessageRequestParams[];
  /** How many times the handler called `closeSseStream()`. */
  readonly sseStreamsClosed: number;
  /** Aborts `signal`, as a client's cancellation or the host's shutdown would. */
  abort(reason?: unknown): void;
}

export const ANONYMOUS_PRINCIPAL: Principal = Object.freeze({ id: 'anonymous', source: 'anonymous', subject: 'anonymous', scopes: [], roles: [] });

/**
 * The context a handler gets from the host, for calling a tool (or resource, prompt) method directly
 * in a unit test: real methods with the host's contracts where a
 * test could otherwise pass against code a real client fails (elicit, sample and listRoots reject
 * without the capability, once aborted, or without an answer), recording every call. Progress is
 * recorded whether or not `meta.progressToken` is set (the host sends it only then).
 */
export function createToolContext(options: ToolContextOptions = {}): FakeToolContext {
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  const client: ClientInfo = { protocolVersion: '2025-11-25', capabilities: { elicitation: {}, sampling: {}, roots: {} }, ...options.client };
  const elicitAnswers = [...(options.elicit ?? [])];
  const sampleAnswers = [...(options.sample ?? [])];
  const progressReports: FakeToolContext['progressReports'] = [];
  const logs: FakeToolContext['logs'] = [];
  const elicitations: ElicitRequestParams[] = [];
  const samplings: CreateMessageRequestParams[] = [];
  let sseStreamsClosed = 0;
  const store = options.contextStore ?? createContextStore();
  const plugin = options.plugin ?? { id: 'test-plugin', name: 'test-plugin', version: '1.0.0', root: process.cwd() };
  let shared: SharedContext | undefined;

  const answer = async <Q, A>(kind: string, capability: keyof ClientInfo['capabilities'], queue: Array<Answer<Q, A>>, question: Q): Promise<A> => {
    // The host's rules, so a test cannot pass with code that fails against a real client.
    if (signal.aborted) throw signal.reason;
    if (!client.capabilities[capability]) throw new Error(`the client did not declare the ${String(capability)} capability (createToolContext: client.capabilities)`);
    const next = queue.shift();
    if (next === undefined) throw new Error(`createToolContext: no ${kind} answer left for this question (pass ${kind}: [...] with one answer per question)`);
    return typeof next === 'function' ? (next as (q: Q) => A | Promise<A>)(question) : next;
  };

  return {
    signal,
    requestId: options.requestId ?? 1,
    meta: Object.freeze({ ...options.meta }),
    principal: Object.freeze({ ...ANONYMOUS_PRINCIPAL, ...options.principal }),
    client,
    logger: options.logger ?? createTestLogger(),
    trace: options.trace,
    progressReports,
    logs,
    elicitations,
    samplings,
    abort: (reason?: unknown) => controller.abort(reason ?? new Error('cancelled by the test')),
    async progress(progress, total, message) {
      progressReports.push({ progress, ...(total !== undefined ? { total } : {}), ...(message !== undefined ? { message } : {}) });
    },
    async log(level, data, logger) {
      logs.push({ level, data, ...(logger !== undefined ? { logger } : {}) });
    },
    // Both forms, as the host serves them: with a zod schema the form is sent as requestedSchema
    // (what the test sees in `elicitations`) and an accepted answer comes back parsed by it.
    elicit: ((first: ElicitRequestParams | string, second?: unknown, third?: InputRequestOptions) =>
      elicitEither(
        (params) => {
          elicitations.push(params);
          return answer('elicit', 'elicitation', elicitAnswers, params);
        },
        first,
        second,
        third,
      )) as FakeToolContext['elicit'],
    sample(params) {
      samplings.push(params);
      return answer('sample', 'sampling', sampleAnswers, params);
    },
    async listRoots() {
      if (!client.capabilities.roots) throw new Error('the client did not declare the roots capability (createToolContext: client.capabilities)');
      return { roots: [...(options.roots ?? [])] };
    },
    // Closing the stream is not cancellation: the handler runs on, so only the count is kept.
    closeSseStream() {
      sseStreamsClosed++;
    },
    get sseStreamsClosed() {
      return sseStreamsClosed;
    },
    get context() {
      return (shared ??= store.of(this, plugin));
    },
  };
}

/** A CompletionContext: a tool context plus the other arguments the client already resolved. */
export function createCompletionContext(args: Record<string, string> = {}, options: ToolContextOptions = {}): FakeToolContext & CompletionContext {
  return Object.assign(createToolContext(options), { arguments: Object.freeze({ ...args }) });
}

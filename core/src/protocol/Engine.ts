import { McpError, type Principal } from '@mcp-host/sdk';
import { CallLifetime } from '../calls/CallLifetime.js';
import type { CallScope, Era } from './CallScope.js';
import type { Channel } from './Channel.js';
import { errorResponse, resultResponse, type JsonRpcNotification, type JsonRpcRequest, type JsonRpcResponse } from './jsonrpc.js';
import { completionMethods } from './methods/completionMethods.js';
import { lifecycleMethods } from './methods/lifecycleMethods.js';
import type { EngineDeps, MethodHandler } from './methods/MethodHandler.js';
import { promptMethods } from './methods/promptMethods.js';
import { legacySubscriptionMethods, resourceMethods } from './methods/resourceMethods.js';
import { toolMethods } from './methods/toolMethods.js';
import { firstDraftTaskMethods, taskMethods } from './methods/taskMethods.js';
import { skillMethods } from './methods/skillMethods.js';
import { TaskStore, type TaskLimits } from '../tasks/TaskStore.js';
import { MetaKey, readModernMeta, type ModernMeta } from './modern/modernMeta.js';
import { modernMethods } from './modern/modernMethods.js';
import { methodNotFoundModern } from './modern/methodNotFoundModern.js';
import { AUDITED } from './methods/audited.js';
import { OPEN_POLICY, type CallPolicyPort } from './ports/SecurityPorts.js';
import { NO_SIGNALS, type CallObserver, type HostSignals } from './ports/ObservePorts.js';
import { InputRequiredSignal, MrtrState } from './modern/MrtrState.js';
import { RequestStateError, RequestStateSealer } from './modern/RequestStateSealer.js';
import { ProtocolError, RpcCode } from './ProtocolError.js';
import { ListPages } from './ListPages.js';
import { RawJson, spliceResult } from './RawJson.js';
import { ANONYMOUS } from '../identity/principals.js';
import { Session } from './Session.js';
import { ElsewhereSignal } from './ElsewhereSignal.js';
import type { ForwardedEra } from './ports/ClusterPorts.js';

/** Where a forwarded request's related messages would go: nowhere (the other replica holds the client's stream). */
const DETACHED: Channel = { canSend: false, send() {} };

/** An argument a client mirrors in an `Mcp-Param-*` header: the engine's `tool()` hands transports these to check. */
export type { ParamHeader } from '../catalog/findParamHeaders.js';

const NO_PARAMS: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;
/** Methods that may answer `input_required` (2026-07-28 MRTR). */
const MRTR_METHODS = new Set(['tools/call', 'prompts/get', 'resources/read']);

export interface EngineOptions extends Omit<EngineDeps, 'policy' | 'lists' | 'tasks'> {
  /** Retention and shares of tasks (default: DEFAULT_TASK_LIMITS). */
  readonly tasks?: TaskLimits;
  /** Items per list page (default 1000). */
  readonly listPageSize?: number;
  /** Permissions, limits, masking, audit (default: none enforced). */
  readonly policy?: CallPolicyPort;
  /** Secret for sealing `requestState` (random per process when absent). */
  readonly requestStateSecret?: string;
  readonly requestStateTtlMs: number;
  /** Watches every request (metrics, traces); none when telemetry is off. */
  readonly observer?: CallObserver;
  /** Counts refusals and sessions (default: nothing counted). */
  readonly signals?: HostSignals;
}

/**
 * The MCP engine of both eras, shared by every transport: the legacy era (2025-11-25 and earlier:
 * sessions, server→client requests) and the modern era (2026-07-28: stateless, per-request
 * `_meta`, multi-round-trip requests). Transports hand it parsed messages; it never touches sockets.
 */
export class Engine {
  private readonly legacy: Map<string, MethodHandler>;
  private readonly modern: Map<string, MethodHandler>;
  private readonly shutdown = new AbortController();
  private readonly sealer: RequestStateSealer;
  private readonly serverInfoMeta: Record<string, unknown>;
  /** `{"resultType":"complete","_meta":{…serverInfo…}`: spliced before a handler's serialized result. */
  private readonly completePrefix: string;

  private readonly deps: Omit<EngineOptions, 'tasks'> & EngineDeps;
  /** What transports report refusals and sessions to. */
  readonly signals: HostSignals;

  constructor(options: EngineOptions) {
    const { cache, serverInfo } = options;
    const modernListFields = `"resultType":"complete","ttlMs":${cache.listTtlMs},"cacheScope":${JSON.stringify(cache.cacheScope)},"_meta":${JSON.stringify({ [MetaKey.serverInfo]: serverInfo })}`;
    const deps = (this.deps = { ...options, policy: options.policy ?? OPEN_POLICY, tasks: new TaskStore(options.tasks, options.forwarder?.replicaId), lists: new ListPages(options.listPageSize ?? 1000, modernListFields) });
    const common = { ...toolMethods(deps), ...resourceMethods(deps), ...promptMethods(deps), ...completionMethods(deps), ...taskMethods(deps), ...skillMethods(deps) };
    this.legacy = new Map(Object.entries({ ...lifecycleMethods(deps), ...legacySubscriptionMethods(deps), ...firstDraftTaskMethods(deps), ...common }));
    this.modern = new Map(Object.entries({ ...modernMethods(deps, this.shutdown.signal), ...common }));
    this.sealer = new RequestStateSealer(deps.requestStateSecret, deps.requestStateTtlMs);
    this.serverInfoMeta = { [MetaKey.serverInfo]: deps.serverInfo };
    this.completePrefix = `{"resultType":"complete","_meta":${JSON.stringify(this.serverInfoMeta)}`;
    this.signals = options.signals ?? NO_SIGNALS;
  }

  get notifier() {
    return this.deps.notifier;
  }

  /** A legacy session that hears change notifications from now on (transports register the sessions they open). */
  addSession(session: Session): void {
    this.deps.notifier.sessions.add(session);
    this.signals.sessionOpened(session);
  }

  removeSession(session: Session): void {
    if (this.deps.notifier.sessions.delete(session)) this.signals.sessionClosed(session);
  }

  /** A legacy session ended for good (DELETE, idle expiry on one host, its client gone): its shared-context session scope goes too. */
  sessionEnded(session: Session): void {
    this.deps.context?.sessionEnded?.(session.principal.id, session.id);
  }

  /** The tool binding serving `name` now, if `principal` may see it (transports check its `Mcp-Param-*` headers). */
  tool(name: string, principal: Principal = ANONYMOUS) {
    const catalog = this.deps.catalog();
    const binding = catalog.tools.get(name);
    return binding && catalog.canSee(principal, binding) ? binding : undefined;
  }

  /** Whether `method` exists in an era (transports answer 404 for unknown modern methods). */
  hasMethod(era: Era, method: string): boolean {
    return (era === 'modern' ? this.modern : this.legacy).has(method);
  }

  /** Ends long-lived requests (listen streams) gracefully, and cancels every task (tasks live in this process's memory). */
  close(): void {
    this.shutdown.abort();
    this.deps.tasks.close();
  }

  // ---- legacy era -------------------------------------------------------------------------------

  /**
   * Serves one legacy request on a session. Returns its response, or undefined when the client
   * cancelled it (the protocol says no response is sent then).
   */
  async handleRequest(request: JsonRpcRequest, session: Session, channel: Channel, principal: Principal = session.principal): Promise<JsonRpcResponse | undefined> {
    const { id, method } = request;
    session.lastSeen = Date.now();
    const handler = this.legacy.get(method);
    if (!handler) return errorResponse(id, { code: RpcCode.MethodNotFound, message: `Method not found: ${method}` });
    if (!session.initialized && method !== 'initialize' && method !== 'ping') {
      return errorResponse(id, { code: RpcCode.InvalidRequest, message: `Session not initialized: send "initialize" before "${method}"` });
    }
    if (session.initialized && method === 'initialize') {
      return errorResponse(id, { code: RpcCode.InvalidRequest, message: 'Session already initialized: start a new session to initialize again' });
    }
    if (session.inFlight.has(id)) return errorResponse(id, { code: RpcCode.InvalidRequest, message: `Request id ${JSON.stringify(id)} is already in flight` });
    const lifetime = new CallLifetime();
    session.inFlight.set(id, lifetime);
    const call: CallScope = {
      era: 'legacy', id, method, params: request.params ?? NO_PARAMS, channel, lifetime,
      client: session.client, principal, logLevel: session.logLevel, session, mrtr: undefined,
      // Present from the start (not added by the observer), so every call scope has one shape.
      trace: undefined,
    };
    try {
      const result = await this.invoke(handler, call);
      return lifetime.aborted ? undefined : resultResponse(id, result);
    } catch (e) {
      if (e instanceof ElsewhereSignal && this.deps.forwarder) return this.deps.forwarder.forward(e.replica, 'legacy', request, principal);
      return lifetime.aborted ? undefined : this.errorResponse(id, method, e);
    } finally {
      session.inFlight.delete(id);
    }
  }

  /** Handles a legacy notification (initialized, cancelled…); unknown ones are ignored as the spec asks. */
  handleNotification(notification: JsonRpcNotification, session: Session): void {
    session.lastSeen = Date.now();
    if (notification.method === 'notifications/cancelled') {
      const requestId = notification.params?.requestId;
      if (typeof requestId === 'string' || typeof requestId === 'number') session.cancel(requestId, String(notification.params?.reason ?? 'cancelled by the client').slice(0, 1000));
    }
  }

  /** Routes a client's response to the server→client request it answers. */
  handleResponse(response: JsonRpcResponse, session: Session): void {
    session.lastSeen = Date.now();
    if (!session.settle(response)) this.deps.logger.debug({ id: response.id }, 'response to an unknown request id ignored');
  }

  // ---- modern era -------------------------------------------------------------------------------

  /** Checks a modern request's envelope (`_meta`); throws the ProtocolError to answer (HTTP 400). */
  readEnvelope(request: JsonRpcRequest): ModernMeta {
    return readModernMeta(request.params);
  }

  /**
   * Serves one modern (2026-07-28) request whose envelope `readEnvelope` accepted: everything the server needs is in the request itself.
   * `lifetime` ends early when the request is cancelled (closing its HTTP stream cancels it).
   */
  async handleModernRequest(request: JsonRpcRequest, meta: ModernMeta, channel: Channel, lifetime: CallLifetime, principal: Principal = ANONYMOUS): Promise<JsonRpcResponse | undefined> {
    const { id, method } = request;
    const params = request.params ?? NO_PARAMS;
    const handler = this.modern.get(method);
    if (!handler) return this.errorResponse(id, method, methodNotFoundModern(method, this.legacy.has(method)));
    try {
      const mrtr = MRTR_METHODS.has(method) ? this.openRound(method, params, principal) : undefined;
      const call: CallScope = {
        era: 'modern', id, method, params, channel, lifetime,
        client: { protocolVersion: meta.protocolVersion, info: meta.info, capabilities: meta.capabilities },
        principal,
        // 2026-07-28: no log notifications unless the request opted in with a level.
        logLevel: meta.logLevel ?? 'off',
        session: undefined,
        mrtr: mrtr?.state,
        trace: undefined,
      };
      let result: unknown;
      try {
        result = await this.invoke(handler, call);
      } catch (e) {
        if (!(e instanceof InputRequiredSignal)) throw e;
      }
      // A request the client cancelled gets no answer (a listen ended by host shutdown still does: its signal is not aborted).
      if (lifetime.aborted) return undefined;
      // A protocol error met inside the handler (a malformed answer, a missing capability) stands even if the handler caught it.
      if (mrtr?.state.error) throw mrtr.state.error;
      if (mrtr?.state.hasPending) {
        const inputRequests = mrtr.state.pending;
        const requestState = this.sealer.seal({ answers: mrtr.state.answers as Record<string, unknown>, asked: Object.keys(inputRequests), principal: principal.id, digest: mrtr.digest() });
        return resultResponse(id, { resultType: 'input_required', inputRequests, requestState, _meta: this.serverInfoMeta });
      }
      if (result instanceof RawJson) return resultResponse(id, result);
      const r = result as Record<string, unknown>;
      if (r.resultType === undefined && r._meta === undefined) {
        // The common case: the envelope fields are spliced in front of the serialized result.
        const spliced = spliceResult(this.completePrefix, r);
        if (spliced) return resultResponse(id, spliced);
      }
      return resultResponse(id, { ...r, resultType: r.resultType ?? 'complete', _meta: r._meta ? { ...(r._meta as object), ...this.serverInfoMeta } : this.serverInfoMeta });
    } catch (e) {
      if (e instanceof ElsewhereSignal && this.deps.forwarder) return this.deps.forwarder.forward(e.replica, 'modern', request, principal);
      return lifetime.aborted ? undefined : this.errorResponse(id, method, e);
    }
  }

  /**
   * Serves a request another replica forwarded here (it names a task this replica keeps), as the
   * principal that sent it there. Nothing can be streamed back: the answer is the response alone.
   */
  async serveForwarded(era: ForwardedEra, request: JsonRpcRequest, principal: Principal): Promise<JsonRpcResponse> {
    const lifetime = new CallLifetime();
    if (era === 'legacy') {
      const session = new Session(undefined, principal);
      session.initialized = true;
      return (await this.handleRequest(request, session, DETACHED, principal)) ?? errorResponse(request.id, { code: RpcCode.InternalError, message: 'cancelled' });
    }
    let meta: ModernMeta;
    try {
      meta = this.readEnvelope(request);
    } catch (e) {
      return this.errorResponse(request.id, request.method, e);
    }
    return (await this.handleModernRequest(request, meta, DETACHED, lifetime, principal)) ?? errorResponse(request.id, { code: RpcCode.InternalError, message: 'cancelled' });
  }

  /** Runs a method handler; calls of plugin items are audited when audit is on; every request is observed when telemetry is on. */
  private invoke(handler: MethodHandler, call: CallScope): unknown {
    const { audit } = this.deps.policy;
    const { observer } = this.deps;
    const audited = audit !== undefined && AUDITED.has(call.method);
    if (!observer) return audited ? audit.around(call, this.deps.catalog(), async () => handler(call)) : handler(call);
    const catalog = this.deps.catalog();
    return observer.around(call, catalog, audited ? () => audit.around(call, catalog, async () => handler(call)) : async () => handler(call));
  }

  /** Opens one MRTR round: verifies the echoed `requestState` and gathers the answers so far. */
  private openRound(method: string, params: Record<string, unknown>, principal: Principal): { state: MrtrState; digest: () => string } {
    // The request digest is needed only to check or seal a state, so most calls never hash anything.
    let digested: string | undefined;
    const digest = () => (digested ??= RequestStateSealer.digest(method, params));
    let answers: Record<string, unknown> = {};
    let asked: string[] | undefined;
    if (params.requestState !== undefined) {
      try {
        ({ answers, asked } = this.sealer.open(params.requestState, principal.id, digest()));
      } catch (e) {
        if (e instanceof RequestStateError || e instanceof SyntaxError) throw new ProtocolError(RpcCode.InvalidParams, `Invalid params: ${e.message}`);
        throw e;
      }
    }
    const responses = params.inputResponses;
    if (responses !== undefined) {
      if (typeof responses !== 'object' || responses === null || Array.isArray(responses)) throw new ProtocolError(RpcCode.InvalidParams, 'Invalid params: "inputResponses" must be an object keyed like inputRequests');
      answers = { ...answers };
      // Only answers to questions actually asked are taken; extra keys are ignored, as the spec advises.
      for (const [key, value] of Object.entries(responses)) if (!asked || asked.includes(key)) answers[key] = value;
    }
    return { state: new MrtrState(answers), digest };
  }

  /** The JSON-RPC error response for a thrown error (protocol errors as they are, anything else as -32603, logged). */
  errorResponse(id: JsonRpcRequest['id'], method: string, e: unknown): JsonRpcResponse {
    if (e instanceof McpError) return errorResponse(id, { code: e.code, message: e.message, ...(e.data !== undefined ? { data: e.data } : {}) });
    this.deps.logger.error({ err: e, method }, 'request failed');
    return errorResponse(id, { code: RpcCode.InternalError, message: `Internal error: ${(e as Error)?.message ?? String(e)}` });
  }
}

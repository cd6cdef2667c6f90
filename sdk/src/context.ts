import type { Logger } from 'pino';
import type { ContextScope, SharedContext } from './sharedContext.js';
import type { z, ZodType } from 'zod';
import type {
  ClientCapabilities,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestParams,
  ElicitResult,
  Implementation,
  ListRootsResult,
  LoggingLevel,
} from './protocolTypes.js';

/**
 * Who is calling: an authenticated principal, or the anonymous local one. Each source of identity
 * has its own id space, so a JWT whose subject equals a service token's name is still another
 * principal: sessions, `requestState`, rate limits and quotas, all keyed on `id`, stay apart.
 */
export interface Principal {
  /**
   * The caller's stable, unique identifier, which names its source:
   * - `jwt:<issuer>#<subject>` for a bearer JWT (`iss` and `sub` claims). An OAuth issuer identifier
   *   has no fragment (RFC 8414 §2; the host refuses an issuer with `#`), so the first `#` ends the
   *   issuer and everything after it is the subject, whatever it contains;
   * - `service:<name>` for a configured service token;
   * - `stdio:<id>` for the stdio client (`auth.stdioPrincipal.id`);
   * - `anonymous` for a caller without credentials (no source produces it).
   *
   * Key per-caller state on `id`; show `subject` to people.
   */
  readonly id: string;
  /** Where the identity comes from: a verified JWT, a service token, the stdio launcher's configuration, or nobody. */
  readonly source: 'jwt' | 'service' | 'stdio' | 'anonymous';
  /**
   * The caller's name within its source, as configured or issued: the JWT's `sub`, the service
   * token's `name`, the configured stdio id, or `anonymous`. Unique only together with `source`
   * (and `issuer`): two callers of different sources may have the same subject.
   */
  readonly subject: string;
  /** The JWT's issuer (`iss`), for `source: 'jwt'` only. */
  readonly issuer?: string;
  /** Scopes granted to the caller. */
  readonly scopes: readonly string[];
  /** Roles granted to the caller (a token's `roles` claim, a service token's configured roles); `[]` when none. */
  readonly roles: readonly string[];
}

/** What the host knows about the connected client. */
export interface ClientInfo {
  /** The protocol version negotiated with (or declared by) the client. */
  readonly protocolVersion: string;
  /** The client's `clientInfo`, when it sent one. */
  readonly info?: Implementation;
  /** The capabilities the client declared. */
  readonly capabilities: ClientCapabilities;
  /** The session id on legacy HTTP sessions. */
  readonly sessionId?: string;
}

/**
 * Passed to every tool, resource, template, prompt and completion handler. The same code serves
 * every transport: on a legacy session `elicit`, `sample` and `listRoots` send real requests to the
 * client and resolve with its answer.
 *
 * Call its methods on the context (`ctx.progress(…)`), or bind them before passing them on: the
 * host's context is a class instance, and spreading it (`{ ...ctx }`) loses its methods.
 */
export interface RequestContext {
  /** Aborted when the client cancels the request, the session ends or the host shuts down. */
  readonly signal: AbortSignal;
  /** The JSON-RPC id of the request being served. */
  readonly requestId: string | number;
  /** The request's `_meta` (progress token, trace context, client-specific keys); `{}` when absent. */
  readonly meta: Readonly<Record<string, unknown>>;
  /** The caller. */
  readonly principal: Principal;
  /** The client. */
  readonly client: ClientInfo;
  /** The plugin's logger (a pino child named after the plugin and its version); goes to the host's logs, not to the client. */
  readonly logger: Logger;
  /**
   * The W3C trace context of this call when the host traces (`telemetry.tracing`), undefined
   * otherwise. Its `traceparent` names the host's span around this handler, so a plugin that
   * forwards these values on its own outgoing calls (as HTTP headers `traceparent`, `tracestate`,
   * `baggage`, or in `_meta` of an MCP request) makes them children of this call. Values the client
   * sent in `_meta` are checked and re-serialized by the host: they are never passed on raw.
   */
  readonly trace?: TraceContext;
  /**
   * Reports progress to the client when it asked for it (`_meta.progressToken`); a no-op otherwise.
   * `progress` must increase from call to call.
   */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  /** Sends a `notifications/message` log to the client, filtered by the level the client set. */
  log(level: LoggingLevel, data: unknown, logger?: string): Promise<void>;
  /**
   * Asks the user for input through the client (`elicitation/create`). Rejects when the client
   * lacks the capability. On a 2026-07-28 request the handler is suspended: the host answers
   * `input_required` and runs the handler again when the client retries with the answer, so code
   * before an `elicit` must be safe to run twice (read, don't write, before asking).
   */
  elicit(params: ElicitRequestParams, options?: InputRequestOptions): Promise<ElicitResult>;
  /**
   * Asks the user to fill in a form described by a zod object schema (flat: string, number,
   * integer, boolean and enum fields, as elicitation allows), converted to the request's
   * `requestedSchema`. Resolves with the answer parsed by that schema (typed), or with the user's
   * decline or cancel. An accepted answer the schema refuses rejects with a `ToolError`.
   *
   * ```ts
   * const answer = await ctx.elicit('Confirm the deletion', z.object({ confirm: z.boolean() }));
   * if (answer.action !== 'accept' || !answer.content.confirm) return 'kept';
   * ```
   */
  elicit<S extends ZodType<Record<string, unknown>>>(message: string, schema: S, options?: InputRequestOptions): Promise<ElicitOutcome<z.output<S>>>;
  /** Asks the client's model for a completion (`sampling/createMessage`). Same rules as `elicit`. */
  sample(params: CreateMessageRequestParams, options?: InputRequestOptions): Promise<CreateMessageResult>;
  /** Asks the client for its roots (`roots/list`). Same rules as `elicit`. */
  listRoots(options?: InputRequestOptions): Promise<ListRootsResult>;
  /**
   * Closes the SSE stream carrying this call's response while the handler keeps running (polling,
   * SEP-1699): the client reconnects after the host's `server.sseRetryMs` and gets what the handler
   * sent meanwhile, then the result, from the host's event store. Not a cancellation: `signal` is
   * not aborted. Frees the connection during a long call. A no-op where the client cannot resume:
   * over stdio, on 2026-07-28 requests, for clients before 2025-11-25 or answered with plain JSON.
   */
  closeSseStream(): void;
  /**
   * Shared context: values of the caller's session, of its principal and of shared namespaces,
   * kept by the host (they outlive a reload of this plugin, and every plugin sees the same). See
   * `SharedContext`.
   */
  readonly context: SharedContext;
}

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) and Baggage (https://www.w3.org/TR/baggage/)
 * of a call, in their header forms.
 */
export interface TraceContext {
  /** `00-<trace id>-<parent span id>-<flags>`. */
  readonly traceparent: string;
  /** Vendor-specific trace state, when the caller sent one. */
  readonly tracestate?: string;
  /** Baggage entries (`key=value,…`), when the caller sent some. */
  readonly baggage?: string;
}

/** Options of a request to the client. */
export interface InputRequestOptions {
  /**
   * The key of this question in a 2026-07-28 `inputRequests` map (default: derived from the call
   * order, e.g. `elicitation-1`). Name it when clients or tests expect a fixed key.
   */
  readonly key?: string;
}

/** What a typed `elicit(message, schema)` resolves with: the parsed answer, or the user's refusal. */
export type ElicitOutcome<T> = { readonly action: 'accept'; readonly content: T } | { readonly action: 'decline' } | { readonly action: 'cancel' };

/** The context of a tool call. */
export type ToolContext = RequestContext;

/** The host's context service, injected with `@inject(CONTEXT)`. Type: `HostContext`. */
export interface HostContext {
  /** The context of a call: the same object as `ctx.context`. */
  of(ctx: RequestContext): SharedContext;
  /**
   * A shared namespace as the plugin itself, outside any call (a background job, a file watcher):
   * only the namespaces this plugin declares in its manifest.
   */
  shared(namespace: string): ContextScope;
}

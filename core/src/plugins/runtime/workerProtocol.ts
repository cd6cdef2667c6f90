import type { LogMask } from '@mcp-host/config';
import type { CacheHint, ClientInfo, PluginInfo, Principal, TraceContext } from '@mcp-host/sdk';
import type { DeclaredPolicy } from '../../catalog/bindings.js';
import type { ParamHeader } from '../../catalog/findParamHeaders.js';
import type { JsonLimits } from '../../calls/jsonLimits.js';
import type { ContextOp } from '../../calls/SharedContextClient.js';
import type { PluginProblem } from '../PluginProblem.js';
import type { PluginManifest } from '../readManifest.js';

/** Messages between the host and a plugin generation's worker thread or process. Everything here is structured-cloneable. */

export interface WorkerInit {
  readonly manifest: PluginManifest;
  readonly config: unknown;
  readonly prefix?: string;
  readonly logLevel: string;
  /** pino redact paths of the host (credentials, masked fields), so plugin logs in the worker are censored alike. */
  readonly logRedact?: readonly string[];
  /** Fields and patterns the host masks in every log line; plugin logs in the worker are masked alike. */
  readonly logMask?: LogMask;
  /** The host's `server.limits`: a result or log over them is refused in the worker, before it is cloned. */
  readonly limits?: JsonLimits;
}

/** A binding as the worker describes it: the descriptor and schemas; the host builds the proxy. */
export interface RemoteBindings {
  readonly tools: Array<{ name: string; descriptor: Record<string, unknown>; input: Record<string, unknown>; output?: Record<string, unknown>; paramHeaders: ParamHeader[]; declared?: DeclaredPolicy }>;
  readonly resources: Array<{ uri: string; descriptor: Record<string, unknown>; cache?: CacheHint; declared?: DeclaredPolicy }>;
  readonly templates: Array<{ name: string; descriptor: Record<string, unknown>; cache?: CacheHint; complete: string[]; declared?: DeclaredPolicy }>;
  readonly prompts: Array<{ name: string; descriptor: Record<string, unknown>; requiredArguments: string[]; complete: string[]; declared?: DeclaredPolicy }>;
}

/**
 * A call: the target and what its handler's context needs to be rebuilt in the worker. It crosses
 * as a tuple, not an object: it is the one message every request sends, and the key strings of an
 * object are most of what structured cloning it costs (a tuple halves it).
 */
export type CallMessage = [
  id: number,
  target: CallTarget,
  requestId: string | number,
  meta: Record<string, unknown>,
  principal: Principal,
  client: ClientInfo,
  /** Completions: the arguments already filled in. */
  completionArguments: Record<string, string> | undefined,
  /**
   * Only when the host traces the call: the plugin's parent (the isolation hop span). Absent, not
   * undefined, when tracing is off, so an untraced call crosses exactly as before.
   */
  trace?: TraceContext,
];

/**
 * A call's outcome, a tuple for the same reason: `[id, true, value]` or `[id, false, error]`. A
 * traced call (one that carried `trace`) adds when its handler started and ended in the worker
 * (epoch ms), which the host records as the handler span: the worker has no exporter of its own.
 */
export type ResultMessage =
  | [id: number, ok: true, value: unknown, handlerStart?: number, handlerEnd?: number]
  | [id: number, ok: false, error: WireError, handlerStart?: number, handlerEnd?: number];

export type CallTarget =
  | { kind: 'tool'; name: string; args: unknown }
  | { kind: 'resource'; uri: string }
  | { kind: 'template'; name: string; uri: string; variables: Record<string, string | string[]> }
  | { kind: 'prompt'; name: string; args: Record<string, string> }
  | { kind: 'complete'; owner: 'prompt' | 'template'; name: string; argument: string; value: string };

/** An error crossing the boundary, rebuilt on the other side as the same kind. */
export interface WireError {
  readonly kind: 'mcp' | 'tool' | 'input-required' | 'context' | 'error';
  /** A ContextError's reason. */
  readonly reason?: string;
  readonly message: string;
  readonly code?: number;
  readonly data?: unknown;
  /** A ToolError's structured content. */
  readonly structuredContent?: Record<string, unknown>;
  readonly stack?: string;
}

/** What crosses is a batch (an array of these; see Outbox), except the `init` and handshake messages, sent alone. */
export type HostToWorker =
  | { type: 'init'; init: WorkerInit }
  | CallMessage
  | { type: 'cancel'; id: number }
  | { type: 'answer'; askId: number; ok: boolean; value?: unknown; error?: WireError }
  | { type: 'ping' }
  /** The host's answer to `items`: served, or refused with the problem (the worker keeps its old bindings). */
  | { type: 'itemsServed'; seq: number; ok: boolean; problem?: PluginProblem }
  | { type: 'dispose' };

export type WorkerToHost =
  | { type: 'booted' }
  | { type: 'ready'; info: PluginInfo; bindings: RemoteBindings }
  | { type: 'failed'; problem: PluginProblem }
  | ResultMessage
  | { type: 'progress'; id: number; progress: number; total?: number; message?: string }
  | { type: 'log'; id: number; level: string; data: unknown; logger?: string }
  /** The handler closed its call's SSE stream (ctx.closeSseStream). */
  | { type: 'closeSse'; id: number }
  | { type: 'ask'; id: number; askId: number; method: 'elicit' | 'sample' | 'listRoots'; params?: unknown; key?: string }
  | { type: 'notify'; kind: 'resourceUpdated' | 'listChanged'; value: string }
  /** A shared-context operation of call `id` (0: of the plugin itself, outside a call), answered by `answer` with `askId`. */
  | { type: 'context'; id: number; askId: number; op: ContextOp }
  /** The plugin changed its items (PLUGIN_ITEMS): its new bindings, for the host to serve or refuse. */
  | { type: 'items'; seq: number; bindings: RemoteBindings }
  | { type: 'pong' }
  | { type: 'disposed' }
  /** A plugin process's last word before it exits on an uncaught exception (a worker's reaches the host as its `error` event). */
  | { type: 'uncaught'; message: string; stack?: string };

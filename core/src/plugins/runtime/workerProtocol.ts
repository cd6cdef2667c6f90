import type { CacheHint, ClientInfo, PluginInfo, Principal } from '@mcp-host/sdk';
import type { DeclaredPolicy } from '../../catalog/bindings.js';
import type { ParamHeader } from '../../catalog/findParamHeaders.js';
import type { PluginProblem } from '../PluginProblem.js';
import type { PluginManifest } from '../readManifest.js';

/** Messages between the host and a plugin generation's worker thread. Everything here is structured-cloneable. */

export interface WorkerInit {
  readonly manifest: PluginManifest;
  readonly config: unknown;
  readonly prefix?: string;
  readonly logLevel: string;
  /** pino redact paths of the host (credentials, masked fields), so plugin logs in the worker are censored alike. */
  readonly logRedact?: readonly string[];
}

/** A binding as the worker describes it: the descriptor and schemas; the host builds the proxy. */
export interface RemoteBindings {
  readonly tools: Array<{ name: string; descriptor: Record<string, unknown>; input: Record<string, unknown>; output?: Record<string, unknown>; paramHeaders: ParamHeader[]; declared?: DeclaredPolicy }>;
  readonly resources: Array<{ uri: string; descriptor: Record<string, unknown>; cache?: CacheHint; declared?: DeclaredPolicy }>;
  readonly templates: Array<{ name: string; descriptor: Record<string, unknown>; cache?: CacheHint; complete: string[]; declared?: DeclaredPolicy }>;
  readonly prompts: Array<{ name: string; descriptor: Record<string, unknown>; requiredArguments: string[]; complete: string[]; declared?: DeclaredPolicy }>;
}

/** What a handler's context needs to be rebuilt in the worker. */
export interface RemoteContext {
  readonly requestId: string | number;
  readonly meta: Record<string, unknown>;
  readonly principal: Principal;
  readonly client: ClientInfo;
  readonly arguments?: Record<string, string>;
}

export type CallTarget =
  | { kind: 'tool'; name: string; args: unknown }
  | { kind: 'resource'; uri: string }
  | { kind: 'template'; name: string; uri: string; variables: Record<string, string | string[]> }
  | { kind: 'prompt'; name: string; args: Record<string, string> }
  | { kind: 'complete'; owner: 'prompt' | 'template'; name: string; argument: string; value: string };

/** An error crossing the boundary, rebuilt on the other side as the same kind. */
export interface WireError {
  readonly kind: 'mcp' | 'tool' | 'input-required' | 'error';
  readonly message: string;
  readonly code?: number;
  readonly data?: unknown;
  readonly stack?: string;
}

export type HostToWorker =
  | { type: 'init'; init: WorkerInit }
  | { type: 'call'; id: number; target: CallTarget; ctx: RemoteContext }
  | { type: 'cancel'; id: number }
  | { type: 'answer'; askId: number; ok: boolean; value?: unknown; error?: WireError }
  | { type: 'ping' }
  | { type: 'dispose' };

export type WorkerToHost =
  | { type: 'booted' }
  | { type: 'ready'; info: PluginInfo; bindings: RemoteBindings }
  | { type: 'failed'; problem: PluginProblem }
  | { type: 'result'; id: number; ok: boolean; value?: unknown; error?: WireError }
  | { type: 'progress'; id: number; progress: number; total?: number; message?: string }
  | { type: 'log'; id: number; level: string; data: unknown; logger?: string }
  | { type: 'ask'; id: number; askId: number; method: 'elicit' | 'sample' | 'listRoots'; params?: unknown; key?: string }
  | { type: 'notify'; kind: 'resourceUpdated' | 'listChanged'; value: string }
  | { type: 'pong' }
  | { type: 'disposed' };

import type { ClientInfo, LoggingLevel, Principal } from '@mcp-host/sdk';
import type { CallLifetime } from '../calls/CallLifetime.js';
import type { CallTrace } from '../calls/CallTrace.js';
import type { Channel } from './Channel.js';
import type { RequestId } from './jsonrpc.js';
import type { MrtrState } from './modern/MrtrState.js';
import type { Session } from './Session.js';

/**
 * One request being served, in either era. Method handlers read the client through `client` and
 * never care which era they serve; only era-specific methods touch `session` or `mrtr`.
 */
export type Era = 'legacy' | 'modern';

export interface CallScope {
  readonly era: Era;
  readonly id: RequestId;
  readonly method: string;
  readonly params: Record<string, unknown>;
  readonly channel: Channel;
  /** Cancellation: `lifetime.aborted` for checks; `lifetime.signal` only where an AbortSignal is really needed (it is made on first use). */
  readonly lifetime: CallLifetime;
  readonly client: ClientInfo;
  readonly principal: Principal;
  /** Logs pass at or above this level; `undefined` means every level, `'off'` none. */
  readonly logLevel: LoggingLevel | 'off' | undefined;
  /** Legacy era: the session (server→client requests are real requests on it). */
  readonly session: Session | undefined;
  /** Modern era: the multi-round-trip state of this request (answers so far, questions to ask). */
  readonly mrtr: MrtrState | undefined;
  /**
   * The call's trace, set by the tracing observer before the handler runs (undefined when tracing
   * is off); the handler's context hands it to the plugin runtime. Writable for that one reason.
   */
  trace?: CallTrace;
  /** A call that runs as a task: where its questions to the client go (they park the task until `tasks/update`). */
  readonly input?: QuestionPort;
}

/** Takes a handler's question to the client and resolves with the answer (`key`: its key in `inputRequests`, if the handler named one). */
export interface QuestionPort {
  ask(method: string, params: Record<string, unknown>, key: string | undefined): Promise<unknown>;
}

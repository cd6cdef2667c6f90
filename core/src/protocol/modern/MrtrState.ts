import type { McpError } from '@mcp-host/sdk';
import { InputRequiredSignal } from '../../calls/InputRequiredSignal.js';
import { ProtocolError, RpcCode } from '../ProtocolError.js';

export { InputRequiredSignal };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Minimal shape checks of the answers, per request kind (what a handler relies on). */
const RESULT_CHECKS: Record<string, (v: unknown) => string | undefined> = {
  'elicitation/create': (v) => (isObject(v) && ['accept', 'decline', 'cancel'].includes(v.action as string) && (v.content === undefined || isObject(v.content)) ? undefined : 'is not an ElicitResult ({ action: "accept" | "decline" | "cancel", content? })'),
  'sampling/createMessage': (v) => (isObject(v) && typeof v.role === 'string' && (isObject(v.content) || Array.isArray(v.content)) && typeof v.model === 'string' ? undefined : 'is not a CreateMessageResult ({ role, content, model })'),
  'roots/list': (v) => (isObject(v) && Array.isArray(v.roots) ? undefined : 'is not a ListRootsResult ({ roots: [...] })'),
};

/** Why `value` is not a valid answer to a question of `method` (undefined when it is): shared by MRTR rounds and `tasks/update`. */
export const answerProblem = (method: string, value: unknown): string | undefined => RESULT_CHECKS[method]?.(value);

const SHORT: Record<string, string> = { 'elicitation/create': 'elicitation', 'sampling/createMessage': 'sampling', 'roots/list': 'roots' };

/**
 * Multi-round-trip state of one modern request (2026-07-28 MRTR). The handler runs again on every
 * round; each question it asks is answered from the answers gathered so far, or recorded as
 * pending, which ends the round with `input_required`. Keys default to the call order
 * (`elicitation-1`, `sampling-2`…), stable across rounds because the handler replays the same calls.
 */
export class MrtrState {
  /** Questions asked this round that have no answer yet, by key. */
  readonly pending: Record<string, { method: string; params: Record<string, unknown> }> = {};
  /** The first protocol error met while answering the handler's questions; it decides the response. */
  error: ProtocolError | McpError | undefined;
  private calls = 0;

  /** Records a protocol error and returns the rejection the handler sees. */
  fail(error: McpError): Promise<never> {
    this.error ??= error;
    return Promise.reject(error);
  }

  constructor(readonly answers: Readonly<Record<string, unknown>>) {}

  ask(method: string, params: Record<string, unknown>, key?: string): Promise<unknown> {
    const k = key ?? `${SHORT[method] ?? method}-${++this.calls}`;
    if (Object.hasOwn(this.answers, k)) {
      const answer = this.answers[k];
      const problem = RESULT_CHECKS[method]?.(answer);
      // A malformed answer is the client's mistake: a JSON-RPC error, not a crash inside the handler.
      if (problem) return this.fail(new ProtocolError(RpcCode.InvalidParams, `Invalid params: inputResponses.${k} ${problem}`, { key: k }));
      return Promise.resolve(answer);
    }
    this.pending[k] = { method, params };
    return Promise.reject(new InputRequiredSignal());
  }

  get hasPending(): boolean {
    for (const _ in this.pending) return true;
    return false;
  }
}

/** Thrown inside a handler to end a modern-era round: the host answers `input_required`. */
export class InputRequiredSignal extends Error {
  constructor() {
    super('input required from the client (the request will be retried with the answers)');
    this.name = 'InputRequiredSignal';
  }
}

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
  private calls = 0;

  constructor(readonly answers: Readonly<Record<string, unknown>>) {}

  ask(method: string, params: Record<string, unknown>, key?: string): Promise<unknown> {
    const k = key ?? `${SHORT[method] ?? method}-${++this.calls}`;
    if (Object.hasOwn(this.answers, k)) return Promise.resolve(this.answers[k]);
    this.pending[k] = { method, params };
    return Promise.reject(new InputRequiredSignal());
  }

  get hasPending(): boolean {
    for (const _ in this.pending) return true;
    return false;
  }
}

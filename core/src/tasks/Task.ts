import { CallLifetime } from '../calls/CallLifetime.js';

/** The states of a task (SEP-2663); the last three are terminal. */
export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';

/** A protocol error a task ended with, as JSON-RPC shapes it. */
export interface TaskError {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

/** A question the task's handler asked and the client has not answered yet. */
interface OpenQuestion {
  readonly method: string;
  readonly params: Record<string, unknown>;
  resolve(answer: unknown): void;
  reject(error: Error): void;
}

const SHORT: Record<string, string> = { 'elicitation/create': 'elicitation', 'sampling/createMessage': 'sampling', 'roots/list': 'roots' };

/**
 * One task: a tool call that outlives its request. Its handler runs with this task's lifetime (a
 * cancel ends it), asks its questions here (they park the task in `input_required` until
 * `tasks/update` answers them) and ends it with a result or a protocol error. It holds no JSON-RPC:
 * the protocol renders it.
 */
export class Task {
  readonly lifetime = new CallLifetime();
  readonly createdAt = Date.now();
  lastUpdatedAt = this.createdAt;
  private state: TaskStatus = 'working';
  private outcome: { result?: unknown; error?: TaskError } = {};
  private readonly open = new Map<string, OpenQuestion>();
  /** Answers known before the handler asks (a 2026-07-28 round that carried them); keys as the handler asks them. */
  private readonly answers: Map<string, unknown>;
  private asked = 0;
  private settle!: () => void;
  private waiters: Array<() => void> = [];
  /** Resolves when the task reaches a terminal status (never rejects). */
  readonly settled = new Promise<void>((resolve) => (this.settle = resolve));

  constructor(
    readonly id: string,
    /** The principal id that created it: only this principal may see or touch it. */
    readonly owner: string,
    answers: Readonly<Record<string, unknown>> = {},
  ) {
    this.answers = new Map(Object.entries(answers));
  }

  get status(): TaskStatus {
    return this.state;
  }

  get terminal(): boolean {
    return this.state === 'completed' || this.state === 'failed' || this.state === 'cancelled';
  }

  get result(): unknown {
    return this.outcome.result;
  }

  get error(): TaskError | undefined {
    return this.outcome.error;
  }

  /** The questions waiting for the client, by key (what `tasks/get` shows as `inputRequests`). */
  get inputRequests(): Record<string, { method: string; params: Record<string, unknown> }> | undefined {
    if (this.open.size === 0) return undefined;
    const out: Record<string, { method: string; params: Record<string, unknown> }> = {};
    for (const [key, q] of this.open) out[key] = { method: q.method, params: q.params };
    return out;
  }

  /** The key of the handler's next question: its own, or one derived from the call order (stable when the handler replays its questions). */
  keyFor(method: string, key: string | undefined): string {
    return key ?? `${SHORT[method] ?? method}-${++this.asked}`;
  }

  /** Whether an answer for `key` is already known (given with the request that created the task). */
  hasAnswer(key: string): boolean {
    return this.answers.has(key);
  }

  /** Asks the client through the task: answered at once if known, else the task waits in `input_required`. */
  ask(method: string, params: Record<string, unknown>, key: string): Promise<unknown> {
    if (this.answers.has(key)) return Promise.resolve(this.answers.get(key));
    if (this.terminal) return Promise.reject(new Error(`task ${this.id} is ${this.state}`));
    if (this.open.has(key)) return Promise.reject(new Error(`question "${key}" is already waiting for an answer`));
    return new Promise((resolve, reject) => {
      this.open.set(key, { method, params, resolve, reject });
      this.set('input_required');
    });
  }

  /** The method of the open question `key`, if there is one (to check an answer's shape before `answer`). */
  questionMethod(key: string): string | undefined {
    return this.open.get(key)?.method;
  }

  /** Answers open questions; keys that are not open are ignored (the SEP's rule). Returns how many were answered. */
  answer(responses: Readonly<Record<string, unknown>>): number {
    let n = 0;
    for (const [key, value] of Object.entries(responses)) {
      const q = this.open.get(key);
      if (!q) continue;
      this.open.delete(key);
      this.answers.set(key, value);
      q.resolve(value);
      n++;
    }
    if (n > 0 && this.open.size === 0 && this.state === 'input_required') this.set('working');
    return n;
  }

  complete(result: unknown): void {
    this.end('completed', { result });
  }

  fail(error: TaskError): void {
    this.end('failed', { error });
  }

  /** Refuses the open question `key` (the client failed to answer it): the handler's `ask` rejects with `error`. */
  refuse(key: string, error: Error): void {
    const q = this.open.get(key);
    if (!q) return;
    this.open.delete(key);
    q.reject(error);
    if (this.open.size === 0 && this.state === 'input_required') this.set('working');
  }

  /** Resolves at the task's next change of status or questions. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Cancels it: the handler's lifetime ends and the task is `cancelled` at once (whatever the handler does next is dropped). */
  cancel(reason: string): void {
    if (this.terminal) return;
    this.end('cancelled', {});
    this.lifetime.abort(new Error(reason));
  }

  private end(status: TaskStatus, outcome: { result?: unknown; error?: TaskError }): void {
    if (this.terminal) return;
    this.outcome = outcome;
    this.set(status);
    this.settle();
    const open = [...this.open.values()];
    this.open.clear();
    for (const q of open) q.reject(new Error(`task ${this.id} is ${status}`));
  }

  private set(status: TaskStatus): void {
    this.state = status;
    this.lastUpdatedAt = Date.now();
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

import { randomUUID } from 'node:crypto';
import { Task } from './Task.js';

/** How many tasks are kept, and how long (the config's `protocol.tasks`). */
export interface TaskLimits {
  /** How long a task is kept after its last change: its result stays readable that long; one still running then is cancelled. */
  readonly ttlMs: number;
  /** The poll interval suggested to clients. */
  readonly pollIntervalMs: number;
  /** Tasks one principal may hold at once, finished ones included (until they expire). */
  readonly perPrincipal: number;
  /** Tasks all principals together may hold. */
  readonly max: number;
}

export const DEFAULT_TASK_LIMITS: TaskLimits = Object.freeze({ ttlMs: 600_000, pollIntervalMs: 500, perPrincipal: 100, max: 10_000 });

/** Why a task was not created. */
export type TaskRefusal = { readonly limit: 'perPrincipal' | 'max'; readonly max: number };

/**
 * Every task of this host, by id and by owner. A task is found only by the principal that created
 * it (anyone else gets nothing, as for an id that never existed), counts against its owner's share
 * until it expires, and expires `ttlMs` after its last change (a sweep runs on a timer and before
 * every refusal, so expired tasks never block new ones).
 */
export class TaskStore {
  private readonly tasks = new Map<string, Task>();
  private readonly byOwner = new Map<string, Set<Task>>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly limits: TaskLimits = DEFAULT_TASK_LIMITS,
    /** With replicas: appended to every id (`<uuid>@<replica>`), so a request naming the task reaches the replica that keeps it. */
    private readonly replicaId?: string,
  ) {
    this.timer = setInterval(() => this.sweep(), Math.min(limits.ttlMs, 60_000));
    this.timer.unref();
  }

  /** A new task of `owner`, or why not: a principal over its share, or the host full. */
  create(owner: string, answers?: Readonly<Record<string, unknown>>): Task | TaskRefusal {
    if (this.refusal(owner)) this.sweep();
    const refused = this.refusal(owner);
    if (refused) return refused;
    const task = new Task(this.replicaId ? `${randomUUID()}@${this.replicaId}` : randomUUID(), owner, answers);
    // Its handler may run as long as the task is kept (a sweep cancels it after ttlMs without a change), not just a request's call timeout.
    task.lifetime.timeoutMs = this.limits.ttlMs;
    this.tasks.set(task.id, task);
    let mine = this.byOwner.get(owner);
    if (!mine) this.byOwner.set(owner, (mine = new Set()));
    mine.add(task);
    return task;
  }

  /** The task `id` if `owner` created it and it has not expired; undefined otherwise, whichever the reason. */
  get(owner: string, id: string): Task | undefined {
    const task = this.tasks.get(id);
    if (!task || task.owner !== owner) return undefined;
    if (this.expired(task, Date.now())) {
      this.drop(task);
      return undefined;
    }
    return task;
  }

  /** Forgets a task (cancelling it if it still runs). */
  drop(task: Task): void {
    task.cancel('the task expired or was withdrawn');
    if (this.tasks.get(task.id) !== task) return;
    this.tasks.delete(task.id);
    const mine = this.byOwner.get(task.owner);
    mine?.delete(task);
    if (mine?.size === 0) this.byOwner.delete(task.owner);
  }

  /** The tasks of `owner` that have not expired, oldest first. */
  ownedBy(owner: string): Task[] {
    const now = Date.now();
    return [...(this.byOwner.get(owner) ?? [])].filter((t) => !this.expired(t, now)).sort((a, b) => a.createdAt - b.createdAt);
  }

  get size(): number {
    return this.tasks.size;
  }

  /** Drops every expired task. */
  sweep(now = Date.now()): void {
    for (const task of this.tasks.values()) if (this.expired(task, now)) this.drop(task);
  }

  /** Cancels every task and stops the sweep (host shutdown). */
  close(): void {
    clearInterval(this.timer);
    for (const task of [...this.tasks.values()]) this.drop(task);
  }

  private refusal(owner: string): TaskRefusal | undefined {
    if ((this.byOwner.get(owner)?.size ?? 0) >= this.limits.perPrincipal) return { limit: 'perPrincipal', max: this.limits.perPrincipal };
    if (this.tasks.size >= this.limits.max) return { limit: 'max', max: this.limits.max };
    return undefined;
  }

  private expired(task: Task, now: number): boolean {
    return now - task.lastUpdatedAt > this.limits.ttlMs;
  }
}

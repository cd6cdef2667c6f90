import { afterEach, describe, expect, it } from 'vitest';
import { Task } from './Task.js';
import { TaskStore } from './TaskStore.js';

describe('TaskStore', () => {
  let store: TaskStore;
  afterEach(() => store.close());

  it("finds a task only for its owner: another principal's lookup is the same miss as an unknown id", () => {
    store = new TaskStore({ ttlMs: 60_000, pollIntervalMs: 100, perPrincipal: 10, max: 100 });
    const task = store.create('alice') as Task;
    expect(store.get('alice', task.id)).toBe(task);
    // Its handler may run as long as the task is kept, not just a request's call timeout.
    expect(task.lifetime.timeoutMs).toBe(60_000);
    expect(store.get('bob', task.id)).toBeUndefined();
    expect(store.get('alice', 'nope')).toBeUndefined();
  });

  it('lists only the tasks of their owner, oldest first', () => {
    store = new TaskStore({ ttlMs: 60_000, pollIntervalMs: 100, perPrincipal: 10, max: 100 });
    const a1 = store.create('alice') as Task;
    store.create('bob');
    const a2 = store.create('alice') as Task;
    expect(store.ownedBy('alice')).toEqual([a1, a2]);
    expect(store.ownedBy('carol')).toEqual([]);
  });

  it('refuses past the per-principal share and the host-wide cap; other principals keep their share', () => {
    store = new TaskStore({ ttlMs: 60_000, pollIntervalMs: 100, perPrincipal: 2, max: 3 });
    store.create('alice');
    store.create('alice');
    expect(store.create('alice')).toEqual({ limit: 'perPrincipal', max: 2 });
    expect(store.create('bob')).toBeInstanceOf(Task);
    expect(store.create('carol')).toEqual({ limit: 'max', max: 3 });
  });

  it('drops a task ttlMs after its last change, cancelling it if it still runs, which frees the share', () => {
    store = new TaskStore({ ttlMs: 1000, pollIntervalMs: 100, perPrincipal: 1, max: 10 });
    const running = store.create('alice') as Task;
    store.sweep(running.lastUpdatedAt + 999);
    expect(store.size).toBe(1);
    store.sweep(running.lastUpdatedAt + 1001);
    expect(store.size).toBe(0);
    expect(running.status).toBe('cancelled');
    expect(running.lifetime.aborted).toBe(true);
    expect(store.create('alice')).toBeInstanceOf(Task);
  });
});

describe('Task', () => {
  it('parks in input_required while questions wait; answers to other keys are ignored; the last answer resumes it', async () => {
    const task = new Task('t', 'alice');
    const a = task.ask('elicitation/create', { message: 'a?' }, 'a');
    const b = task.ask('elicitation/create', { message: 'b?' }, 'b');
    expect(task.status).toBe('input_required');
    expect(Object.keys(task.inputRequests!)).toEqual(['a', 'b']);
    expect(task.answer({ a: { action: 'accept' }, zzz: {} })).toBe(1);
    expect(task.status).toBe('input_required');
    expect(Object.keys(task.inputRequests!)).toEqual(['b']);
    task.answer({ b: { action: 'decline' } });
    expect(task.status).toBe('working');
    await expect(Promise.all([a, b])).resolves.toEqual([{ action: 'accept' }, { action: 'decline' }]);
  });

  it('wakes who waits for a change, settles once at the end; a refused question rejects in the handler', async () => {
    const task = new Task('t', 'alice');
    const changed = task.changed();
    const q = task.ask('elicitation/create', {}, 'k');
    await changed;
    task.refuse('k', new Error('the client failed'));
    await expect(q).rejects.toThrow('the client failed');
    expect(task.status).toBe('working');
    task.complete({ content: [] });
    await task.settled;
    expect(task.status).toBe('completed');
  });

  it('a cancel ends it at once: open questions are rejected and a later result is dropped', async () => {
    const task = new Task('t', 'alice');
    const q = task.ask('elicitation/create', {}, 'k');
    task.cancel('by the client');
    await expect(q).rejects.toThrow(/cancelled/);
    task.complete({ content: [] });
    expect(task.status).toBe('cancelled');
    expect(task.result).toBeUndefined();
  });
});

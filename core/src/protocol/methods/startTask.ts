import { McpError } from '@mcp-host/sdk';
import type { ToolBinding, TaskSupport } from '../../catalog/bindings.js';
import { Task } from '../../tasks/Task.js';
import type { CallScope, QuestionPort } from '../CallScope.js';
import type { Channel } from '../Channel.js';
import { InputRequiredSignal } from '../modern/MrtrState.js';
import { ProtocolError, RpcCode } from '../ProtocolError.js';
import type { ResultMasker } from '../ports/SecurityPorts.js';
import type { EngineDeps } from './MethodHandler.js';
import { firstDraftTask, markFirstDraft, taskFields } from './taskWire.js';

/** Where a task's progress and logs go: nowhere (its request has been answered); the client polls. */
const NO_CHANNEL: Channel = { send() {}, canSend: false };

/** Runs a tool's handler and returns its (masked) result; throws a protocol error or InputRequiredSignal. */
export type RunTool = (call: CallScope, binding: ToolBinding, args: unknown, masker: ResultMasker | undefined) => Promise<unknown>;

/**
 * Starts a tool call as a task and answers the `CreateTaskResult` (SEP-2663): the task exists (a
 * `tasks/get` right after finds it) before the answer is sent. The handler runs on with the task's
 * own lifetime, its questions parking the task; its result completes the task, a protocol error
 * fails it (a tool error is a completed task whose result has `isError`).
 *
 * A first-draft task (a 2025-11-25 client's `params.task`) is answered `{ task }` instead.
 *
 * With `inputFirstMs`, the answer waits that long for the handler's first question: one the request
 * does not answer withdraws the task and ends the request `input_required` (2026-07-28), so a
 * handler can gather input first and become a task on the round that brings the answers.
 */
export async function startTask(deps: EngineDeps, call: CallScope, binding: ToolBinding, args: unknown, masker: ResultMasker | undefined, support: TaskSupport, run: RunTool, firstDraft = false): Promise<unknown> {
  const created = deps.tasks.create(call.principal.id, call.mrtr?.answers);
  if (!(created instanceof Task)) {
    const which = created.limit === 'perPrincipal' ? `${created.max} per principal` : `${created.max} on this host`;
    throw new ProtocolError(RpcCode.RateLimited, `Too many tasks (limit ${which}); wait for some to finish and expire, or cancel them`, { limit: created.limit === 'perPrincipal' ? 'tasksPerPrincipal' : 'tasks', max: created.max });
  }
  const task = created;
  if (firstDraft) markFirstDraft(task);
  let release: () => void;
  try {
    const entered = deps.policy.enter(call, binding.name);
    release = typeof entered === 'function' ? entered : await entered;
  } catch (e) {
    deps.tasks.drop(task);
    throw e;
  }

  let endHold: ((outcome: 'task' | 'input') => void) | undefined;
  const held = support.inputFirstMs > 0 && call.mrtr
    ? new Promise<'task' | 'input'>((resolve) => {
        const timer = setTimeout(() => endHold?.('task'), support.inputFirstMs);
        endHold = (outcome) => {
          endHold = undefined;
          clearTimeout(timer);
          resolve(outcome);
        };
      })
    : undefined;
  const mrtr = call.mrtr;
  const input: QuestionPort = {
    ask(method, params, key) {
      const k = task.keyFor(method, key);
      if (endHold && mrtr && !task.hasAnswer(k)) {
        // Still within the request: the question goes back as this round's input_required.
        mrtr.pending[k] = { method, params };
        endHold('input');
        return Promise.reject(new InputRequiredSignal());
      }
      endHold?.('task');
      return task.ask(method, params, k);
    },
  };
  const scope: CallScope = { ...call, lifetime: task.lifetime, channel: NO_CHANNEL, session: undefined, mrtr: undefined, input };
  void run(scope, binding, args, masker)
    .then(
      (result) => task.complete(result),
      (e: unknown) => {
        if (e instanceof InputRequiredSignal || task.terminal) return;
        if (e instanceof McpError) task.fail({ code: e.code, message: e.message, ...(e.data !== undefined ? { data: e.data } : {}) });
        else task.fail({ code: RpcCode.InternalError, message: `Internal error: ${(e as Error)?.message ?? String(e)}` });
      },
    )
    .finally(() => {
      release();
      endHold?.('task');
    });

  if (held && (await held) === 'input') {
    deps.tasks.drop(task);
    throw new InputRequiredSignal();
  }
  return firstDraft ? { task: firstDraftTask(task, deps.tasks.limits) } : { resultType: 'task', ...taskFields(task, deps.tasks.limits) };
}

import { McpError } from '@mcp-host/sdk';
import type { Task } from '../../tasks/Task.js';
import type { CallScope } from '../CallScope.js';
import { answerProblem } from '../modern/MrtrState.js';
import { invalidParams, ProtocolError, RpcCode } from '../ProtocolError.js';
import type { EngineDeps, MethodTable } from './MethodHandler.js';
import { ElsewhereSignal, replicaOf } from '../ElsewhereSignal.js';
import { declaresTasks, detailedTask, firstDraftTask, isFirstDraft, tasksNotDeclared } from './taskWire.js';

/** Longer ids are not ours (ours are UUIDs, `@<replica>` appended in a cluster): refused before any lookup, and never echoed whole. */
const MAX_TASK_ID = 128;
/** Tasks per `tasks/list` page. */
const PAGE = 100;
const RELATED_TASK = 'io.modelcontextprotocol/related-task';

/**
 * The task a request names, if its caller created it. An id that never existed, has expired or is
 * another principal's gets the same -32602, so ids reveal nothing about other callers' tasks.
 * Modern requests must declare the extension (-32021); legacy sessions may also speak the first draft.
 */
function taskOf(deps: EngineDeps, call: CallScope): Task {
  if (call.era === 'modern' && !declaresTasks(call)) throw tasksNotDeclared(call.method);
  const id = call.params.taskId;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_TASK_ID) throw invalidParams(`Invalid params: ${call.method} needs "taskId", a string of 1 to ${MAX_TASK_ID} characters`);
  const task = deps.tasks.get(call.principal.id, id);
  // Kept by another replica (whose name ends the id): the engine asks it. Whether it is the caller's is checked there.
  const elsewhere = !task && deps.forwarder ? replicaOf(id, deps.forwarder.replicaId) : undefined;
  if (elsewhere) throw new ElsewhereSignal(elsewhere);
  if (!task) throw invalidParams(`Invalid params: no task ${JSON.stringify(id)} (unknown, expired, or not yours)`, { taskId: id });
  return task;
}

/**
 * The tasks extension's methods (SEP-2663), in both eras: `tasks/get` (status, and the result,
 * error or open questions inlined), `tasks/update` (answers to the questions) and `tasks/cancel`.
 * `tasks/result` and `tasks/list` of the first draft are gone from the extension (-32601 in the
 * 2026-07-28 era, as the SEP says); see `firstDraftTaskMethods` for legacy sessions.
 */
export function taskMethods(deps: EngineDeps): MethodTable {
  return {
    'tasks/get'(call) {
      const task = taskOf(deps, call);
      return isFirstDraft(task) ? firstDraftTask(task, deps.tasks.limits) : detailedTask(task, deps.tasks.limits);
    },
    'tasks/update'(call) {
      const task = taskOf(deps, call);
      const responses = call.params.inputResponses;
      if (typeof responses !== 'object' || responses === null || Array.isArray(responses)) throw invalidParams('Invalid params: tasks/update needs "inputResponses", an object keyed like inputRequests');
      // Every answer to an open question is checked before any is taken: a malformed one changes nothing.
      for (const [key, value] of Object.entries(responses)) {
        const method = task.questionMethod(key);
        const problem = method && answerProblem(method, value);
        if (problem) throw invalidParams(`Invalid params: inputResponses.${key} ${problem}`, { key });
      }
      task.answer(responses as Record<string, unknown>);
      return {};
    },
    'tasks/cancel'(call) {
      const task = taskOf(deps, call);
      if (!isFirstDraft(task)) {
        // Idempotent: cancelling a finished task changes nothing and is acknowledged alike.
        task.cancel('cancelled by the client');
        return {};
      }
      // The first draft answers the task, and refuses to cancel a finished one.
      if (task.terminal) throw invalidParams(`Invalid params: cannot cancel task ${task.id}: it is already ${task.status}`);
      task.cancel('cancelled by the client');
      return firstDraftTask(task, deps.tasks.limits);
    },
  };
}

/**
 * The first draft's `tasks/result` and `tasks/list`, on legacy sessions only. `tasks/result` waits
 * for the end of the task (as long as the request lives) and meanwhile puts the task's questions
 * to the client as real requests on its own stream; it answers the tool's result, or the task's
 * error. `tasks/list` lists the caller's own tasks, and nobody else's.
 */
export function firstDraftTaskMethods(deps: EngineDeps): MethodTable {
  return {
    async 'tasks/result'(call) {
      const task = taskOf(deps, call);
      const { session, channel, lifetime } = call;
      while (!task.terminal && !lifetime.aborted) {
        const open = task.inputRequests;
        if (open && session && channel.canSend) {
          await Promise.all(
            Object.entries(open).map(async ([key, q]) => {
              try {
                const answer = await session.request(q.method, q.params, channel, lifetime.signal, deps.clientRequestTimeoutMs);
                const problem = answerProblem(q.method, answer);
                if (problem) task.refuse(key, new Error(`the client's answer to ${q.method} ${problem}`));
                else task.answer({ [key]: answer });
              } catch (e) {
                task.refuse(key, e as Error);
              }
            }),
          );
          continue;
        }
        let wake!: () => void;
        const ended = new Promise<void>((resolve) => (wake = resolve));
        lifetime.onAbort(wake);
        await Promise.race([task.changed(), ended]);
        lifetime.offAbort(wake);
      }
      if (task.status === 'completed') {
        const result = task.result as Record<string, unknown>;
        return { ...result, _meta: { ...(result._meta as object | undefined), [RELATED_TASK]: { taskId: task.id } } };
      }
      if (task.status === 'failed') throw new McpError(task.error!.code, task.error!.message, task.error!.data);
      throw new ProtocolError(RpcCode.InvalidRequest, `task ${task.id} was cancelled`, { taskId: task.id });
    },
    'tasks/list'(call) {
      const { cursor } = call.params;
      let start = 0;
      if (cursor !== undefined) {
        start = typeof cursor === 'string' && /^\d{1,9}$/.test(cursor) ? Number(cursor) : -1;
        if (start < 0) throw invalidParams('Invalid params: tasks/list "cursor" is not one this server gave');
      }
      const mine = deps.tasks.ownedBy(call.principal.id);
      const page = mine.slice(start, start + PAGE).map((t) => firstDraftTask(t, deps.tasks.limits));
      return { tasks: page, ...(start + PAGE < mine.length ? { nextCursor: String(start + PAGE) } : {}) };
    },
  };
}

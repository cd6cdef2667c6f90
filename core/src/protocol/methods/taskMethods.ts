import type { Task } from '../../tasks/Task.js';
import type { CallScope } from '../CallScope.js';
import { answerProblem } from '../modern/MrtrState.js';
import { invalidParams } from '../ProtocolError.js';
import type { EngineDeps, MethodTable } from './MethodHandler.js';
import { declaresTasks, detailedTask, tasksNotDeclared } from './taskWire.js';

/** Longer ids are not ours (ours are UUIDs): refused before any lookup, and never echoed whole. */
const MAX_TASK_ID = 128;

/**
 * The task a request names, if its caller created it. An id that never existed, has expired or is
 * another principal's gets the same -32602, so ids reveal nothing about other callers' tasks.
 */
function taskOf(deps: EngineDeps, call: CallScope): Task {
  if (!declaresTasks(call)) throw tasksNotDeclared(call.method);
  const id = call.params.taskId;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_TASK_ID) throw invalidParams(`Invalid params: ${call.method} needs "taskId", a string of 1 to ${MAX_TASK_ID} characters`);
  const task = deps.tasks.get(call.principal.id, id);
  if (!task) throw invalidParams(`Invalid params: no task ${JSON.stringify(id)} (unknown, expired, or not yours)`, { taskId: id });
  return task;
}

/**
 * The tasks extension's methods (SEP-2663), in both eras: `tasks/get` (status, and the result,
 * error or open questions inlined), `tasks/update` (answers to the questions) and `tasks/cancel`.
 * `tasks/result` and `tasks/list` of the first draft are gone (-32601), as the SEP says.
 */
export function taskMethods(deps: EngineDeps): MethodTable {
  return {
    'tasks/get': (call) => detailedTask(taskOf(deps, call), deps.tasks.limits),
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
      // Idempotent: cancelling a finished task changes nothing and is acknowledged alike.
      taskOf(deps, call).cancel('cancelled by the client');
      return {};
    },
  };
}

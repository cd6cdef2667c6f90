import { McpError } from '@mcp-host/sdk';
import type { Task } from '../../tasks/Task.js';
import type { TaskLimits } from '../../tasks/TaskStore.js';
import type { CallScope } from '../CallScope.js';
import { MetaKey } from '../modern/modernMeta.js';
import { RpcCode } from '../ProtocolError.js';

/** The tasks extension (SEP-2663): its id in `capabilities.extensions`. */
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

const hasTasks = (capabilities: unknown): boolean => {
  const extensions = (capabilities as { extensions?: unknown } | null | undefined)?.extensions;
  return typeof extensions === 'object' && extensions !== null && (extensions as Record<string, unknown>)[TASKS_EXTENSION] !== undefined;
};

/**
 * Whether the client declared the tasks extension for this request: in its capabilities (the
 * session's in the legacy era, the request's `_meta` in the modern one), or per request in
 * `_meta.io.modelcontextprotocol/clientCapabilities` on a legacy session too (SEP-2575's opt-in).
 */
export function declaresTasks(call: CallScope): boolean {
  if (hasTasks(call.client.capabilities)) return true;
  const meta = call.params._meta as Record<string, unknown> | undefined;
  return call.era === 'legacy' && meta !== undefined && hasTasks(meta[MetaKey.clientCapabilities]);
}

/** The -32021 refusal of a request that needs the tasks extension the client did not declare. */
export const tasksNotDeclared = (what: string) =>
  new McpError(RpcCode.MissingRequiredClientCapability, `${what} needs the ${TASKS_EXTENSION} extension: declare it in the client capabilities (capabilities.extensions)`, {
    requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } },
  });

/** The fields every task message carries (SEP-2663 `Task`): ids, status, ISO timestamps, integer ms. */
export function taskFields(task: Task, limits: TaskLimits): Record<string, unknown> {
  return {
    taskId: task.id,
    status: task.status,
    createdAt: new Date(task.createdAt).toISOString(),
    lastUpdatedAt: new Date(task.lastUpdatedAt).toISOString(),
    ttlMs: limits.ttlMs,
    pollIntervalMs: limits.pollIntervalMs,
  };
}

/** `tasks/get`'s `DetailedTask`: the task, plus its result, error or open questions by status. */
export function detailedTask(task: Task, limits: TaskLimits): Record<string, unknown> {
  const out = taskFields(task, limits);
  if (task.status === 'completed') out.result = task.result;
  else if (task.status === 'failed') out.error = task.error;
  else if (task.status === 'input_required') out.inputRequests = task.inputRequests ?? {};
  return out;
}

/*
 * The first draft of tasks (the 2025-11-25 specification's experimental `tasks`, which the SDK 1.x
 * and 2.x clients speak on sessions): a client asks for a task with `params.task` on `tools/call`,
 * gets `{ task }`, polls `tasks/get`, reads the result with `tasks/result` (which also carries the
 * task's questions to the client as real requests), lists with `tasks/list`. Served on legacy
 * sessions that did not declare the extension; the same store, owners and limits.
 */

/** What a legacy `initialize` declares of the first draft. */
export const FIRST_DRAFT_CAPABILITY = Object.freeze({ list: {}, cancel: {}, requests: { tools: { call: {} } } });

const FIRST_DRAFT = new WeakSet<Task>();

/** Marks a task as created through the first draft (it is answered in that draft's shapes). */
export const markFirstDraft = (task: Task) => void FIRST_DRAFT.add(task);
export const isFirstDraft = (task: Task) => FIRST_DRAFT.has(task);

/** A legacy request for a first-draft task: `params.task` is an object and the session did not declare the extension. */
export function wantsFirstDraftTask(call: CallScope): boolean {
  const t = call.params.task;
  return call.era === 'legacy' && typeof t === 'object' && t !== null && !Array.isArray(t) && !declaresTasks(call);
}

/** The first draft's `Task`: `ttl` and `pollInterval` (ms), no `resultType`. */
export function firstDraftTask(task: Task, limits: TaskLimits): Record<string, unknown> {
  return {
    taskId: task.id,
    status: task.status,
    createdAt: new Date(task.createdAt).toISOString(),
    lastUpdatedAt: new Date(task.lastUpdatedAt).toISOString(),
    ttl: limits.ttlMs,
    pollInterval: limits.pollIntervalMs,
  };
}

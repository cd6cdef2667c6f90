import { McpError, ToolError } from '@mcp-host/sdk';
import type { ToolBinding } from '../../catalog/bindings.js';
import type { CallScope } from '../CallScope.js';
import { createRequestContext } from '../createRequestContext.js';
import { InputRequiredSignal } from '../modern/MrtrState.js';
import { invalidParams } from '../ProtocolError.js';
import { exceedsJsonLimits } from '../../calls/jsonLimits.js';
import type { ResultMasker } from '../ports/SecurityPorts.js';
import { OutputSchemaError, toolResult } from '../normalizeResults.js';
import type { EngineDeps, MethodTable } from './MethodHandler.js';
import { startTask } from './startTask.js';
import { declaresTasks, tasksNotDeclared, wantsFirstDraftTask } from './taskWire.js';

/** A tool error result; its text is masked like any result the caller gets (it may quote plugin data). */
const errorResult = (text: string, masker?: ResultMasker) => ({ content: [{ type: 'text', text: masker ? masker.text(text, false) : text }], isError: true });

/**
 * A ToolError's result: its message, and the structured content and data it carries (masked like
 * the rest of the result), the data under `_meta['mcp-host/error']`.
 */
function toolErrorResult(e: ToolError, masker?: ResultMasker): Record<string, unknown> {
  const result: Record<string, unknown> = errorResult(e.message, masker);
  if (e.structuredContent !== undefined) result.structuredContent = masker ? masker.value(e.structuredContent) : e.structuredContent;
  if (e.data !== undefined) result._meta = { 'mcp-host/error': masker ? masker.value(e.data) : e.data };
  return result;
}

/** tools/list and tools/call (synchronously, or as a task for tools that run as tasks and clients of the tasks extension). */
export function toolMethods(deps: EngineDeps): MethodTable {
  /** Runs the handler: its result checked, normalized and masked; its failures as tool errors, protocol errors masked. */
  async function run(call: CallScope, binding: ToolBinding, args: unknown, masker: ResultMasker | undefined): Promise<unknown> {
    const name = binding.name;
    try {
      const value = await binding.invoke(args, createRequestContext(call, binding, deps, masker));
      const over = exceedsJsonLimits(value, deps.limits);
      if (over) throw new OutputSchemaError(`tool "${name}" returned a result over a limit: ${over}`);
      const result = toolResult(value, binding);
      return masker ? masker.result(result) : result;
    } catch (e) {
      if (e instanceof InputRequiredSignal) throw e;
      if (e instanceof McpError) throw masker ? masker.error(e) : e;
      if (e instanceof ToolError) return toolErrorResult(e, masker);
      if (call.lifetime.aborted) throw e;
      const err = e as Error;
      binding.logger.error({ err, tool: name }, e instanceof OutputSchemaError ? 'tool broke its output contract' : 'tool handler threw');
      return errorResult(e instanceof OutputSchemaError ? err.message : `Tool ${name} failed: ${err?.message ?? String(e)}`, masker);
    }
  }

  return {
    'tools/list': ({ params, era, principal }) => deps.lists.page(deps.catalog(), 'tools', params.cursor, era, principal),
    async 'tools/call'(call) {
      const { name, arguments: rawArgs } = call.params;
      if (typeof name !== 'string') throw invalidParams('tools/call: "name" must be a string');
      const catalog = deps.catalog();
      const binding = deps.policy.admit(call, catalog, catalog.tools.get(name), () => `tool "${name}"`);
      if (!binding) throw invalidParams(`Unknown tool: ${name}`, { name });
      // SEP-2663: the server decides; a tool that runs as a task does so for every client that declared the extension.
      const task = binding.declared?.task;
      // A 2025-11-25 client may ask for a task itself (`params.task`, the first draft); elsewhere `task` is ignored.
      const firstDraft = task !== undefined && wantsFirstDraftTask(call);
      const asTask = task !== undefined && (firstDraft || declaresTasks(call));
      if (task?.support === 'required' && !asTask) throw tasksNotDeclared(`tool "${name}"`);
      if (rawArgs !== undefined && (typeof rawArgs !== 'object' || rawArgs === null || Array.isArray(rawArgs))) {
        return errorResult(`Invalid arguments for tool ${name}: "arguments" must be an object`);
      }
      // Argument errors are tool errors (SEP-1303): the model reads them and can correct its call.
      const checked = binding.input.validate(rawArgs ?? {});
      if (!checked.ok) return errorResult(`Invalid arguments for tool ${name}: ${checked.message}`);
      // Everything the caller sees of this call is masked alike: the result, progress, logs, questions and errors.
      const masker = deps.policy.masker(call.principal, binding);
      if (asTask) return startTask(deps, call, binding, checked.value, masker, task, run, firstDraft);
      const entered = deps.policy.enter(call, name);
      const release = typeof entered === 'function' ? entered : await entered;
      try {
        return await run(call, binding, checked.value, masker);
      } finally {
        release();
      }
    },
  };
}

import { z } from 'zod';
import { McpError, Tool, ToolError, injectable, text, type ElicitRequestFormParams, type ToolContext } from '@mcp-host/sdk';
import { sleep } from './fixtures.js';

/*
 * The `tasks-*` fixtures of conformance 0.2.0-alpha.12 (SEP-2663, the io.modelcontextprotocol/tasks
 * extension). A tool that runs as a task is an ordinary handler with `task` set: the host creates
 * the task, runs the handler with the task's lifetime (so `tasks/cancel` aborts `ctx.signal`),
 * parks it in `input_required` while a question waits for `tasks/update`, and keeps its result.
 */

const CONFIRM: ElicitRequestFormParams['requestedSchema'] = { type: 'object', properties: { confirm: { type: 'boolean' } }, required: ['confirm'] };
const NAME: ElicitRequestFormParams['requestedSchema'] = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };

const nameOf = (answer: { action: string; content?: Record<string, unknown> }) => (answer.action === 'accept' && typeof answer.content?.name === 'string' ? answer.content.name : 'unknown');

@injectable()
export class TaskFixtures {
  @Tool({ description: 'Greets someone (synchronous; never a task)', input: z.object({ name: z.string() }) })
  greet({ name }: { name: string }) {
    return `Hello, ${name}!`;
  }

  @Tool({
    description: 'Sleeps for `seconds`, then answers (runs as a task for clients of the tasks extension)',
    input: z.object({ seconds: z.number().min(0).max(600), label: z.string().optional() }),
    task: 'optional',
  })
  async slow_compute({ seconds, label }: { seconds: number; label?: string }, ctx: ToolContext) {
    // A cancelled task's signal aborts the sleep, so the task settles as cancelled at once.
    await sleep(seconds * 1000, ctx.signal);
    return `Computed ${label ?? 'result'} after ${seconds}s`;
  }

  @Tool({ description: 'Fails as a tool after about a second (a completed task whose result has isError)', task: 'required' })
  async failing_job(_args: unknown, ctx: ToolContext) {
    await sleep(1000, ctx.signal);
    throw new ToolError('Tool execution failed');
  }

  @Tool({ description: 'Fails with a protocol error (a failed task with an error)', task: 'optional' })
  async protocol_error_job() {
    throw new McpError(-32603, 'Protocol task failed');
  }

  @Tool({ description: 'Asks for confirmation before deleting a file (parks the task in input_required)', input: z.object({ filename: z.string() }), task: 'optional' })
  async confirm_delete({ filename }: { filename: string }, ctx: ToolContext) {
    const answer = await ctx.elicit({ message: `Delete ${filename}?`, requestedSchema: CONFIRM }, { key: 'confirm' });
    return answer.action === 'accept' && answer.content?.confirm === true ? `Deleted ${filename}` : `Kept ${filename}`;
  }

  @Tool({ description: 'Asks two questions at once (two open inputRequests)', task: 'optional' })
  async multi_input(_args: unknown, ctx: ToolContext) {
    const [first, second] = await Promise.all([
      ctx.elicit({ message: 'First name?', requestedSchema: NAME }, { key: 'first' }),
      ctx.elicit({ message: 'Second name?', requestedSchema: NAME }, { key: 'second' }),
    ]);
    return `Got ${nameOf(first)} and ${nameOf(second)}`;
  }

  /*
   * Input first, then the task (tasks-mrtr-composition): the question is asked in the request
   * (input_required) and the retry that carries the answer becomes the task.
   */
  @Tool({ description: 'Asks a name in the request, then completes as a task', task: { support: 'required', inputFirstMs: 5000 } })
  async test_tool_with_task(_args: unknown, ctx: ToolContext) {
    const answer = await ctx.elicit({ message: 'What is your name?', requestedSchema: NAME }, { key: 'user_name' });
    return text(`Hello, ${nameOf(answer)}!`);
  }
}

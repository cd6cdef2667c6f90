import {
  NOTIFICATIONS,
  Tool,
  inject,
  injectable,
  text,
  type CallToolResult,
  type HostNotifications,
  type ToolContext,
} from '@mcp-host/sdk';

/** Reply of the two list-change triggers. */
const MUTATION_TRIGGERED = 'Mutation triggered';

/**
 * The diagnostic tools of the 2026-07-28 `server-stateless` scenario (conformance 0.2.0-alpha.12).
 * Rejections of `ctx.sample` / `ctx.elicit` are not caught: the host turns a missing client
 * capability into -32021 (HTTP 400) and a pending question into `input_required`.
 */
@injectable()
export class DiagnosticFixtures {
  constructor(@inject(NOTIFICATIONS) private readonly notifications: HostNotifications) {}

  /**
   * `sep-2575-server-rejects-undeclared-capability`: a client without sampling gets -32021 with
   * `data.requiredCapabilities.sampling`; one with sampling gets "Success" without being asked.
   */
  @Tool({
    name: 'test_missing_capability',
    description: 'Diagnostic: requires the sampling client capability; rejects with -32021 when it is not declared',
  })
  async missingCapability(_args: Record<string, never>, ctx: ToolContext): Promise<CallToolResult> {
    if (!ctx.client.capabilities.sampling) {
      // Rejects with -32021 (requiredCapabilities: sampling) before anything is asked.
      await ctx.sample(
        { messages: [{ role: 'user', content: { type: 'text', text: 'Capability check' } }], maxTokens: 10 },
        { key: 'sampling_check' },
      );
    }
    return { content: [text('Success')] };
  }

  /**
   * `sep-2575-http-server-no-independent-requests-on-stream`: the question goes out as an
   * `input_required` result (key `confirm`), never as a JSON-RPC request on the stream.
   */
  @Tool({
    name: 'test_streaming_elicitation',
    description: 'Diagnostic: asks for a confirmation through elicitation (key confirm) without sending requests on the stream',
  })
  async streamingElicitation(_args: Record<string, never>, ctx: ToolContext): Promise<CallToolResult> {
    await ctx.elicit(
      {
        message: 'Please confirm',
        requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
      },
      { key: 'confirm' },
    );
    return { content: [text('Streaming complete')] };
  }

  /**
   * `sep-2575-server-no-log-without-loglevel`: logs one `info` message (the host drops it unless
   * the request set a log level), then answers.
   */
  @Tool({
    name: 'test_logging_tool',
    description: 'Diagnostic: emits one info log message (logger test_logging_tool), sent only when the request sets a log level',
  })
  async loggingTool(_args: Record<string, never>, ctx: ToolContext): Promise<CallToolResult> {
    await ctx.log('info', 'Logging tool executed', 'test_logging_tool');
    return { content: [text('Logging evaluated')] };
  }

  /** `sep-2575-server-tags-subscription-id` and friends: announces a tools list change (the list itself stays the same). */
  @Tool({
    name: 'test_trigger_tool_change',
    description: 'Diagnostic: sends notifications/tools/list_changed to listening clients (the tool list does not change)',
  })
  triggerToolChange(): CallToolResult {
    this.notifications.listChanged('tools');
    return { content: [text(MUTATION_TRIGGERED)] };
  }

  /** `sep-2575-server-sends-prompts-list-changed-on-subscription`: announces a prompts list change. */
  @Tool({
    name: 'test_trigger_prompt_change',
    description: 'Diagnostic: sends notifications/prompts/list_changed to listening clients (the prompt list does not change)',
  })
  triggerPromptChange(): CallToolResult {
    this.notifications.listChanged('prompts');
    return { content: [text(MUTATION_TRIGGERED)] };
  }

  /**
   * `http-custom-header-server-validation` (SEP-2243): arguments mirrored as `Mcp-Param-*` headers,
   * which the host checks against the body. `float_val` is a number, which may not be mirrored.
   */
  @Tool({
    name: 'test_custom_headers',
    description: 'Diagnostic: echoes arguments that clients mirror as Mcp-Param-* headers (x-mcp-header)',
    input: {
      type: 'object',
      properties: {
        region: { type: 'string', description: 'mirrored as Mcp-Param-Region', 'x-mcp-header': 'Region' },
        priority: { type: 'integer', description: 'mirrored as Mcp-Param-Priority', 'x-mcp-header': 'Priority' },
        verbose: { type: 'boolean', description: 'mirrored as Mcp-Param-Verbose', 'x-mcp-header': 'Verbose' },
        float_val: { type: 'number', description: 'not mirrored (numbers may not be)' },
      },
      required: ['region'],
    },
  })
  customHeaders(args: Record<string, unknown>): CallToolResult {
    return { content: [text(`Headers validated: ${JSON.stringify(args)}`)] };
  }
}

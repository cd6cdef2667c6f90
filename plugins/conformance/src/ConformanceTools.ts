import { z } from 'zod';
import {
  Tool,
  ToolError,
  audio,
  embeddedText,
  image,
  injectable,
  text,
  type CallToolResult,
  type ElicitRequestFormParams,
  type ToolContext,
} from '@mcp-host/sdk';
import {
  JSON_SCHEMA_2020_12_INPUT_SCHEMA,
  TEST_AUDIO_BASE64,
  TEST_IMAGE_BASE64,
  TEXTS,
  errorMessage,
  samplingText,
  sleep,
} from './fixtures.js';

/** `test_elicitation`: the form the `tools-call-elicitation` scenario describes. */
const USER_INFO_SCHEMA: ElicitRequestFormParams['requestedSchema'] = {
  type: 'object',
  properties: {
    username: { type: 'string', description: "User's response" },
    email: { type: 'string', description: "User's email address" },
  },
  required: ['username', 'email'],
};

/** SEP-1034: a default for every primitive type. */
const DEFAULTS_SCHEMA: ElicitRequestFormParams['requestedSchema'] = {
  type: 'object',
  properties: {
    name: { type: 'string', description: 'User name', default: 'John Doe' },
    age: { type: 'integer', description: 'User age', default: 30 },
    score: { type: 'number', description: 'User score', default: 95.5 },
    status: { type: 'string', description: 'User status', enum: ['active', 'inactive', 'pending'], default: 'active' },
    verified: { type: 'boolean', description: 'Verification status', default: true },
  },
  required: [],
};

/** SEP-1330: the five enum variants. */
const ENUMS_SCHEMA: ElicitRequestFormParams['requestedSchema'] = {
  type: 'object',
  properties: {
    // Untitled single-select.
    untitledSingle: { type: 'string', description: 'Select one option', enum: ['option1', 'option2', 'option3'] },
    // Titled single-select (oneOf of const/title).
    titledSingle: {
      type: 'string',
      description: 'Select one option with titles',
      oneOf: [
        { const: 'value1', title: 'First Option' },
        { const: 'value2', title: 'Second Option' },
        { const: 'value3', title: 'Third Option' },
      ],
    },
    // Legacy titled enum (deprecated enumNames).
    legacyEnum: {
      type: 'string',
      description: 'Select one option (legacy)',
      enum: ['opt1', 'opt2', 'opt3'],
      enumNames: ['Option One', 'Option Two', 'Option Three'],
    },
    // Untitled multi-select.
    untitledMulti: {
      type: 'array',
      description: 'Select multiple options',
      minItems: 1,
      maxItems: 3,
      items: { type: 'string', enum: ['option1', 'option2', 'option3'] },
    },
    // Titled multi-select (items.anyOf of const/title).
    titledMulti: {
      type: 'array',
      description: 'Select multiple options with titles',
      minItems: 1,
      maxItems: 3,
      items: {
        anyOf: [
          { const: 'value1', title: 'First Choice' },
          { const: 'value2', title: 'Second Choice' },
          { const: 'value3', title: 'Third Choice' },
        ],
      },
    },
  },
  required: [],
};

/** The tool fixtures of conformance 0.1.16 (`tools-*`, `elicitation-*`, `json-schema-2020-12`, `server-sse-polling`). */
@injectable()
export class ConformanceTools {
  /** `tools-call-simple-text`. Called with no `arguments` at all. */
  @Tool({ name: 'test_simple_text', description: 'Tests simple text content response' })
  simpleText(): CallToolResult {
    return { content: [text(TEXTS.simpleText)] };
  }

  /** `tools-call-image`. */
  @Tool({ name: 'test_image_content', description: 'Tests image content response' })
  imageContent(): CallToolResult {
    return { content: [image(TEST_IMAGE_BASE64, 'image/png')] };
  }

  /** `tools-call-audio` (checks mimeType `audio/wav` exactly). */
  @Tool({ name: 'test_audio_content', description: 'Tests audio content response' })
  audioContent(): CallToolResult {
    return { content: [audio(TEST_AUDIO_BASE64, 'audio/wav')] };
  }

  /** `tools-call-embedded-resource`. */
  @Tool({ name: 'test_embedded_resource', description: 'Tests embedded resource content response' })
  embeddedResource(): CallToolResult {
    return { content: [embeddedText('test://embedded-resource', TEXTS.embeddedResource, 'text/plain')] };
  }

  /** `tools-call-mixed-content`: text, image and resource in one result. */
  @Tool({ name: 'test_multiple_content_types', description: 'Tests response with multiple content types (text, image, resource)' })
  multipleContentTypes(): CallToolResult {
    return {
      content: [
        text(TEXTS.multipleContent),
        image(TEST_IMAGE_BASE64, 'image/png'),
        embeddedText('test://mixed-content-resource', JSON.stringify({ test: 'data', value: 123 }), 'application/json'),
      ],
    };
  }

  /** `tools-call-with-logging`: three info logs, ~50 ms apart, before the result. */
  @Tool({ name: 'test_tool_with_logging', description: 'Tests tool that emits log messages during execution' })
  async withLogging(_args: Record<string, never>, ctx: ToolContext): Promise<CallToolResult> {
    await ctx.log('info', TEXTS.logStarted);
    await sleep(50, ctx.signal);
    await ctx.log('info', TEXTS.logProcessing);
    await sleep(50, ctx.signal);
    await ctx.log('info', TEXTS.logCompleted);
    return { content: [text('Tool with logging executed successfully')] };
  }

  /** `tools-call-with-progress`: progress 0, 50, 100 of 100, ~50 ms apart, before the result. */
  @Tool({ name: 'test_tool_with_progress', description: 'Tests tool that reports progress notifications' })
  async withProgress(_args: Record<string, never>, ctx: ToolContext): Promise<CallToolResult> {
    for (const step of [0, 50, 100]) {
      if (step > 0) await sleep(50, ctx.signal);
      await ctx.progress(step, 100, `Completed step ${step} of 100`);
    }
    return { content: [text('Progress test completed: reported 0, 50 and 100 of 100')] };
  }

  /** `tools-call-error`: a tool that fails; the result has `isError: true` and this text. */
  @Tool({ name: 'test_error_handling', description: 'Tests error response handling' })
  errorHandling(): never {
    throw new ToolError(TEXTS.toolError);
  }

  /**
   * `server-sse-polling` (pending in 0.1.16): closes the POST's SSE stream right away (it starts with
   * the priming event) and answers after the client has had time to come back with a GET and
   * Last-Event-ID, so the result reaches it through the event store, live on the resumed stream.
   */
  @Tool({
    name: 'test_reconnection',
    description:
      'Tests SSE stream disconnection and client reconnection (SEP-1699). Server will close the stream mid-call and send the result after client reconnects.',
  })
  async reconnection(_args: Record<string, never>, ctx: ToolContext): Promise<CallToolResult> {
    ctx.closeSseStream();
    await sleep(500, ctx.signal);
    return {
      content: [
        text('Reconnection test completed successfully. If you received this, the client properly reconnected after stream closure.'),
      ],
    };
  }

  /** `tools-call-sampling`: `sampling/createMessage` with the prompt and maxTokens 100. */
  @Tool({
    name: 'test_sampling',
    description: 'Tests server-initiated sampling (LLM completion request)',
    input: z.object({ prompt: z.string().describe('The prompt to send to the LLM') }),
  })
  async sampling({ prompt }: { prompt: string }, ctx: ToolContext): Promise<CallToolResult> {
    try {
      const result = await ctx.sample({
        messages: [{ role: 'user', content: { type: 'text', text: prompt } }],
        maxTokens: 100,
      });
      return { content: [text(`LLM response: ${samplingText(result)}`)] };
    } catch (error) {
      return { isError: true, content: [text(`Sampling not supported or error: ${errorMessage(error)}`)] };
    }
  }

  /** `tools-call-elicitation`: `elicitation/create` with the message and a {username, email} form. */
  @Tool({
    name: 'test_elicitation',
    description: 'Tests server-initiated elicitation (user input request)',
    input: z.object({ message: z.string().describe('The message to show the user') }),
  })
  async elicitation({ message }: { message: string }, ctx: ToolContext): Promise<CallToolResult> {
    try {
      const result = await ctx.elicit({ message, requestedSchema: USER_INFO_SCHEMA });
      return { content: [text(`User response: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`)] };
    } catch (error) {
      return { isError: true, content: [text(`Elicitation not supported or error: ${errorMessage(error)}`)] };
    }
  }

  /** `elicitation-sep1034-defaults`. */
  @Tool({ name: 'test_elicitation_sep1034_defaults', description: 'Tests elicitation with default values per SEP-1034' })
  async elicitationDefaults(_args: Record<string, never>, ctx: ToolContext): Promise<CallToolResult> {
    return this.elicitForm(ctx, 'Please review and update the form fields with defaults', DEFAULTS_SCHEMA);
  }

  /** `elicitation-sep1330-enums`. */
  @Tool({ name: 'test_elicitation_sep1330_enums', description: 'Tests elicitation with enum schema improvements per SEP-1330' })
  async elicitationEnums(_args: Record<string, never>, ctx: ToolContext): Promise<CallToolResult> {
    return this.elicitForm(ctx, 'Please select options from the enum fields', ENUMS_SCHEMA);
  }

  /** `json-schema-2020-12` (pending in 0.1.16): the input schema is published verbatim. */
  @Tool({
    name: 'json_schema_2020_12_tool',
    description: 'Tool with JSON Schema 2020-12 features for conformance testing (SEP-1613)',
    input: JSON_SCHEMA_2020_12_INPUT_SCHEMA,
  })
  jsonSchema202012(args: { name?: string; address?: { street?: string; city?: string } }): CallToolResult {
    return { content: [text(`JSON Schema 2020-12 tool called with: ${JSON.stringify(args)}`)] };
  }

  private async elicitForm(
    ctx: ToolContext,
    message: string,
    requestedSchema: ElicitRequestFormParams['requestedSchema'],
  ): Promise<CallToolResult> {
    try {
      const result = await ctx.elicit({ message, requestedSchema });
      return { content: [text(`Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`)] };
    } catch (error) {
      return { isError: true, content: [text(`Elicitation not supported or error: ${errorMessage(error)}`)] };
    }
  }
}

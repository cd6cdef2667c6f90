import {
  Prompt,
  Tool,
  injectable,
  text,
  type CallToolResult,
  type CreateMessageRequestParams,
  type ElicitRequestFormParams,
  type ElicitResult,
  type PromptMessage,
  type RequestContext,
  type ToolContext,
} from '@mcp-host/sdk';
import { samplingText } from './fixtures.js';

/*
 * The 2026-07-28 `input-required-result-*` fixtures (conformance 0.2.0-alpha.12).
 *
 * Each handler asks through `ctx.elicit` / `ctx.sample` / `ctx.listRoots` with a fixed `key`. On a
 * 2026-07-28 request the host answers a question from the round's `inputResponses` or from the
 * sealed `requestState`, or records it as pending and replies `input_required`, then runs the
 * handler again on the retry. The host also seals, verifies (tampering → -32602) and carries the
 * `requestState`, validates the shape of `inputResponses`, and rejects with -32021 when the client
 * did not declare the capability a question needs. So these handlers never catch those rejections:
 * they must reach the host.
 */

/** An elicitation form with one required field of the given type. */
function form(message: string, property: string, type: 'string' | 'boolean'): ElicitRequestFormParams {
  const schema = type === 'string' ? { type: 'string' as const } : { type: 'boolean' as const };
  return {
    message,
    requestedSchema: { type: 'object', properties: { [property]: schema }, required: [property] },
  };
}

/** A one-message sampling request. */
function samplingRequest(prompt: string, maxTokens: number): CreateMessageRequestParams {
  return { messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens };
}

/** The accepted string value of `field`, or undefined (declined, cancelled, missing or not a string). */
function acceptedString(result: ElicitResult, field: string): string | undefined {
  const value = result.action === 'accept' ? result.content?.[field] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** A short account of an elicitation answer that did not carry the expected field. */
function describeAnswer(result: ElicitResult): string {
  return `action=${result.action}, content=${JSON.stringify(result.content ?? {})}`;
}

/** `user_name` (basic-elicitation, multiple-input-requests). */
const ASK_NAME = form('What is your name?', 'name', 'string');
/** `confirm` (request-state, tampered-state). */
const ASK_CONFIRM = form('Please confirm', 'ok', 'boolean');
/** `capital_question` (basic-sampling). */
const ASK_CAPITAL = samplingRequest('What is the capital of France?', 100);
/** `greeting` (multiple-input-requests). */
const ASK_GREETING = samplingRequest('Generate a greeting', 50);
/** `step1` / `step2` (multi-round). */
const ASK_STEP1 = form('Step 1: What is your name?', 'name', 'string');
const ASK_STEP2 = form('Step 2: What is your favorite color?', 'color', 'string');
/** `elicit_input` / `sample_input` (capability-check). */
const ASK_INPUT = form('Please provide input', 'input', 'string');
const ASK_SAMPLE = samplingRequest('Sample request', 50);
/** `user_context` (non-tool-request). */
const ASK_CONTEXT = form('What context should the prompt use?', 'context', 'string');

/** The tools and the prompt of the `input-required-result-*` scenarios (2026-07-28 MRTR). */
@injectable()
export class InputRequiredFixtures {
  /** basic-elicitation, missing-input-response, result-type, ignore-extra-params, validate-input: key `user_name`. */
  @Tool({
    name: 'test_input_required_result_elicitation',
    description: 'Tests input_required results: asks for the user name through elicitation (key user_name)',
  })
  async elicitation(_args: Record<string, never>, ctx: ToolContext): Promise<CallToolResult> {
    const answer = await ctx.elicit(ASK_NAME, { key: 'user_name' });
    const name = acceptedString(answer, 'name');
    return { content: [text(name !== undefined ? `Hello, ${name}!` : `No name given: ${describeAnswer(answer)}`)] };
  }

  /** basic-sampling: key `capital_question`. */
  @Tool({
    name: 'test_input_required_result_sampling',
    description: 'Tests input_required results: asks the client model a question through sampling (key capital_question)',
  })
  async sampling(_args: Record<string, never>, ctx: ToolContext): Promise<CallToolResult> {
    const answer = await ctx.sample(ASK_CAPITAL, { key: 'capital_question' });
    return { content: [text(`Sampling result: ${samplingText(answer)}`)] };
  }

  /** basic-list-roots: key `client_roots`. */
  @Tool({
    name: 'test_input_required_result_list_roots',
    description: 'Tests input_required results: asks the client for its roots (key client_roots)',
  })
  async listRoots(_args: Record<string, never>, ctx: ToolContext): Promise<CallToolResult> {
    const { roots } = await ctx.listRoots({ key: 'client_roots' });
    return { content: [text(`Found ${roots.length} root(s)`)] };
  }

  /** request-state: key `confirm`; the retry carries the host-sealed requestState. */
  @Tool({
    name: 'test_input_required_result_request_state',
    description: 'Tests input_required results with requestState: asks for a confirmation (key confirm)',
  })
  async requestState(_args: Record<string, never>, ctx: ToolContext): Promise<CallToolResult> {
    const answer = await ctx.elicit(ASK_CONFIRM, { key: 'confirm' });
    const confirmed = answer.action === 'accept' && answer.content?.ok === true;
    return { content: [text(confirmed ? 'state-ok: requestState validated' : `Not confirmed: ${describeAnswer(answer)}`)] };
  }

  /** multiple-input-requests: `user_name`, `greeting` and `client_roots` asked in one round; missing ones are asked again. */
  @Tool({
    name: 'test_input_required_result_multiple_inputs',
    description: 'Tests input_required results with several input requests at once (keys user_name, greeting, client_roots)',
  })
  async multipleInputs(_args: Record<string, never>, ctx: ToolContext): Promise<CallToolResult> {
    const [nameAnswer, greeting, { roots }] = await Promise.all([
      ctx.elicit(ASK_NAME, { key: 'user_name' }),
      ctx.sample(ASK_GREETING, { key: 'greeting' }),
      ctx.listRoots({ key: 'client_roots' }),
    ]);
    const name = acceptedString(nameAnswer, 'name') ?? '(no name)';
    return {
      content: [text(`All inputs received: name=${name}, greeting=${samplingText(greeting)}, roots=${roots.length}`)],
    };
  }

  /** multi-round: `step1` (name), then `step2` (color) in a second round; step 1's answer travels in the requestState. */
  @Tool({
    name: 'test_input_required_result_multi_round',
    description: 'Tests input_required results over several rounds (key step1, then step2)',
  })
  async multiRound(_args: Record<string, never>, ctx: ToolContext): Promise<CallToolResult> {
    const step1 = await ctx.elicit(ASK_STEP1, { key: 'step1' });
    const step2 = await ctx.elicit(ASK_STEP2, { key: 'step2' });
    const name = acceptedString(step1, 'name') ?? '(no name)';
    const color = acceptedString(step2, 'color') ?? '(no color)';
    return { content: [text(`Multi-round complete for ${name} who likes ${color}`)] };
  }

  /** tampered-state: key `confirm`; the host rejects a tampered requestState with -32602 before this runs again. */
  @Tool({
    name: 'test_input_required_result_tampered_state',
    description: 'Tests requestState integrity: asks for a confirmation (key confirm); a tampered requestState is rejected',
  })
  async tamperedState(_args: Record<string, never>, ctx: ToolContext): Promise<CallToolResult> {
    const answer = await ctx.elicit(ASK_CONFIRM, { key: 'confirm' });
    const confirmed = answer.action === 'accept' && answer.content?.ok === true;
    return { content: [text(confirmed ? 'integrity-ok: state verified' : `Not confirmed: ${describeAnswer(answer)}`)] };
  }

  /** capability-check: asks only through the capabilities this request declared (`elicit_input`, `sample_input`, `client_roots`). */
  @Tool({
    name: 'test_input_required_result_capabilities',
    description: 'Tests input_required results that respect client capabilities: asks only through the declared ones',
  })
  async capabilities(_args: Record<string, never>, ctx: ToolContext): Promise<CallToolResult> {
    const declared = ctx.client.capabilities;
    const questions: Promise<string>[] = [];
    if (declared.elicitation) {
      questions.push(ctx.elicit(ASK_INPUT, { key: 'elicit_input' }).then((answer) => `elicitation: ${describeAnswer(answer)}`));
    }
    if (declared.sampling) {
      questions.push(ctx.sample(ASK_SAMPLE, { key: 'sample_input' }).then((answer) => `sampling: ${samplingText(answer)}`));
    }
    if (declared.roots) {
      questions.push(ctx.listRoots({ key: 'client_roots' }).then(({ roots }) => `roots: ${roots.length} root(s)`));
    }
    if (questions.length === 0) return { content: [text('No supported capabilities declared')] };
    const answers = await Promise.all(questions);
    return { content: [text(`Capability inputs received: ${answers.join('; ')}`)] };
  }

  /** non-tool-request: an input_required answer to `prompts/get`; key `user_context`. */
  @Prompt({
    name: 'test_input_required_result_prompt',
    title: 'Input Required Prompt',
    description: 'Tests input_required results on prompts/get: asks for the context to use (key user_context)',
  })
  async prompt(_args: Record<string, string>, ctx: RequestContext): Promise<PromptMessage[]> {
    const answer = await ctx.elicit(ASK_CONTEXT, { key: 'user_context' });
    const context = acceptedString(answer, 'context') ?? '(no context)';
    return [{ role: 'user', content: { type: 'text', text: `Prompt with context: ${context}` } }];
  }
}

import { Prompt, injectable, type PromptMessage } from '@mcp-host/sdk';
import { TEST_IMAGE_BASE64, TEXTS } from './fixtures.js';

/** Suggestions offered for `test_prompt_with_arguments`'s `arg1` (the example of the `completion-complete` scenario). */
const ARG1_SUGGESTIONS = ['paris', 'park', 'party'];

/** The prompt fixtures of conformance 0.1.16 (`prompts-*`, `completion-complete`). */
@injectable()
export class ConformancePrompts {
  /** `prompts-get-simple`. */
  @Prompt({ name: 'test_simple_prompt', title: 'Simple Test Prompt', description: 'A simple prompt without arguments' })
  simplePrompt(): PromptMessage[] {
    return [{ role: 'user', content: { type: 'text', text: TEXTS.simplePrompt } }];
  }

  /** `prompts-get-with-args`; `completion-complete` completes its `arg1`. */
  @Prompt({
    name: 'test_prompt_with_arguments',
    title: 'Prompt With Arguments',
    description: 'A prompt with required arguments',
    arguments: [
      { name: 'arg1', description: 'First test argument', required: true },
      { name: 'arg2', description: 'Second test argument', required: true },
    ],
    complete: { arg1: 'completeArg1' },
  })
  promptWithArguments({ arg1, arg2 }: Record<string, string>): PromptMessage[] {
    return [{ role: 'user', content: { type: 'text', text: `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'` } }];
  }

  /** Completer of `arg1` (the scenario sends `test`; any `values` array, even empty, passes). */
  completeArg1(value: string): string[] {
    const typed = value.toLowerCase();
    return ARG1_SUGGESTIONS.filter((suggestion) => suggestion.startsWith(typed));
  }

  /** `prompts-get-embedded-resource` (called with `resourceUri: test://example-resource`). */
  @Prompt({
    name: 'test_prompt_with_embedded_resource',
    title: 'Prompt With Embedded Resource',
    description: 'A prompt that includes an embedded resource',
    arguments: [{ name: 'resourceUri', description: 'URI of the resource to embed', required: true }],
  })
  promptWithEmbeddedResource({ resourceUri }: Record<string, string>): PromptMessage[] {
    return [
      { role: 'user', content: { type: 'resource', resource: { uri: resourceUri, mimeType: 'text/plain', text: TEXTS.promptEmbeddedResource } } },
      { role: 'user', content: { type: 'text', text: TEXTS.promptEmbeddedResourceAsk } },
    ];
  }

  /** `prompts-get-with-image`. */
  @Prompt({ name: 'test_prompt_with_image', title: 'Prompt With Image', description: 'A prompt that includes image content' })
  promptWithImage(): PromptMessage[] {
    return [
      { role: 'user', content: { type: 'image', data: TEST_IMAGE_BASE64, mimeType: 'image/png' } },
      { role: 'user', content: { type: 'text', text: TEXTS.promptImageAsk } },
    ];
  }
}

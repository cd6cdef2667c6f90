import { z } from 'zod';
import { Prompt, Resource, Tool, injectable, type PromptMessage, type TextResourceContents, type ToolArgs, type ToolContext } from '@mcp-host/sdk';

const GreetInput = z.object({
  name: z.string().min(1).describe('Who to greet'),
});

/**
 * One tool, one resource and one prompt. `@injectable()` lets the host's container build the class
 * (constructor parameters typed with a class are injected; tokens need `@inject(TOKEN)`).
 */
@injectable()
export class GreetingTools {
  @Tool({
    name: 'greet',
    description: 'Greets someone by name.',
    input: GreetInput,
    annotations: { readOnlyHint: true, openWorldHint: false },
  })
  async greet({ name }: ToolArgs<typeof GreetInput>, ctx: ToolContext): Promise<string> {
    // Sent to the client as notifications/message (filtered by the level it set).
    await ctx.log('info', `greeting ${name}`);
    return `Hello, ${name}!`;
  }

  @Resource({
    uri: 'docs://{{id}}/about',
    name: 'about',
    description: 'What this plugin does.',
    mimeType: 'text/plain',
  })
  about(uri: string): TextResourceContents {
    return { uri, mimeType: 'text/plain', text: 'The {{id}} plugin greets people.' };
  }

  @Prompt({
    name: 'welcome',
    description: 'Asks the model to welcome someone.',
    arguments: [{ name: 'name', description: 'Who to welcome', required: true }],
  })
  welcome({ name }: Record<string, string>): PromptMessage[] {
    return [{ role: 'user', content: { type: 'text', text: `Write a one-line welcome for ${name}.` } }];
  }
}

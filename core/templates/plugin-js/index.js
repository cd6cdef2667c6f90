// @ts-check
// The plugin's entry, in plain JavaScript: no build step, no decorators. The host imports this file
// as is and supplies `@mcp-host/sdk` (and zod) itself.
import { definePlugin } from '@mcp-host/sdk';

export default definePlugin({
  tools: [
    {
      name: 'greet',
      description: 'Greets someone by name.',
      inputSchema: { type: 'object', properties: { name: { type: 'string', minLength: 1, description: 'Who to greet' } }, required: ['name'] },
      annotations: { readOnlyHint: true, openWorldHint: false },
      handler: async ({ name }, ctx) => {
        // Sent to the client as notifications/message (filtered by the level it set).
        await ctx.log('info', `greeting ${name}`);
        return `Hello, ${name}!`;
      },
    },
  ],
  resources: [
    {
      uri: 'docs://{{id}}/about',
      name: 'about',
      description: 'What this plugin does.',
      mimeType: 'text/plain',
      handler: () => 'The {{id}} plugin greets people.',
    },
  ],
  prompts: [
    {
      name: 'welcome',
      description: 'Asks the model to welcome someone.',
      arguments: [{ name: 'name', description: 'Who to welcome', required: true }],
      handler: ({ name }) => `Write a one-line welcome for ${name}.`,
    },
  ],
});

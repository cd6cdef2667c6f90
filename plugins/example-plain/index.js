// @ts-check
// Example plugin in plain JavaScript: no TypeScript, no decorators, no build step.
// The host loads this file as is and supplies `@mcp-host/sdk` itself.
import { definePlugin } from '@mcp-host/sdk';

const README = `The "plain" plugin shows a plugin written in plain JavaScript.

Tools:     echo {text}, add {a, b}, current_time {timeZone?}
Resources: plain://readme (this text)
Prompts:   greet {name}
`;

export default definePlugin({
  tools: [
    {
      name: 'echo',
      description: 'Returns the given text unchanged.',
      inputSchema: {
        type: 'object',
        properties: { text: { type: 'string', description: 'Text to echo back' } },
        required: ['text'],
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
      // A string result becomes one text content block.
      handler: ({ text }) => text,
    },
    {
      name: 'add',
      description: 'Adds two numbers.',
      inputSchema: {
        type: 'object',
        properties: {
          a: { type: 'number', description: 'First addend' },
          b: { type: 'number', description: 'Second addend' },
        },
        required: ['a', 'b'],
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
      handler: ({ a, b }) => String(a + b),
    },
    {
      name: 'current_time',
      description: "Returns the current date and time: ISO 8601 in UTC, or local time in the given IANA time zone (e.g. 'Europe/Paris').",
      inputSchema: {
        type: 'object',
        properties: { timeZone: { type: 'string', description: 'IANA time zone name; UTC (ISO 8601) when omitted' } },
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
      handler: ({ timeZone } = {}) => {
        const now = new Date();
        if (!timeZone) return now.toISOString();
        try {
          return now.toLocaleString('en-US', { timeZone, dateStyle: 'full', timeStyle: 'long' });
        } catch {
          // A result with isError lets the model read the problem and try again.
          return { isError: true, content: [{ type: 'text', text: `Unknown time zone: ${timeZone}` }] };
        }
      },
    },
  ],
  resources: [
    {
      uri: 'plain://readme',
      name: 'readme',
      title: 'Plain plugin readme',
      description: 'What the plain plugin offers.',
      mimeType: 'text/plain',
      // A string result becomes one text contents entry with this resource's URI and mime type.
      handler: () => README,
    },
  ],
  prompts: [
    {
      name: 'greet',
      title: 'Greet someone',
      description: 'Asks the model to greet someone by name.',
      arguments: [{ name: 'name', description: 'Who to greet', required: true }],
      // A string result becomes one user message.
      handler: ({ name }) => `Say hello to ${name}`,
    },
  ],
});

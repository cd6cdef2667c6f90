// @ts-check
// The tools the benchmark calls. Plain JavaScript: the host supplies @mcp-host/sdk.
import { definePlugin, NOTIFICATIONS } from '@mcp-host/sdk';

const TEXT_INPUT = {
  type: 'object',
  properties: { text: { type: 'string', description: 'Text to echo back' } },
  required: ['text'],
};

/** @type {import('@mcp-host/sdk').HostNotifications | undefined} */
let notifications;

export default definePlugin({
  setup({ container }) {
    // The NOTIFICATIONS token, resolved from this generation's own container.
    notifications = container.resolve(NOTIFICATIONS);
  },
  tools: [
    {
      name: 'echo',
      description: 'Returns the given text unchanged.',
      inputSchema: TEXT_INPUT,
      handler: ({ text }) => text,
    },
    {
      name: 'echo_progress',
      description: 'Returns the given text; first sends one progress notification when the request has a progressToken (forces an SSE response).',
      inputSchema: TEXT_INPUT,
      handler: async ({ text }, ctx) => {
        await ctx.progress(1, 1);
        return text;
      },
    },
    {
      name: 'bench_trigger',
      description: 'Announces a tools list change (notifications/tools/list_changed) to every listening client; the list stays the same.',
      handler: () => {
        notifications?.listChanged('tools');
        return 'triggered';
      },
    },
  ],
});

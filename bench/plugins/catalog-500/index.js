// @ts-check
// 500 generated tools of realistic size (description, two typed arguments, annotations).
import { definePlugin } from '@mcp-host/sdk';

export const TOOL_COUNT = 500;

const tools = Array.from({ length: TOOL_COUNT }, (_, i) => {
  const n = String(i).padStart(3, '0');
  return {
    name: `tool_${n}`,
    title: `Tool ${n}`,
    description: `Generated tool number ${n}: looks up a record by id in collection ${n} and returns it.`,
    inputSchema: {
      type: 'object',
      properties: {
        id: { type: 'string', description: 'Record id' },
        limit: { type: 'integer', minimum: 1, maximum: 100, description: 'Maximum number of records' },
      },
      required: ['id'],
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
    handler: ({ id }) => `record ${id} of collection ${n}`,
  };
});

export default definePlugin({ tools });

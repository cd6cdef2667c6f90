// @ts-check
// The tools scenario 11 calls: the same call with nothing, one context read or one context write
// behind it, so the difference between their rates is what a context operation costs a call.
// Plain JavaScript: the host supplies @mcp-host/sdk. The session scope is the one the request
// names with _meta["mcp-host/contextId"] (2026-07-28, stateless).
import { definePlugin } from '@mcp-host/sdk';

/** The key ctx_read reads: written once by ctx_seed before the load. */
export const READ_KEY = 'bench-read';
const WRITE_KEY = 'bench-write';
/** A small value, the kind of thing a tool keeps (a working folder, a selection). */
const VALUE = { folder: '/home/bench/project', n: 1 };

const KEY_INPUT = { type: 'object', properties: { key: { type: 'string' } }, required: ['key'] };

export default definePlugin({
  tools: [
    {
      name: 'plain',
      description: 'Returns a constant (the reference call).',
      handler: () => 'ok',
    },
    {
      name: 'ctx_seed',
      description: 'Writes the value ctx_read reads (once, before the load).',
      handler: async (_args, ctx) => {
        await ctx.context.session.set(READ_KEY, VALUE);
        return 'ok';
      },
    },
    {
      name: 'ctx_read',
      description: 'One ctx.context.session.get of the seeded key; "ok" when it holds the seeded value.',
      handler: async (_args, ctx) => {
        const entry = await ctx.context.session.get(READ_KEY);
        const value = /** @type {{ folder?: string } | undefined} */ (entry?.value);
        // A wrong or missing value must fail the check, not pass as a fast answer.
        return value?.folder === VALUE.folder ? 'ok' : `missing: ${JSON.stringify(entry)}`;
      },
    },
    {
      name: 'ctx_write',
      description: 'One ctx.context.session.set of a small value (the same key each time).',
      handler: async (_args, ctx) => {
        await ctx.context.session.set(WRITE_KEY, VALUE);
        return 'ok';
      },
    },
    {
      name: 'ctx_bump',
      description: 'Adds 1 to a counter with update (the compare-and-set loop); returns the new count.',
      inputSchema: KEY_INPUT,
      handler: async ({ key }, ctx) => String((await ctx.context.session.update(key, (n) => (typeof n === 'number' ? n : 0) + 1))?.value),
    },
    {
      name: 'ctx_count',
      description: 'The counter ctx_bump increments (0 when absent).',
      inputSchema: KEY_INPUT,
      handler: async ({ key }, ctx) => String((await ctx.context.session.get(key))?.value ?? 0),
    },
  ],
});

/**
 * Type tests of the author's API: what TypeScript infers from schemas. They run as (empty) vitest
 * tests and are checked by `tsc -p tsconfig.tests.json`; every `@ts-expect-error` below is a
 * mistake the compiler must catch (an unused one fails the check).
 */
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { definePlugin, definePrompt, defineTool, inject, injectable, Prompt, PLUGIN_CONFIG, Tool, ToolError, type ElicitOutcome, type Infer, type PluginItemsService, type PromptArgs, type ToolArgs, type ToolContext, type ToolDefinition } from './index.js';

const Add = z.object({ a: z.number(), b: z.number().default(1), note: z.string().optional() });
const Topic = z.object({ topic: z.string(), tone: z.string().optional() });
const Config = z.object({ maxNotes: z.number().int().default(100), roots: z.array(z.object({ path: z.string() })) });

describe('plain definePlugin', () => {
  it('infers each inline tool handler’s args from its own zod input (output type: defaults applied)', () => {
    definePlugin({
      tools: [
        {
          name: 'add',
          input: Add,
          handler: (args) => {
            expectTypeOf(args).toEqualTypeOf<{ a: number; b: number; note?: string | undefined }>();
            return String(args.a + args.b);
          },
        },
        {
          name: 'echo',
          input: z.object({ text: z.string() }),
          handler: ({ text }, ctx) => {
            expectTypeOf(text).toEqualTypeOf<string>();
            expectTypeOf(ctx).toEqualTypeOf<ToolContext>();
            return text;
          },
        },
        // A plain JSON Schema cannot be read by TypeScript: the args are untyped, and may be annotated by hand.
        { name: 'json', input: { type: 'object' }, handler: (args) => expectTypeOf(args).toBeAny() },
      ],
    });
  });

  it('lets a handler without a zod input annotate its parameter', () => {
    definePlugin({ tools: [{ name: 'annotated', inputSchema: { type: 'object' }, handler: (args: { x: string }) => args.x }] });
    definePlugin({ tools: [{ name: 'bare', handler: (args: { x?: string }) => args.x ?? '' }] });
    // Beside inferred tools in one list, such a tool goes through defineTool, or TypeScript gives up
    // inferring the whole list (its handlers' args would all be any).
    definePlugin({
      tools: [
        defineTool({ name: 'annotated', inputSchema: { type: 'object' }, handler: (args: { x: string }) => args.x }),
        { name: 'inferred', input: Topic, handler: (args) => (expectTypeOf(args.topic).toEqualTypeOf<string>(), args.topic) },
      ],
    });
  });

  it('refuses a handler that misuses its arguments', () => {
    definePlugin({
      tools: [
        {
          name: 'add',
          input: Add,
          handler: (args) => {
            // @ts-expect-error a is a number
            const s: string = args.a;
            // @ts-expect-error no such argument
            return args.c + s;
          },
        },
      ],
    });
  });

  it('infers inline prompt arguments from a zod object schema; a list gives a record of strings', () => {
    definePlugin({
      prompts: [
        { name: 'write', arguments: Topic, handler: (args) => (expectTypeOf(args).toEqualTypeOf<{ topic: string; tone?: string | undefined }>(), args.topic) },
        { name: 'old', arguments: [{ name: 'x' }], handler: (args) => (expectTypeOf(args).toEqualTypeOf<Record<string, string>>(), 'x') },
      ],
    });
  });

  it('accepts lists built elsewhere (mutable or readonly)', () => {
    const list: ToolDefinition[] = [defineTool({ name: 'a', input: Add, handler: ({ a }) => String(a) })];
    const frozen: readonly ToolDefinition[] = list;
    definePlugin({ tools: list });
    definePlugin({ tools: frozen, prompts: [] });
  });

  it('defineTool and definePrompt type items written apart (in an items provider)', () => {
    const t = defineTool({ name: 't', input: Add, handler: (args) => (expectTypeOf(args.b).toEqualTypeOf<number>(), 'ok') });
    const p = definePrompt({ name: 'p', arguments: Topic, handler: (args) => (expectTypeOf(args.topic).toEqualTypeOf<string>(), 'ok') });
    definePlugin({ items: () => ({ tools: [t], prompts: [p] }) });
  });
});

describe('typed plugin config', () => {
  it('setup and the items provider receive the parsed config', () => {
    definePlugin({
      config: Config,
      setup(scope) {
        expectTypeOf(scope.config).toEqualTypeOf<{ maxNotes: number; roots: Array<{ path: string }> }>();
        expectTypeOf(scope.items).toEqualTypeOf<PluginItemsService>();
        // @ts-expect-error maxNotes is a number
        scope.config.maxNotes.toUpperCase();
      },
      items(config, scope) {
        expectTypeOf(config.roots).toEqualTypeOf<Array<{ path: string }>>();
        expectTypeOf(scope.config).toEqualTypeOf(config);
        return { tools: config.roots.map((r) => defineTool({ name: r.path, handler: () => r.path })) };
      },
    });
  });

  it('without a schema the config is an untyped record', () => {
    definePlugin({ setup: (scope) => void expectTypeOf(scope.config).toEqualTypeOf<Record<string, unknown>>() });
  });

  it('a decorated class injects it typed with Infer', () => {
    @injectable()
    class Uses {
      constructor(@inject(PLUGIN_CONFIG) readonly config: Infer<typeof Config>) {}
    }
    expectTypeOf<Uses['config']['maxNotes']>().toEqualTypeOf<number>();
  });
});

describe('decorators', () => {
  it('@Tool checks a method against its schema; ToolArgs names the type once', () => {
    class Tools {
      @Tool({ input: Add })
      add(args: ToolArgs<typeof Add>) {
        expectTypeOf(args.b).toEqualTypeOf<number>();
        return String(args.a + args.b);
      }

      @Tool({ input: Add })
      withContext({ a }: ToolArgs<typeof Add>, ctx: ToolContext) {
        return ctx.requestId + String(a);
      }

      @Tool({ description: 'no input' })
      none() {
        return 'ok';
      }

      // @ts-expect-error the method's parameter does not match the schema
      @Tool({ input: Add })
      wrong(args: { a: string; zz: boolean }) {
        return args.a;
      }

      @Prompt({ arguments: Topic })
      write(args: PromptArgs<typeof Topic>) {
        return args.topic;
      }

      // @ts-expect-error the prompt's parameter does not match its schema
      @Prompt({ arguments: Topic })
      wrongPrompt(args: { topic: number }) {
        return String(args.topic);
      }
    }
    expectTypeOf<Tools>().not.toBeNever();
  });
});

describe('context and errors', () => {
  it('elicit(message, schema) resolves with the parsed answer or a refusal', async () => {
    const ctx = {} as ToolContext;
    const run = async () => {
      const answer = await ctx.elicit('Confirm', z.object({ confirm: z.boolean(), reason: z.string().optional() }));
      expectTypeOf(answer).toEqualTypeOf<ElicitOutcome<{ confirm: boolean; reason?: string | undefined }>>();
      if (answer.action === 'accept') expectTypeOf(answer.content.confirm).toEqualTypeOf<boolean>();
      // @ts-expect-error content exists only on an accepted answer
      answer.content;
      // The raw form is unchanged.
      const raw = await ctx.elicit({ message: 'm', requestedSchema: { type: 'object', properties: {} } });
      expectTypeOf(raw.action).toEqualTypeOf<'accept' | 'decline' | 'cancel'>();
    };
    expectTypeOf(run).toBeFunction();
  });

  it('ToolError takes structured content and data', () => {
    const e = new ToolError('quota', { structuredContent: { retryAfterS: 3 }, data: { id: 1 } });
    expectTypeOf(e.structuredContent).toEqualTypeOf<Record<string, unknown> | undefined>();
    // @ts-expect-error structured content is an object
    new ToolError('x', { structuredContent: 'text' });
  });

  it('scanner internals are not in the author’s entry', async () => {
    const sdk = await import('./index.js');
    // @ts-expect-error moved to @mcp-host/sdk/internal
    sdk.readMembers;
    // @ts-expect-error moved to @mcp-host/sdk/internal
    sdk.METADATA_KEYS;
    // @ts-expect-error moved to @mcp-host/sdk/internal
    sdk.PLUGIN_BRAND;
  });
});

/**
 * The sdk's typed config, `items` provider and run-time item changes (PLUGIN_ITEMS), end to end: a
 * real `mcp-host --stdio` with plain-JavaScript plugins written to a temp dir, in-process, in a
 * worker and in a child process, and a real SDK client that hears `tools/list_changed` and calls
 * the tool a plugin added.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ElicitRequestSchema, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectStdioClient } from '../harness/index.js';

const WAIT = { timeout: 10_000, interval: 20 } as const;

/** A plugin whose config, provider and tools exercise the API; `p` prefixes its names so two copies coexist. */
const source = (p: string) => `
import { definePlugin, ToolError } from '@mcp-host/sdk';
import { z } from 'zod';
let scope;
export default definePlugin({
  config: z.object({ greeting: z.string(), extra: z.array(z.string()).default([]) }),
  setup(s) { scope = s; },
  // Config-dependent tools: one per configured name.
  items: (config) => ({ tools: config.extra.map((name) => ({ name, handler: () => 'extra ' + name })) }),
  prompts: [
    { name: '${p}_brief', arguments: z.object({ topic: z.string().describe('What about'), tone: z.enum(['plain', 'warm']).optional() }), handler: ({ topic, tone }) => topic + '/' + (tone ?? 'plain') },
  ],
  tools: [
    { name: '${p}_greet', input: z.object({ who: z.string() }), handler: ({ who }) => scope.config.greeting + ' ' + who },
    {
      name: '${p}_grow',
      input: z.object({ name: z.string() }),
      handler: async ({ name }) => {
        try {
          await scope.items.add({ tools: [{ name, description: 'grown at run time', handler: () => 'grown ' + name }] });
          return 'added ' + name;
        } catch (e) {
          return 'refused: ' + e.message;
        }
      },
    },
    { name: '${p}_shrink', input: z.object({ name: z.string() }), handler: async ({ name }) => (await scope.items.remove({ tools: [name] }), 'removed ' + name) },
    {
      name: '${p}_ask',
      handler: async (_args, ctx) => {
        const answer = await ctx.elicit('Who are you?', z.object({ name: z.string().describe('Your name'), age: z.number().int().default(30) }));
        return JSON.stringify(answer);
      },
    },
    { name: '${p}_fail', handler: () => { throw new ToolError('no such order', { structuredContent: { order: 7 }, data: { retry: false } }); } },
  ],
});
`;

function writePlugin(parent: string, id: string): string {
  const dir = join(parent, id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `@items-e2e/${id}`, version: '1.0.0', type: 'module', main: 'index.js', engines: { 'mcp-host': '^1.0.0' }, mcpHost: { id } }));
  writeFileSync(join(dir, 'index.js'), source(id.replace(/-/g, '_')));
  return dir;
}

type ToolResult = { isError?: boolean; content: Array<{ text?: string }>; structuredContent?: unknown; _meta?: Record<string, unknown> };
const call = async (client: Client, name: string, args: Record<string, unknown> = {}) => (await client.callTool({ name, arguments: args })) as ToolResult;
const names = async (client: Client) => (await client.listTools()).tools.map((t) => t.name).sort();

let root: string;
let client: Client;
let stderr: () => string;
let changes = 0;
const asked: unknown[] = [];
let answer: { action: 'accept'; content: Record<string, unknown> } | { action: 'decline' } = { action: 'decline' };

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'mcp-host-items-'));
  const plugins = [writePlugin(root, 'inproc'), writePlugin(root, 'worker'), writePlugin(root, 'proc'), writePlugin(root, 'badcfg')];
  const config = join(root, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      plugins: {
        watch: false,
        settings: {
          inproc: { isolation: 'in-process', config: { greeting: 'hello', extra: ['inproc_extra'] } },
          worker: { isolation: 'worker', config: { greeting: 'hi', extra: ['worker_extra'] } },
          proc: { isolation: 'process', config: { greeting: 'hey', extra: ['proc_extra'] } },
          badcfg: { config: { greeting: 5, extra: ['ok', 3], unknown: true } },
        },
      },
    }),
  );
  ({ client, stderr } = await connectStdioClient(plugins, undefined, ['--config', config]));
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => void changes++);
  client.setRequestHandler(ElicitRequestSchema, (request) => {
    asked.push(request.params);
    return answer;
  });
}, 30_000);

afterAll(async () => {
  await client?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('typed plugin config', () => {
  it('serves the parsed config (defaults applied) to handlers and to the items provider', async () => {
    expect((await call(client, 'inproc_greet', { who: 'ann' })).content[0]!.text).toBe('hello ann');
    expect((await call(client, 'worker_greet', { who: 'bob' })).content[0]!.text).toBe('hi bob');
    expect((await call(client, 'inproc_extra')).content[0]!.text).toBe('extra inproc_extra');
    expect((await call(client, 'worker_extra')).content[0]!.text).toBe('extra worker_extra');
    expect((await call(client, 'proc_greet', { who: 'cy' })).content[0]!.text).toBe('hey cy');
  });

  it('refuses a plugin whose config does not match its schema, naming every path as the host config does', async () => {
    expect((await names(client)).filter((n) => n.startsWith('badcfg'))).toEqual([]);
    const line = stderr()
      .split('\n')
      .find((l) => l.includes('MCPH_PLUGIN_BAD_CONFIG'));
    expect(line).toBeDefined();
    expect(line).toContain('plugins.settings.badcfg.config.greeting: expected string, received number');
    expect(line).toContain('plugins.settings.badcfg.config.extra[1]: expected string, received number');
  });
});

describe.each(['inproc', 'worker', 'proc'])('a running %s plugin changes its own tools', (p) => {
  it('adds a tool: the client hears list_changed, lists it and calls it; removing it takes it away again', async () => {
    const before = changes;
    expect((await call(client, `${p}_grow`, { name: `${p}_new` })).content[0]!.text).toBe(`added ${p}_new`);
    await vi.waitFor(() => expect(changes).toBeGreaterThan(before), WAIT);
    expect(await names(client)).toContain(`${p}_new`);
    expect((await call(client, `${p}_new`)).content[0]!.text).toBe(`grown ${p}_new`);

    const again = changes;
    await call(client, `${p}_shrink`, { name: `${p}_new` });
    await vi.waitFor(() => expect(changes).toBeGreaterThan(again), WAIT);
    expect(await names(client)).not.toContain(`${p}_new`);
    // The fixed and provided tools stay.
    expect(await names(client)).toEqual(expect.arrayContaining([`${p}_greet`, `${p}_extra`]));
  });

  it('is refused a name another plugin serves, and serves what it served before', async () => {
    const other = p === 'inproc' ? 'worker_greet' : 'inproc_greet';
    const text = (await call(client, `${p}_grow`, { name: other })).content[0]!.text!;
    expect(text).toContain('refused: ');
    expect(text).toContain('MCPH_PLUGIN_DUPLICATE_NAME');
    expect((await call(client, other, { who: 'x' })).isError).toBeFalsy();
    expect((await call(client, `${p}_greet`, { who: 'y' })).isError).toBeFalsy();
  });

  it('a ToolError carries its structured content and data into the error result', async () => {
    const r = await call(client, `${p}_fail`);
    expect(r.isError).toBe(true);
    expect(r.content[0]!.text).toBe('no such order');
    expect(r.structuredContent).toEqual({ order: 7 });
    expect(r._meta?.['mcp-host/error']).toEqual({ retry: false });
  });
});

describe.each(['inproc', 'worker', 'proc'])('typed elicit from a %s plugin', (p) => {
  it('sends the zod schema as requestedSchema and returns the parsed answer, or the refusal', async () => {
    asked.length = 0;
    answer = { action: 'accept', content: { name: 'zoe' } };
    expect(JSON.parse((await call(client, `${p}_ask`)).content[0]!.text!)).toEqual({ action: 'accept', content: { name: 'zoe', age: 30 } });
    expect(asked[0]).toMatchObject({
      message: 'Who are you?',
      requestedSchema: { type: 'object', properties: { name: { type: 'string', description: 'Your name' }, age: { type: 'integer' } }, required: ['name'] },
    });
    answer = { action: 'decline' };
    expect(JSON.parse((await call(client, `${p}_ask`)).content[0]!.text!)).toEqual({ action: 'decline' });
    answer = { action: 'accept', content: { name: 3 } };
    const bad = await call(client, `${p}_ask`);
    expect(bad.isError).toBe(true);
    expect(bad.content[0]!.text).toContain('does not fit the form');
  });
});

describe.each(['inproc', 'worker', 'proc'])('prompt arguments from a zod schema, %s', (p) => {
  it('publishes them as the argument list and checks them before the handler runs', async () => {
    const prompt = (await client.listPrompts()).prompts.find((x) => x.name === `${p}_brief`);
    expect(prompt?.arguments).toEqual([{ name: 'topic', description: 'What about', required: true }, { name: 'tone' }]);
    const got = await client.getPrompt({ name: `${p}_brief`, arguments: { topic: 'tea', tone: 'warm' } });
    expect(got.messages[0]!.content).toEqual({ type: 'text', text: 'tea/warm' });
    await expect(client.getPrompt({ name: `${p}_brief`, arguments: { topic: 'tea', tone: 'loud' } })).rejects.toThrow(/Invalid arguments for prompt .*tone/);
  });
});

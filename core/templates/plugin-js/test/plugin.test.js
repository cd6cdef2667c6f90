import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToolContext, startTestHost } from '@mcp-host/testing';
import plugin from '../index.js';

const pluginDir = fileURLToPath(new URL('..', import.meta.url));

describe('greet, called directly', () => {
  it('greets by name and logs to the client', async () => {
    const ctx = createToolContext();
    const greet = plugin.tools.find((t) => t.name === 'greet');
    expect(await greet.handler({ name: 'Ada' }, ctx)).toBe('Hello, Ada!');
    expect(ctx.logs).toEqual([{ level: 'info', data: 'greeting Ada' }]);
  });
});

// The plugin served by a real host, seen by a client of each protocol era.
describe('the plugin in a host', () => {
  let host;
  beforeAll(async () => {
    host = await startTestHost({ plugins: [pluginDir] });
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('lists and calls greet', async () => {
    const { tools } = await host.legacy.listTools();
    expect(tools.map((t) => t.name)).toContain('greet');
    expect((await host.legacy.callTool({ name: 'greet', arguments: { name: 'Ada' } })).content).toEqual([{ type: 'text', text: 'Hello, Ada!' }]);
    expect((await host.modern.callTool({ name: 'greet', arguments: { name: 'Lin' } })).content).toEqual([{ type: 'text', text: 'Hello, Lin!' }]);
  });
});

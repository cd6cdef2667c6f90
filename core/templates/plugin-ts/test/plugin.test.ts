import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '@mcp-host/testing';

// The built plugin (dist/, `npm run build` first: `npm test` does) served by a real host, seen by
// a client of each protocol era.
const pluginDir = fileURLToPath(new URL('..', import.meta.url));

describe('the plugin in a host', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ plugins: [pluginDir] });
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('lists and calls greet (legacy client)', async () => {
    const { tools } = await host.legacy.listTools();
    expect(tools.map((t) => t.name)).toContain('greet');
    const result = await host.legacy.callTool({ name: 'greet', arguments: { name: 'Ada' } });
    expect(result.content).toEqual([{ type: 'text', text: 'Hello, Ada!' }]);
  });

  it('calls greet (modern client), reads the resource and gets the prompt', async () => {
    const result = await host.modern.callTool({ name: 'greet', arguments: { name: 'Lin' } });
    expect(result.content).toEqual([{ type: 'text', text: 'Hello, Lin!' }]);
    const about = await host.legacy.readResource({ uri: 'docs://{{id}}/about' });
    expect(about.contents[0]).toMatchObject({ text: 'The {{id}} plugin greets people.' });
    const prompt = await host.legacy.getPrompt({ name: 'welcome', arguments: { name: 'Ada' } });
    expect(prompt.messages).toHaveLength(1);
  });

  it('refuses arguments that do not match the schema', async () => {
    const result = await host.legacy.callTool({ name: 'greet', arguments: { name: '' } }).catch((e: Error) => e);
    expect(result instanceof Error || (result as { isError?: boolean }).isError).toBeTruthy();
  });
});

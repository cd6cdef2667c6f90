import { describe, expect, it } from 'vitest';
import { createToolContext } from '@mcp-host/testing';
import { GreetingTools } from './GreetingTools.js';

// Unit tests call the handlers directly, with a context that records what they did with it.
describe('GreetingTools', () => {
  it('greets by name and logs to the client', async () => {
    const ctx = createToolContext();
    expect(await new GreetingTools().greet({ name: 'Ada' }, ctx)).toBe('Hello, Ada!');
    expect(ctx.logs).toEqual([{ level: 'info', data: 'greeting Ada' }]);
  });
});

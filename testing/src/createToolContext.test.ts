import { describe, expect, it } from 'vitest';
import { createCompletionContext, createToolContext } from './createToolContext.js';
import { createTestLogger } from './createTestLogger.js';
import { createContextStore } from './createContextStore.js';

describe('createToolContext', () => {
  it('records progress, client logs, questions, and answers them in order', async () => {
    const ctx = createToolContext({ elicit: [{ action: 'accept', content: { ok: true } }, (q) => ({ action: q.message === 'again?' ? 'decline' : 'cancel' })] });
    await ctx.progress(1, 2, 'half');
    await ctx.log('info', { step: 1 }, 'me');
    expect(await ctx.elicit({ message: 'sure?', requestedSchema: { type: 'object', properties: {} } })).toEqual({ action: 'accept', content: { ok: true } });
    expect(await ctx.elicit({ message: 'again?', requestedSchema: { type: 'object', properties: {} } })).toEqual({ action: 'decline' });
    await expect(ctx.elicit({ message: 'once more?', requestedSchema: { type: 'object', properties: {} } })).rejects.toThrow(/no elicit answer left/);
    expect(ctx.progressReports).toEqual([{ progress: 1, total: 2, message: 'half' }]);
    expect(ctx.logs).toEqual([{ level: 'info', data: { step: 1 }, logger: 'me' }]);
    expect(ctx.elicitations.map((q) => q.message)).toEqual(['sure?', 'again?', 'once more?']);
  });

  it('refuses a question the client has no capability for, and any once aborted', async () => {
    const noElicit = createToolContext({ client: { capabilities: {} } });
    await expect(noElicit.elicit({ message: 'x', requestedSchema: { type: 'object', properties: {} } })).rejects.toThrow(/elicitation capability/);
    await expect(noElicit.listRoots()).rejects.toThrow(/roots capability/);
    const ctx = createToolContext({ sample: [{ role: 'assistant', content: { type: 'text', text: 'hi' }, model: 'm' }] });
    ctx.abort(new Error('stop'));
    expect(ctx.signal.aborted).toBe(true);
    await expect(ctx.sample({ messages: [], maxTokens: 1 })).rejects.toThrow('stop');
  });

  it('counts closeSseStream calls, which do not cancel', () => {
    const ctx = createToolContext();
    ctx.closeSseStream();
    expect(ctx.sseStreamsClosed).toBe(1);
    expect(ctx.signal.aborted).toBe(false);
  });

  it('follows a signal of the test, and defaults to the anonymous principal', () => {
    const controller = new AbortController();
    const ctx = createToolContext({ signal: controller.signal, principal: { id: 'service:ci', source: 'service', subject: 'ci', scopes: ['x:read'] } });
    controller.abort();
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.principal).toMatchObject({ id: 'service:ci', scopes: ['x:read'], roles: [] });
    expect(createToolContext().principal.id).toBe('anonymous');
  });

  it('gives completions the other arguments, and the logger keeps its lines', () => {
    const logger = createTestLogger();
    const ctx = createCompletionContext({ connection: 'pg' }, { logger });
    ctx.logger.child({ part: 'x' }).warn({ n: 1 }, 'careful');
    expect(ctx.arguments).toEqual({ connection: 'pg' });
    expect(logger.lines).toEqual([{ level: 40, part: 'x', n: 1, msg: 'careful' }]);
  });
});

describe('createToolContext: shared context', () => {
  it("two contexts on one store share the session and principal scopes; another principal's do not", async () => {
    const store = createContextStore({ namespaces: { team: { write: { roles: ['editor'] } } } });
    const a = createToolContext({ contextStore: store });
    const b = createToolContext({ contextStore: store });
    const other = createToolContext({ contextStore: store, principal: { id: 'service:other' } });
    await a.context.session.set('project', '/work/app');
    expect((await b.context.session.get('project'))?.value).toBe('/work/app');
    expect(await other.context.session.get('project')).toBeUndefined();
    expect(store.updates).toEqual(['context://session/project']);
  });

  it("applies the host's checks: a bad key, a namespace the principal may not write", async () => {
    const ctx = createToolContext({ contextStore: createContextStore({ namespaces: { team: { write: { roles: ['editor'] } } } }) });
    await expect(ctx.context.session.set('a/b', 1)).rejects.toMatchObject({ name: 'ContextError', reason: 'bad-key' });
    await expect(ctx.context.shared('team').set('x', 1)).rejects.toMatchObject({ reason: 'forbidden' });
    await expect(createToolContext({ principal: { roles: ['editor'] } }).context.shared('team').set('x', 1)).rejects.toMatchObject({ reason: 'forbidden' }); // its own store declares no namespace
  });
});

import { ToolError, type HostNotifications } from '@mcp-host/sdk';
import { createContextStore, createTestLogger, createToolContext, MODERN_PROTOCOL_VERSION, type ContextStore } from '@mcp-host/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TAG_KEY, LAST_NOTE_KEY } from './notesContext.js';
import { NotesService } from './NotesService.js';
import { NotesTools } from './NotesTools.js';

/**
 * The notes tools over the host's context service in memory: `notes()` is a call to this plugin,
 * `other()` a call to another plugin in the same session (same store, same principal), which reads
 * what the notes plugin keeps there, or writes what it should not.
 */
const silent: HostNotifications = { resourceUpdated: () => undefined, listChanged: () => undefined };
let store: ContextStore;
let tools: NotesTools;
const plugin = (id: string) => ({ id, name: id, version: '1.0.0', root: process.cwd() });
const notes = (client: { sessionId?: string; protocolVersion?: string } = {}) => createToolContext({ contextStore: store, client, plugin: plugin('notes'), principal: { id: 'alice', subject: 'alice' } });
const other = (client: { sessionId?: string } = {}) => createToolContext({ contextStore: store, client, plugin: plugin('other'), principal: { id: 'alice', subject: 'alice' } });

beforeEach(() => {
  store = createContextStore();
  tools = new NotesTools(new NotesService(createTestLogger(), { maxNotes: 10 }, silent));
});

describe('notes in shared context', () => {
  it('the last added or opened note is kept in the session, where another plugin reads it', async () => {
    const first = await tools.addNote({ title: 'First', body: 'one' }, notes());
    expect((await other().context.session.get(LAST_NOTE_KEY))?.value).toEqual({ id: first.id, title: 'First' });
    const second = await tools.addNote({ title: 'Second', body: 'two' }, notes());
    expect(await tools.openNote({}, notes())).toBe('# Second\n\ntwo\n');
    expect(await tools.openNote({ id: first.id }, notes())).toBe('# First\n\none\n');
    expect((await other().context.session.get(LAST_NOTE_KEY))?.value).toEqual({ id: first.id, title: 'First' });
    expect(await tools.openNote({}, notes())).toBe('# First\n\none\n');
    // Another session of the same principal has its own last note.
    await expect(tools.openNote({}, notes({ sessionId: 'other-session' }))).rejects.toThrow('No note was added or opened in this session yet');
    await expect(tools.openNote({ id: '99' }, notes())).rejects.toThrow('There is no note "99"');
    expect(second.id).not.toBe(first.id);
  });

  it('the default tag is a principal preference: used by add_note in every session, readable by another plugin', async () => {
    expect(await tools.setDefaultTag({ tag: 'work' }, notes())).toEqual({ tag: 'work' });
    expect((await other({ sessionId: 'any' }).context.principal.get(DEFAULT_TAG_KEY))?.value).toBe('work');
    expect(await tools.addNote({ title: 'Tagged', body: 'x' }, notes({ sessionId: 'elsewhere' }))).toMatchObject({ title: 'Tagged', tag: 'work' });
    expect(await tools.addNote({ title: 'Own tag', body: 'x' }, notes())).toMatchObject({ title: 'Own tag', tag: 'work' });
    expect(await tools.addNote({ title: 'Explicit', body: 'x', tag: 'home' }, notes())).toMatchObject({ tag: 'home' });
    expect(tools.listNotes()).toBe('- [1] Tagged #work\n- [2] Own tag #work\n- [3] Explicit #home');
    expect(await tools.setDefaultTag({}, notes())).toEqual({ tag: null });
    expect(await tools.addNote({ title: 'Plain', body: 'x' }, notes())).toEqual({ id: '4', title: 'Plain' });
    // Another principal never sees alice's preference.
    const bob = createToolContext({ contextStore: store, plugin: plugin('notes'), principal: { id: 'bob', subject: 'bob' } });
    await tools.setDefaultTag({ tag: 'alice-only' }, notes());
    expect(await tools.addNote({ title: 'Bob', body: 'x' }, bob)).toEqual({ id: '5', title: 'Bob' });
  });

  it('a default tag another plugin stored that is not a tag is not used; a last note that is not one is not opened', async () => {
    for (const hostile of [42, 'has spaces!', { tag: 'x' }, 'x'.repeat(51)]) {
      await other().context.principal.set(DEFAULT_TAG_KEY, hostile);
      const ctx = notes();
      const added = await tools.addNote({ title: 'Safe', body: 'x' }, ctx);
      expect(added.tag).toBeUndefined();
      expect(ctx.logger.lines.some((r) => r.msg?.includes('not a tag'))).toBe(true);
    }
    await other().context.session.set(LAST_NOTE_KEY, { id: 7 });
    await expect(tools.openNote({}, notes())).rejects.toThrow('No note was added or opened in this session yet');
  });

  it('a 2026-07-28 call without a context id still adds notes; there is no session to remember them in', async () => {
    const modern = notes({ protocolVersion: MODERN_PROTOCOL_VERSION });
    expect(await tools.addNote({ title: 'Stateless', body: 'x' }, modern)).toEqual({ id: '1', title: 'Stateless' });
    await expect(tools.openNote({}, modern)).rejects.toBeInstanceOf(ToolError);
  });
});

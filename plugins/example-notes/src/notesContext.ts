import { ContextError, type ToolContext } from '@mcp-host/sdk';
import type { Note } from './NotesService.js';

/** Session key: the note last added or opened in this session, `{ id, title }` (`context://session/notes.last`). */
export const LAST_NOTE_KEY = 'notes.last';
/** Principal key: the tag `add_note` gives a note when the caller names none, a string (`context://principal/notes.defaultTag`). */
export const DEFAULT_TAG_KEY = 'notes.defaultTag';

/** What a tag looks like; also how a stored default tag is checked before use. */
export const TAG_PATTERN = /^[A-Za-z0-9_-]{1,50}$/;

/** The value under `LAST_NOTE_KEY`. */
export interface LastNote {
  readonly id: string;
  readonly title: string;
}

/**
 * Records `note` as the session's last note. A 2026-07-28 call without a context id has no session
 * scope: the note is still added, there is just nothing to remember it in.
 */
export async function rememberLastNote(ctx: ToolContext, note: Note): Promise<void> {
  try {
    await ctx.context.session.set<LastNote>(LAST_NOTE_KEY, { id: note.id, title: note.title });
  } catch (e) {
    if (!(e instanceof ContextError && e.reason === 'no-session')) throw e;
  }
}

/** The session's last note id, or undefined (none, or no session scope). Another plugin may have written it: only a string id counts. */
export async function lastNoteId(ctx: ToolContext): Promise<string | undefined> {
  try {
    const id = ((await ctx.context.session.get<LastNote>(LAST_NOTE_KEY))?.value as Partial<LastNote> | null | undefined)?.id;
    return typeof id === 'string' ? id : undefined;
  } catch (e) {
    if (e instanceof ContextError && e.reason === 'no-session') return undefined;
    throw e;
  }
}

/**
 * The caller's default tag. Any plugin may write the principal's keys, so a value that is not a
 * tag (wrong type, bad characters) is not used.
 */
export async function defaultTagOf(ctx: ToolContext): Promise<string | undefined> {
  const value = (await ctx.context.principal.get(DEFAULT_TAG_KEY))?.value;
  if (value === undefined) return undefined;
  if (typeof value === 'string' && TAG_PATTERN.test(value)) return value;
  ctx.logger.warn({ key: DEFAULT_TAG_KEY }, 'the stored default tag is not a tag; notes are added without it');
  return undefined;
}

import { z } from 'zod';
import { Tool, ToolError, injectable, type ToolContext } from '@mcp-host/sdk';
import { NOTES_BOARD_URI } from './NotesApp.js';
import { NotesService } from './NotesService.js';
import { DEFAULT_TAG_KEY, TAG_PATTERN, defaultTagOf, lastNoteId, rememberLastNote } from './notesContext.js';

const Tag = z.string().regex(TAG_PATTERN, { error: 'a tag is 1–50 letters, digits, "_" or "-"' });

const AddNoteInput = z.object({
  title: z.string().min(1).max(200).describe('Short title of the note'),
  body: z.string().describe('Text of the note'),
  tag: Tag.optional().describe('Tag of the note (default: your default tag, see set_default_tag)'),
});

const AddNoteOutput = z.object({
  id: z.string().describe('Id of the new note (use it with notes://note/{id})'),
  title: z.string(),
  tag: z.string().optional(),
});

const OpenNoteInput = z.object({
  id: z.string().min(1).optional().describe("Id of the note (default: this session's last added or opened note)"),
});

const SetDefaultTagInput = z.object({
  tag: Tag.optional().describe('The tag add_note uses when none is given; leave out to clear it'),
});
const SetDefaultTagOutput = z.object({ tag: z.string().nullable() });

const SearchNotesInput = z.object({
  query: z.string().min(1).describe('Text to look for in titles and bodies (case-insensitive)'),
});

/**
 * The notes tools. `NotesService` is injected by constructor type (no `@inject` needed: the class
 * is `@injectable()`, so its parameter types are emitted as metadata).
 */
@injectable()
export class NotesTools {
  constructor(private readonly notes: NotesService) {}

  /** Returns a plain object: with an output schema the host sends it as `structuredContent` (and as JSON text). */
  @Tool({
    name: 'add_note',
    title: 'Add note',
    description: 'Stores a note with a title and a body; returns its id.',
    input: AddNoteInput,
    output: AddNoteOutput,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  async addNote({ title, body, tag }: z.infer<typeof AddNoteInput>, ctx: ToolContext): Promise<z.infer<typeof AddNoteOutput>> {
    const note = this.notes.add(title, body, tag ?? (await defaultTagOf(ctx)));
    // Shared context, session scope: "the note I was working on", for this and any other plugin.
    await rememberLastNote(ctx, note);
    return { id: note.id, title: note.title, ...(note.tag !== undefined ? { tag: note.tag } : {}) };
  }

  /** Reads one note and makes it the session's last note; without an id, reopens the last one. */
  @Tool({
    name: 'open_note',
    title: 'Open note',
    description: "Returns a note as Markdown and remembers it as this session's last note. Without an id, opens the session's last added or opened note.",
    input: OpenNoteInput,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  async openNote({ id }: z.infer<typeof OpenNoteInput>, ctx: ToolContext): Promise<string> {
    const wanted = id ?? (await lastNoteId(ctx));
    if (wanted === undefined) throw new ToolError('No note was added or opened in this session yet; give an id (list_notes shows them).');
    const note = this.notes.get(wanted);
    if (!note) throw new ToolError(`There is no note ${JSON.stringify(wanted)}; list_notes shows the ids.`);
    await rememberLastNote(ctx, note);
    return `# ${note.title}\n\n${note.body}\n${note.tag !== undefined ? `\nTag: ${note.tag}\n` : ''}`;
  }

  /** A preference of the principal (every client and session of the caller), readable by any plugin. */
  @Tool({
    name: 'set_default_tag',
    title: 'Set default tag',
    description: `Sets the tag add_note gives notes that name none, for all your sessions and clients (shared context, principal key ${DEFAULT_TAG_KEY}). Leave tag out to clear it.`,
    input: SetDefaultTagInput,
    output: SetDefaultTagOutput,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  async setDefaultTag({ tag }: z.infer<typeof SetDefaultTagInput>, ctx: ToolContext): Promise<z.infer<typeof SetDefaultTagOutput>> {
    if (tag === undefined) await ctx.context.principal.delete(DEFAULT_TAG_KEY);
    else await ctx.context.principal.set(DEFAULT_TAG_KEY, tag);
    return { tag: tag ?? null };
  }

  /** Returns a string: one text content block. */
  @Tool({
    name: 'list_notes',
    title: 'List notes',
    description: 'Lists the stored notes (id and title).',
    annotations: { readOnlyHint: true, openWorldHint: false },
    // MCP Apps: hosts that render apps show the result on the notes board.
    ui: { resourceUri: NOTES_BOARD_URI },
  })
  listNotes(): string {
    const notes = this.notes.list();
    if (notes.length === 0) return 'No notes yet.';
    return notes.map((note) => `- [${note.id}] ${note.title}${note.tag !== undefined ? ` #${note.tag}` : ''}`).join('\n');
  }

  /** Reports progress per note scanned (when the client asked for it) and logs to the client. */
  @Tool({
    name: 'search_notes',
    title: 'Search notes',
    description: 'Finds the notes whose title or body contains the query (case-insensitive).',
    input: SearchNotesInput,
    annotations: { readOnlyHint: true, openWorldHint: false },
  })
  async searchNotes({ query }: z.infer<typeof SearchNotesInput>, ctx: ToolContext): Promise<string> {
    const notes = this.notes.list();
    await ctx.log('info', `Searching ${notes.length} note(s) for "${query}"`, 'notes');
    const found: string[] = [];
    for (const [index, note] of notes.entries()) {
      ctx.signal.throwIfAborted();
      if (this.notes.matches(note, query)) found.push(`- [${note.id}] ${note.title}`);
      await ctx.progress(index + 1, notes.length, `Scanned ${index + 1} of ${notes.length}`);
    }
    await ctx.log('debug', { query, scanned: notes.length, matches: found.length }, 'notes');
    ctx.logger.debug({ query, matches: found.length }, 'search done');
    return found.length === 0 ? `No note matches "${query}".` : found.join('\n');
  }
}

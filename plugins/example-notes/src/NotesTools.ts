import { z } from 'zod';
import { Tool, injectable, type ToolContext } from '@mcp-host/sdk';
import { NOTES_BOARD_URI } from './NotesApp.js';
import { NotesService } from './NotesService.js';

const AddNoteInput = z.object({
  title: z.string().min(1).max(200).describe('Short title of the note'),
  body: z.string().describe('Text of the note'),
});

const AddNoteOutput = z.object({
  id: z.string().describe('Id of the new note (use it with notes://note/{id})'),
  title: z.string(),
});

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
  addNote({ title, body }: z.infer<typeof AddNoteInput>): z.infer<typeof AddNoteOutput> {
    const note = this.notes.add(title, body);
    return { id: note.id, title: note.title };
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
    return notes.map((note) => `- [${note.id}] ${note.title}`).join('\n');
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

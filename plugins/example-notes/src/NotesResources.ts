import {
  Prompt,
  Resource,
  ResourceNotFoundError,
  ResourceTemplate,
  injectable,
  type PromptMessage,
  type TextResourceContents,
} from '@mcp-host/sdk';
import { NotesService } from './NotesService.js';

const STYLES = ['brief', 'detailed'] as const;

/** Resources, a template and a prompt over the same `NotesService` singleton the tools use. */
@injectable()
export class NotesResources {
  constructor(private readonly notes: NotesService) {}

  /** Every note as one JSON document. */
  @Resource({
    uri: 'notes://all',
    name: 'all-notes',
    title: 'All notes',
    description: 'Every stored note, as a JSON array.',
    mimeType: 'application/json',
  })
  allNotes(uri: string): TextResourceContents {
    return { uri, mimeType: 'application/json', text: JSON.stringify(this.notes.list(), null, 2) };
  }

  /** One note as Markdown; `id` completes from the ids of existing notes. */
  @ResourceTemplate({
    uriTemplate: 'notes://note/{id}',
    name: 'note',
    title: 'Note',
    description: 'One note, as Markdown.',
    mimeType: 'text/markdown',
    complete: { id: 'completeNoteId' },
  })
  note(uri: string, variables: Record<string, string | string[]>): TextResourceContents {
    const id = Array.isArray(variables.id) ? variables.id[0] : variables.id;
    const note = id === undefined ? undefined : this.notes.get(id);
    if (!note) throw new ResourceNotFoundError(uri);
    return { uri, mimeType: 'text/markdown', text: `# ${note.title}\n\n${note.body}\n` };
  }

  /** Completer of the template's `id`: existing ids that start with what was typed. */
  completeNoteId(value: string): string[] {
    return this.notes.ids().filter((id) => id.startsWith(value));
  }

  /** A prompt asking the model to summarise the notes; `style` completes to `brief` / `detailed`. */
  @Prompt({
    name: 'summarize_notes',
    title: 'Summarize notes',
    description: 'Asks the model to summarize all stored notes.',
    arguments: [{ name: 'style', description: "'brief' (default) or 'detailed'", required: false }],
    complete: { style: (value: string) => STYLES.filter((style) => style.startsWith(value.toLowerCase())) },
  })
  summarizeNotes({ style }: Record<string, string>): PromptMessage[] {
    const detailed = style?.toLowerCase() === 'detailed';
    const notes = this.notes.list();
    const instruction = detailed
      ? 'Summarize each of the following notes in a few sentences, then list any themes they share.'
      : 'Summarize the following notes in at most three bullet points.';
    const listing = notes.length === 0 ? '(there are no notes)' : notes.map((note) => `## ${note.title}\n${note.body}`).join('\n\n');
    return [{ role: 'user', content: { type: 'text', text: `${instruction}\n\n${listing}` } }];
  }
}

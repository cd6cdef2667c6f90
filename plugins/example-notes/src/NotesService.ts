import { LOGGER, NOTIFICATIONS, PLUGIN_CONFIG, ToolError, inject, injectable, type HostNotifications, type Logger } from '@mcp-host/sdk';
import type { NotesConfig } from './config.js';

/** One note. */
export interface Note {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly tag?: string;
  readonly createdAt: string;
}

/**
 * Keeps notes in memory. Registered as a singleton in the plugin's own container by `setup`, so
 * every class of this plugin generation shares one instance (and a reload starts empty).
 */
@injectable()
export class NotesService {
  private readonly notes = new Map<string, Note>();
  private readonly maxNotes: number;
  private nextId = 1;

  constructor(
    @inject(LOGGER) private readonly logger: Logger,
    @inject(PLUGIN_CONFIG) config: NotesConfig,
    @inject(NOTIFICATIONS) private readonly notifications: HostNotifications,
  ) {
    this.maxNotes = config.maxNotes;
    this.logger.debug({ maxNotes: this.maxNotes }, 'notes service ready');
  }

  /** Number of notes held. */
  get size(): number {
    return this.notes.size;
  }

  /** Adds a note; fails (as a tool error the model can read) when the store is full. */
  add(title: string, body: string, tag?: string): Note {
    if (this.notes.size >= this.maxNotes) {
      throw new ToolError(`Cannot add "${title}": the notebook is full (${this.maxNotes} notes).`);
    }
    const note: Note = { id: String(this.nextId++), title, body, ...(tag !== undefined ? { tag } : {}), createdAt: new Date().toISOString() };
    this.notes.set(note.id, note);
    this.logger.info({ id: note.id }, 'note added');
    // Clients subscribed to the notebook hear that it changed (resources/updated, both protocol eras).
    this.notifications.resourceUpdated('notes://all');
    return note;
  }

  /** All notes, oldest first. */
  list(): Note[] {
    return [...this.notes.values()];
  }

  /** One note, or undefined. */
  get(id: string): Note | undefined {
    return this.notes.get(id);
  }

  /** Ids of all notes. */
  ids(): string[] {
    return [...this.notes.keys()];
  }

  /** True when the note's title or body contains `query` (case-insensitive). */
  matches(note: Note, query: string): boolean {
    const needle = query.toLowerCase();
    return note.title.toLowerCase().includes(needle) || note.body.toLowerCase().includes(needle);
  }
}

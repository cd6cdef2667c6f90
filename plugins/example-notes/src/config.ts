import { z } from 'zod';

/**
 * The plugin's config section (`plugins.settings.notes.config` in the host config), declared to
 * the host with `definePlugin({ config })`: the host validates it and hands the parsed value to
 * `setup` and to `@inject(PLUGIN_CONFIG)`.
 */
export const NotesConfigSchema = z.object({
  /** Most notes kept at once; `add_note` fails past it. */
  maxNotes: z.number().int().positive().default(100),
});

export type NotesConfig = z.output<typeof NotesConfigSchema>;

import { z } from 'zod';

/** The plugin's config section (`plugins.notes.config` in the host config). */
export const NotesConfigSchema = z.object({
  /** Most notes kept at once; `add_note` fails past it. Default 100. */
  maxNotes: z.number().int().positive().optional(),
});

export type NotesConfig = z.infer<typeof NotesConfigSchema>;

/** Validates the raw config section; throws a readable error (the host then reports the load as failed). */
export function parseNotesConfig(raw: unknown): NotesConfig {
  const result = NotesConfigSchema.safeParse(raw ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(config)'}: ${issue.message}`);
    throw new Error(`invalid notes config: ${problems.join('; ')}`);
  }
  return result.data;
}

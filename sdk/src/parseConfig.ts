import type { z, ZodType } from 'zod';
import type { Infer } from './schema.js';

type Issue = z.core.$ZodIssue;

/** One issue's text: a bad record key's own rule is in its nested issues, not in "Invalid key in record". */
const text = (i: Issue): string => (i.code === 'invalid_key' ? i.issues.map(text).join(', ') : i.message);

function fail(label: string, error: z.ZodError): never {
  throw new Error(`invalid ${label} config: ${error.issues.map((i) => `${i.path.map(String).join('.') || '(config)'}: ${text(i)}`).join('; ')}`);
}

/**
 * Parses a config section with a plugin's config schema, as the host does for
 * `definePlugin({ config })` (a missing section is `{}`), outside the host: in unit tests and tools.
 * Throws one Error naming every problem by its path within the section. For schemas with async
 * refinements or transforms use `parseConfigAsync`.
 */
export function parseConfig<S extends ZodType>(schema: S, raw: unknown, label = 'plugin'): Infer<S> {
  const parsed = schema.safeParse(raw ?? {});
  return parsed.success ? (parsed.data as Infer<S>) : fail(label, parsed.error);
}

/** `parseConfig` for schemas with async refinements or transforms. */
export async function parseConfigAsync<S extends ZodType>(schema: S, raw: unknown, label = 'plugin'): Promise<Infer<S>> {
  const parsed = await schema.safeParseAsync(raw ?? {});
  return parsed.success ? (parsed.data as Infer<S>) : fail(label, parsed.error);
}

import { z } from 'zod';

/** How every tool takes a path; the PathGuard decides whether it may be used. */
export const PathArg = z.string().min(1).describe('Absolute path, file:// URI, or a path relative to the working folder (set_working_folder; default: the first root)');

/** Annotations of the tools that change nothing. */
export const READ_ONLY = { readOnlyHint: true, openWorldHint: false } as const;

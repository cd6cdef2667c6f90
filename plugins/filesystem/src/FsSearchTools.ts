import { readFile, stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import picomatch from 'picomatch';
import { z } from 'zod';
import { Tool, ToolError, inject, injectable, type CallToolResult, type ToolContext } from '@mcp-host/sdk';
import { PathArg, READ_ONLY } from './args.js';
import { FS_SETTINGS, type FilesystemSettings } from './config.js';
import { decodeText } from './fileKinds.js';
import { PathGuard, type GuardedPath } from './PathGuard.js';
import { walk, type WalkOutcome } from './walk.js';

const SearchBase = PathArg.optional().describe('Folder to search (default: the working folder, else every root)');
const SearchFilesInput = z.object({
  pattern: z.string().min(1).describe('Glob matched against paths relative to the searched folder, e.g. "src/**/*.ts"; a pattern without "/" matches names at any depth'),
  path: SearchBase,
});
const MatchOut = z.object({ path: z.string(), uri: z.string(), type: z.enum(['file', 'directory', 'symlink', 'other']) });
const SearchFilesOutput = z.object({ matches: z.array(MatchOut), truncated: z.boolean(), entriesScanned: z.number() });

const SearchContentInput = z.object({
  query: z.string().min(1).max(1000).describe('Text to find (a regular expression when regex is true)'),
  path: SearchBase,
  glob: z.string().min(1).optional().describe('Only files whose relative path matches this glob'),
  regex: z.boolean().default(false),
  caseSensitive: z.boolean().default(false),
});
const LineOut = z.object({ path: z.string(), line: z.number(), text: z.string() });
const SearchContentOutput = z.object({ matches: z.array(LineOut), truncated: z.boolean(), filesSearched: z.number(), filesSkipped: z.number() });

const MAX_LINE = 300;

/** A glob matcher; a pattern without "/" matches names at any depth (picomatch's own basename mode misreads patterns with "/"). */
const globMatcher = (pattern: string) => picomatch(pattern, { dot: true, basename: !pattern.includes('/') });

/**
 * The searches: by glob over paths, and by text over file contents. Both walk the tree without
 * entering symbolic links or ignored folders, and stop at the configured limits (saying so).
 */
@injectable()
export class FsSearchTools {
  constructor(
    private readonly guard: PathGuard,
    @inject(FS_SETTINGS) private readonly settings: FilesystemSettings,
  ) {}

  @Tool({
    name: 'search_files',
    title: 'Search files by glob',
    description: 'Finds files and folders whose path matches a glob (symbolic links are listed but not entered; ignored folders such as .git and node_modules are skipped).',
    input: SearchFilesInput,
    output: SearchFilesOutput,
    annotations: READ_ONLY,
  })
  async searchFiles({ pattern, path: input }: z.infer<typeof SearchFilesInput>, ctx: ToolContext): Promise<CallToolResult> {
    const isMatch = globMatcher(pattern);
    const matches: z.infer<typeof MatchOut>[] = [];
    let scanned = 0;
    let truncated = false;
    for (const base of await this.bases(input, ctx)) {
      const outcome = await walk(base.path, this.walkOptions(ctx, scanned), (entry) => {
        if (isMatch(entry.rel)) matches.push({ path: entry.path, uri: pathToFileURL(entry.path).href, type: entry.type });
        return matches.length < this.settings.maxSearchResults;
      });
      ({ scanned, truncated } = this.tally(outcome, scanned, matches.length));
      if (truncated) break;
    }
    const lines = matches.map((m) => (m.type === 'directory' ? `${m.path}/` : m.path));
    if (truncated) lines.push(`… stopped early (maxSearchResults ${this.settings.maxSearchResults} or maxSearchEntries ${this.settings.maxSearchEntries}); narrow the pattern or the folder`);
    return { content: [{ type: 'text', text: lines.join('\n') || `No path matches ${pattern}.` }], structuredContent: { matches, truncated, entriesScanned: scanned } };
  }

  @Tool({
    name: 'search_content',
    title: 'Search file contents',
    description: 'Finds the lines of text files that contain the query (case-insensitive unless caseSensitive). Binary files and files over the read limit are skipped.',
    input: SearchContentInput,
    output: SearchContentOutput,
    annotations: READ_ONLY,
  })
  async searchContent({ query, path: input, glob, regex, caseSensitive }: z.infer<typeof SearchContentInput>, ctx: ToolContext): Promise<CallToolResult> {
    const test = this.lineMatcher(query, regex, caseSensitive);
    const wanted = glob ? globMatcher(glob) : () => true;
    const matches: z.infer<typeof LineOut>[] = [];
    let searched = 0;
    let skipped = 0;
    let scanned = 0;
    let truncated = false;
    for (const base of await this.bases(input, ctx)) {
      const outcome = await walk(base.path, this.walkOptions(ctx, scanned), async (entry) => {
        if (entry.type !== 'file' || !wanted(entry.rel)) return true;
        const size = await stat(entry.path).then((s) => s.size, () => Infinity);
        const text = size <= this.settings.maxReadBytes ? decodeText(await readFile(entry.path).catch(() => Buffer.alloc(0))) : undefined;
        if (text === undefined) return void skipped++, true;
        searched++;
        for (const [index, line] of text.split(/\r?\n/).entries()) {
          if (!test(line)) continue;
          matches.push({ path: entry.path, line: index + 1, text: line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line });
          if (matches.length >= this.settings.maxSearchResults) return false;
        }
        if (searched % 50 === 0) await ctx.progress(searched, undefined, `searched ${searched} files`);
        return true;
      });
      ({ scanned, truncated } = this.tally(outcome, scanned, matches.length));
      if (truncated) break;
    }
    const lines = matches.map((m) => `${m.path}:${m.line}: ${m.text}`);
    if (truncated) lines.push(`… stopped early (maxSearchResults ${this.settings.maxSearchResults} or maxSearchEntries ${this.settings.maxSearchEntries}); narrow the query, the folder or the glob`);
    return {
      content: [{ type: 'text', text: lines.join('\n') || `No line matches ${JSON.stringify(query)} (${searched} files searched).` }],
      structuredContent: { matches, truncated, filesSearched: searched, filesSkipped: skipped },
    };
  }

  /** The folders a search starts from: the given one, else the caller's working folder, else every root. */
  private async bases(input: string | undefined, ctx: ToolContext): Promise<GuardedPath[]> {
    if (input === undefined) {
      const workingFolder = await this.guard.workingFolder(ctx);
      return workingFolder ? [workingFolder] : Promise.all(this.guard.configuredRoots.map((r) => this.guard.resolve(r.real, 'read')));
    }
    const base = await this.guard.resolve(input, 'read', { ctx });
    if (!(await stat(base.path)).isDirectory()) throw new ToolError(`${input} is a file, not a folder to search in.`);
    return [base];
  }

  private walkOptions(ctx: ToolContext, scanned: number) {
    return { ignore: new Set(this.settings.ignore), maxEntries: this.settings.maxSearchEntries - scanned, signal: ctx.signal };
  }

  private tally(outcome: WalkOutcome, scanned: number, found: number): { scanned: number; truncated: boolean } {
    return { scanned: scanned + outcome.visited, truncated: outcome.truncated || found >= this.settings.maxSearchResults };
  }

  private lineMatcher(query: string, regex: boolean, caseSensitive: boolean): (line: string) => boolean {
    if (regex) {
      let re: RegExp;
      try {
        re = new RegExp(query, caseSensitive ? 'u' : 'iu');
      } catch (e) {
        throw new ToolError(`query is not a valid regular expression: ${(e as Error).message}`);
      }
      return (line) => re.test(line);
    }
    if (caseSensitive) return (line) => line.includes(query);
    const needle = query.toLowerCase();
    return (line) => line.toLowerCase().includes(needle);
  }
}

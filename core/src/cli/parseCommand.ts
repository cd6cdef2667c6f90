import { parseFlags, UsageError, type ParsedFlags } from './parseFlags.js';

/** What the command line asks for: serve (optionally as the dev loop), or scaffold a plugin. */
export type Command =
  | { readonly kind: 'serve'; readonly flags: ParsedFlags }
  | { readonly kind: 'new-plugin'; readonly dir: string; readonly language: 'ts' | 'js' }
  | { readonly kind: 'help'; readonly topic: 'main' | 'new' };

const NEW_USAGE = 'usage: mcp-host new plugin <dir> [--ts|--js]';

/**
 * Reads the sub-command (`new plugin …`, `dev …`) or the plain flags of `mcp-host [options]`.
 * Mistakes throw UsageError (one line, exit status 2), as flags' do.
 */
export function parseCommand(argv: string[]): Command {
  const [first, ...rest] = argv;
  if (first === 'new') return parseNew(rest);
  if (first === 'dev') return { kind: 'serve', flags: parseFlags(rest, { positionalPlugins: true }) };
  return { kind: 'serve', flags: parseFlags(argv) };
}

function parseNew(argv: string[]): Command {
  const [what, ...rest] = argv;
  if (what === '--help' || what === '-h') return { kind: 'help', topic: 'new' };
  if (what !== 'plugin') throw new UsageError(`mcp-host new makes a plugin: ${NEW_USAGE}${what ? ` (got "${what}")` : ''}`);
  const positionals: string[] = [];
  let language: 'ts' | 'js' | undefined;
  for (const arg of rest) {
    if (arg === '--help' || arg === '-h') return { kind: 'help', topic: 'new' };
    if (arg === '--ts' || arg === '--js') {
      const chosen = arg === '--ts' ? 'ts' : 'js';
      if (language && language !== chosen) throw new UsageError(`choose one of --ts and --js (${NEW_USAGE})`);
      language = chosen;
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg} (${NEW_USAGE})`);
    else positionals.push(arg);
  }
  if (positionals.length !== 1) throw new UsageError(`${positionals.length === 0 ? 'name the folder to create' : 'one folder at a time'}: ${NEW_USAGE}`);
  return { kind: 'new-plugin', dir: positionals[0]!, language: language ?? 'ts' };
}

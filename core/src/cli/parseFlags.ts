import { parseArgs } from 'node:util';
import type { ConfigOverrides, LogLevel } from '@mcp-host/config';

export interface ParsedFlags {
  readonly help: boolean;
  readonly version: boolean;
  readonly configFile?: string;
  /** `--dev` (or `mcp-host dev`): compile TypeScript plugins on save and reload them (see cli/dev). */
  readonly dev: boolean;
  readonly overrides: ConfigOverrides;
}

/** A command-line mistake: the CLI prints its message on one line and exits with status 2. */
export class UsageError extends Error {}

/**
 * Parses the command line into config overrides; unknown flags and bad values throw UsageError.
 * With `positionalPlugins` (the `dev` command) bare arguments are plugin paths, like `--plugins`.
 */
export function parseFlags(argv: string[], { positionalPlugins = false } = {}): ParsedFlags {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: positionalPlugins,
      options: {
        port: { type: 'string' },
        'admin-port': { type: 'string' },
        host: { type: 'string' },
        stdio: { type: 'boolean' },
        'no-watch': { type: 'boolean' },
        dev: { type: 'boolean' },
        plugins: { type: 'string', multiple: true },
        config: { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]} (see mcp-host --help)`);
  }
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got "${values.port}"`);
  }
  let adminPort: number | undefined;
  const admin = values['admin-port'];
  if (admin !== undefined) {
    adminPort = Number(admin);
    if (!/^\d+$/.test(admin) || adminPort > 65535) throw new UsageError(`--admin-port must be an integer from 0 to 65535, got "${admin}"`);
  }
  const dev = positionalPlugins || (values.dev ?? false);
  // The dev loop is compile-then-reload: without the watcher a save would change nothing served.
  if (dev && values['no-watch']) throw new UsageError('--dev and --no-watch contradict each other: the dev loop reloads what it compiles');
  const plugins = [...(values.plugins ?? []), ...positionals];
  return {
    help: values.help ?? false,
    dev,
    version: values.version ?? false,
    configFile: values.config,
    overrides: {
      server: { port, host: values.host },
      stdio: values.stdio,
      // Given, it turns the admin listener on (loopback unless the config file says otherwise).
      admin: adminPort !== undefined ? { port: adminPort } : undefined,
      logLevel: values['log-level'] as LogLevel | undefined,
      plugins: plugins.length > 0 || values['no-watch'] || dev ? { paths: plugins.length > 0 ? plugins : undefined, watch: values['no-watch'] ? false : dev ? true : undefined } : undefined,
    },
  };
}

import { parseArgs } from 'node:util';
import type { ConfigOverrides, LogLevel } from '@mcp-host/config';

export interface ParsedFlags {
  readonly help: boolean;
  readonly version: boolean;
  readonly configFile?: string;
  readonly overrides: ConfigOverrides;
}

/** A command-line mistake: the CLI prints its message on one line and exits with status 2. */
export class UsageError extends Error {}

/** Parses the command line into config overrides; unknown flags and bad values throw UsageError. */
export function parseFlags(argv: string[]): ParsedFlags {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        'admin-port': { type: 'string' },
        host: { type: 'string' },
        stdio: { type: 'boolean' },
        'no-watch': { type: 'boolean' },
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
  return {
    help: values.help ?? false,
    version: values.version ?? false,
    configFile: values.config,
    overrides: {
      server: { port, host: values.host },
      stdio: values.stdio,
      // Given, it turns the admin listener on (loopback unless the config file says otherwise).
      admin: adminPort !== undefined ? { port: adminPort } : undefined,
      logLevel: values['log-level'] as LogLevel | undefined,
      plugins: values.plugins || values['no-watch'] ? { paths: values.plugins, watch: values['no-watch'] ? false : undefined } : undefined,
    },
  };
}

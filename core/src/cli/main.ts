import { ConfigError, loadConfig } from '@mcp-host/config';
import { Host } from '../kernel/Host.js';
import { missingPluginPaths } from '../kernel/missingPluginPaths.js';
import { HOST_VERSION } from '../version.js';
import type { DevLoop } from './dev/startDevLoop.js';
import type { DevLog } from './dev/TsDevCompiler.js';
import { parseCommand } from './parseCommand.js';
import { UsageError } from './parseFlags.js';
import { NEW_USAGE, USAGE } from './usage.js';

/** Prints one clear line and exits: the CLI's contract for every start-up failure. */
function die(message: string, code: number): never {
  process.stderr.write(`mcp-host: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let command;
  try {
    command = parseCommand(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) die(e.message, 2);
    throw e;
  }
  if (command.kind === 'help') return void process.stdout.write(command.topic === 'new' ? NEW_USAGE : USAGE);
  if (command.kind === 'new-plugin') {
    try {
      // The scaffold and the dev loop are imported only when asked for: serving (above all a stdio host
      // a client spawns and waits on) starts without their modules and the file watcher behind them.
      const { runNewPlugin } = await import('./runNewPlugin.js');
      return void process.stdout.write(await runNewPlugin(command.dir, command.language));
    } catch (e) {
      die((e as Error).message, 1);
    }
  }
  const flags = command.flags;
  if (flags.help) return void process.stdout.write(USAGE);
  if (flags.version) return void process.stdout.write(`${HOST_VERSION}\n`);

  let config;
  try {
    config = await loadConfig({ file: flags.configFile, flags: flags.overrides, env: process.env });
  } catch (e) {
    if (e instanceof ConfigError) die(e.message, 2);
    throw e;
  }
  const missing = missingPluginPaths(config.plugins.paths);
  if (missing.length > 0) die(`plugin path not found: ${missing.join(', ')} (check --plugins / plugins.paths)`, 2);
  // In the dev loop an edit that changes a tool's contract is the point, not a release: warn, do not refuse.
  if (flags.dev) config = { ...config, plugins: { ...config.plugins, watch: true, breakingChanges: 'warn' as const } };

  // The dev loop builds TypeScript plugins before the host loads them; its lines wait for the host's logger.
  let devLoop: DevLoop | undefined;
  const early: Array<[keyof DevLog, Record<string, unknown>, string]> = [];
  let devTarget: DevLog | undefined;
  const devLog: DevLog = {
    info: (f, m) => (devTarget ? devTarget.info(f, m) : void early.push(['info', f, m])),
    error: (f, m) => (devTarget ? devTarget.error(f, m) : void early.push(['error', f, m])),
  };
  if (flags.dev) devLoop = await (await import('./dev/startDevLoop.js')).startDevLoop(config.plugins.paths, devLog);

  // Signals are handled from before the start, so a SIGTERM during start-up still exits 0 (nothing to keep then).
  // The first signal drains (calls in flight finish within server.drainTimeoutMs); a second one exits at once.
  let host: Host | undefined;
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) {
      host?.logger.warn({ signal }, 'second signal: exiting without waiting for calls in flight');
      host?.logger.flush?.();
      process.exit(1);
    }
    stopping = true;
    host?.logger.info({ signal, drainTimeoutMs: config.server.drainTimeoutMs }, 'shutting down: draining calls in flight');
    await devLoop?.close();
    await host?.shutdown();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    host = await Host.start({ config });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') die(`port ${config.server.port} on ${config.server.host} is in use; choose another with --port`, 1);
    if (err.code === 'EADDRNOTAVAIL' || err.code === 'EACCES') die(`cannot listen on ${config.server.host}:${config.server.port} (${err.code}); check --host / --port`, 1);
    die(`failed to start: ${err.message}`, 1);
  }
  if (devLoop) {
    devTarget = host.logger;
    for (const [level, fields, message] of early.splice(0)) devTarget[level](fields, message);
    await devLoop.watch();
    host.logger.info({ plugins: devLoop.compilers.map((c) => c.layout.pluginDir) }, 'dev: compiling TypeScript plugins on save');
  }

  if (config.stdio) {
    await host.serveStdio();
    // stdin ended (or a signal stopped the reading): what the client sent is still answered, within
    // server.drainTimeoutMs, before exiting. shutdown() is one drain however often it is called.
    await host.shutdown();
    process.exit(0);
  }
}

main().catch((e) => die(`unexpected error: ${(e as Error)?.stack ?? String(e)}`, 1));

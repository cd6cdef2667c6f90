import { pino, type Logger } from 'pino';
import { logMaskingHooks } from '../../auth/logMasking.js';
import type { WorkerInit } from './workerProtocol.js';

/**
 * The logger of an isolated plugin (worker thread or child process): pino JSON on stderr like the
 * host's, censored by the host's redact paths and masked by its fields and patterns, so a plugin's
 * log lines are no less masked for running apart. Synchronous: an isolated runtime may be ended at
 * any moment (a crash, a memory cap), and its last lines are the ones that say why.
 */
export function pluginLogger(init: WorkerInit): Logger {
  const hooks = logMaskingHooks(init.logMask);
  return pino(
    { name: 'mcp-host', level: init.logLevel, base: { pid: process.pid, worker: true }, ...(init.logRedact?.length ? { redact: { paths: [...init.logRedact], censor: '[REDACTED]' } } : {}), ...(hooks ? { hooks } : {}) },
    pino.destination({ fd: 2, sync: true }),
  );
}

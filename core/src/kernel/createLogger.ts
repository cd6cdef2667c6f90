import { pino, type Logger } from 'pino';
import { logMaskingHooks, type LogMask } from '../auth/logMasking.js';

/**
 * The host's root logger. Logs go to stderr in every mode: on stdio, stdout belongs to the MCP
 * stream, and one rule for both modes keeps log collection simple. `redact` paths are censored in
 * every line, the plugins' included (their loggers are children of this one); with `mask`, every
 * string of a line (messages, errors and their stacks included) is masked by pattern and field too.
 */
export function createLogger(level: string, redact: readonly string[] = [], mask?: LogMask): Logger {
  const hooks = logMaskingHooks(mask);
  return pino(
    { name: 'mcp-host', level, base: { pid: process.pid }, ...(redact.length > 0 ? { redact: { paths: [...redact], censor: '[REDACTED]' } } : {}), ...(hooks ? { hooks } : {}) },
    pino.destination({ fd: 2, sync: false }),
  );
}

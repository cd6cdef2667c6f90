import { pino, type Logger } from 'pino';

/**
 * The host's root logger. Logs go to stderr in every mode: on stdio, stdout belongs to the MCP
 * stream, and one rule for both modes keeps log collection simple. `redact` paths are censored in
 * every line, the plugins' included (their loggers are children of this one).
 */
export function createLogger(level: string, redact: readonly string[] = []): Logger {
  return pino({ name: 'mcp-host', level, base: { pid: process.pid }, ...(redact.length > 0 ? { redact: { paths: [...redact], censor: '[REDACTED]' } } : {}) }, pino.destination({ fd: 2, sync: false }));
}

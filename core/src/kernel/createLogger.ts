import { pino, type Logger } from 'pino';

/**
 * The host's root logger. Logs go to stderr in every mode: on stdio, stdout belongs to the MCP
 * stream, and one rule for both modes keeps log collection simple.
 */
export function createLogger(level: string): Logger {
  return pino({ name: 'mcp-host', level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: false }));
}

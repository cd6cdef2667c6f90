import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

/** A pino logger whose lines are kept in memory (parsed), for asserting what a plugin logged. */
export interface TestLogger extends Logger {
  /** Every line logged so far, as pino wrote it (`level` is pino's number, `msg` the message). */
  readonly lines: Array<Record<string, unknown> & { level: number; msg?: string }>;
}

/**
 * A real pino logger (level `trace`, so nothing is filtered) writing to memory: the plugin code under
 * test gets the same API it gets from the host (`child`, `info(obj, msg)`…), and a test can read
 * what was logged instead of hand-rolling `{ info: () => … } as unknown as Logger`.
 */
export function createTestLogger(): TestLogger {
  const lines: TestLogger['lines'] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  // pino writes synchronously to a plain Writable, so a line is in `lines` when the call returns.
  const logger = pino({ level: 'trace', base: undefined, timestamp: false }, sink) as TestLogger;
  Object.defineProperty(logger, 'lines', { value: lines });
  return logger;
}

import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { logRedactPaths } from './logRedaction.js';

function capture(fields: string[]) {
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  return { logger: pino({ redact: { paths: logRedactPaths(fields), censor: '[REDACTED]' } }, stream), lines };
}

describe('logRedactPaths', () => {
  it('censors credentials and configured fields a few levels deep, including names that are not identifiers', () => {
    const { logger, lines } = capture(['ssn', 'card-number']);
    logger.info({ headers: { authorization: 'Bearer x' }, req: { headers: { authorization: 'Bearer y' } }, ssn: 1, customer: { ssn: 2, nested: { ssn: 3, 'card-number': 4 } }, keep: 'k' }, 'm');
    const line = JSON.parse(lines[0]!);
    expect(line.headers.authorization).toBe('[REDACTED]');
    expect(line.req.headers.authorization).toBe('[REDACTED]');
    expect(line.ssn).toBe('[REDACTED]');
    expect(line.customer).toEqual({ ssn: '[REDACTED]', nested: { ssn: '[REDACTED]', 'card-number': '[REDACTED]' } });
    expect(line.keep).toBe('k');
  });
});

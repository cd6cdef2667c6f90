import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestLogger } from '@mcp-host/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDatabaseConfig } from './config.js';
import { Databases } from './Databases.js';
import { ADMIN_ROLE, ADMIN_URL, createRole, type TestRole } from './testing/pgRoles.js';

const dir = mkdtempSync(join(tmpdir(), 'mcp-db-databases-'));
let reader: TestRole;

beforeAll(async () => {
  reader = await createRole('mcp_reader');
});
afterAll(async () => {
  await reader?.drop();
  rmSync(dir, { recursive: true, force: true });
});

function databasesOf(connections: Record<string, unknown>) {
  const logger = createTestLogger();
  // The warn lines (pino level 40) so far, their fields beside `msg`.
  const warnings = () => logger.lines.filter((l) => l.level === 40);
  return { databases: new Databases(parseDatabaseConfig({ connections }), logger), warnings };
}

describe('Databases.checkRoles', () => {
  it('refuses every read-only connection whose role can do more than read, in one error', async () => {
    const { databases } = databasesOf({ main: { url: ADMIN_URL }, other: { url: ADMIN_URL, schemas: ['public'] }, reader: { url: reader.url }, lite: { file: join(dir, 'x.db') } });
    try {
      const message = await databases.checkRoles().then(
        () => '',
        (e: Error) => e.message,
      );
      expect(message).toMatch(/^2 connections refused: /);
      expect(message).toContain(`connection "main" is read-only, but its role "${ADMIN_ROLE}" can do more than read: it is a superuser (rolsuper)`);
      expect(message).toContain('connection "other" is read-only');
      expect(message).not.toContain('"reader"');
    } finally {
      await databases.close();
    }
  });

  it('serves a least-privilege role; warns about a superuser on a connection that allows writes or says roleCheck: warn', async () => {
    const { databases, warnings } = databasesOf({ reader: { url: reader.url }, admin: { url: ADMIN_URL, allowWrites: true }, loose: { url: ADMIN_URL, roleCheck: 'warn' }, unchecked: { url: ADMIN_URL, roleCheck: 'off' } });
    try {
      await databases.checkRoles();
      expect(warnings().map((w) => [w.connection, w.role]).sort()).toEqual([
        ['admin', ADMIN_ROLE],
        ['loose', ADMIN_ROLE],
      ]);
      expect(warnings().find((w) => w.connection === 'admin')!.msg!.startsWith(`connection "admin" allows writes, and its role "${ADMIN_ROLE}" reaches past the database: it is a superuser`)).toBe(true);
    } finally {
      await databases.close();
    }
  });

  it('only warns about a database it cannot reach yet: the check runs again before the first statement', async () => {
    const { databases, warnings } = databasesOf({ down: { url: 'postgres://postgres@127.0.0.1:1/test', pool: { connectionTimeoutMs: 1000 } } });
    try {
      await databases.checkRoles();
      expect(warnings()).toHaveLength(1);
      expect(warnings()[0]!.msg).toBe('cannot check the database role of connection "down" now; it is checked before its first statement');
      await expect(databases.get('down').connection.run('SELECT 1', [], { readOnly: true, maxRows: 1, maxResultBytes: 1024, timeoutMs: 1000 })).rejects.toThrow('cannot connect to PostgreSQL for connection "down"');
    } finally {
      await databases.close();
    }
  });
});

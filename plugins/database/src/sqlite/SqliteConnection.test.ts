import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestLogger } from '@mcp-host/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseError, type RunOptions } from '../Connection.js';
import { SqliteConnection } from './SqliteConnection.js';

const logger = createTestLogger();
const dir = mkdtempSync(join(tmpdir(), 'mcp-db-sqlite-'));
const file = join(dir, 'test.db');
const opts = (o: Partial<RunOptions> = {}): RunOptions => ({ readOnly: true, maxRows: 100, maxResultBytes: 100_000, timeoutMs: 5000, ...o });

let rw: SqliteConnection;
let ro: SqliteConnection;

beforeAll(async () => {
  rw = new SqliteConnection({ name: 'rw', file, allowWrites: true }, logger);
  ro = new SqliteConnection({ name: 'ro', file, allowWrites: false }, logger);
  await rw.run('CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, team_id INTEGER REFERENCES teams(id))', [], opts({ readOnly: false }));
  await rw.run('CREATE TABLE teams (id INTEGER PRIMARY KEY, title TEXT UNIQUE)', [], opts({ readOnly: false }));
  await rw.run('CREATE INDEX users_email ON users (email)', [], opts({ readOnly: false }));
  const inserted = await rw.run(
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50) INSERT INTO users (id, name, email) SELECT i, 'user' || i, 'u' || i || '@example.com' FROM n",
    [],
    opts({ readOnly: false }),
  );
  expect(inserted.affectedRows).toBe(50);
});

afterAll(async () => {
  await rw?.close();
  await ro?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SqliteConnection', () => {
  it('runs a parameterised query and names each column with its table', async () => {
    const r = await ro.run('SELECT id, name AS who, upper(email) AS e FROM users WHERE id = ? OR id = ?2', [3, 4], opts());
    expect(r.rows).toEqual([
      [3, 'user3', 'U3@EXAMPLE.COM'],
      [4, 'user4', 'U4@EXAMPLE.COM'],
    ]);
    expect(r.columns).toEqual([
      { name: 'id', origin: { table: 'users', column: 'id' } },
      { name: 'who', origin: { table: 'users', column: undefined } },
      { name: 'e', origin: undefined },
    ]);
    expect(r.cut).toBeUndefined();
  });

  it('keeps duplicate column names apart and makes values JSON-safe', async () => {
    const r = await ro.run("SELECT 1 AS a, 2 AS a, 9007199254740993 AS big, x'00ff' AS b, 1.5 AS f", [], opts());
    expect(r.rows).toEqual([[1, 2, '9007199254740993', '\\x00ff', 1.5]]);
  });

  it('refuses a write on the read-only handle with SQLite’s own message', async () => {
    await expect(ro.run("INSERT INTO users (id, name) VALUES (100, 'x')", [], opts())).rejects.toThrow('attempt to write a readonly database');
    // The writable connection's query path is read-only too.
    await expect(rw.run("DELETE FROM users", [], opts())).rejects.toThrow('attempt to write a readonly database');
    expect((await ro.run('SELECT count(*) FROM users', [], opts())).rows).toEqual([[50]]);
  });

  it('refuses writes on a connection that does not allow them, before SQLite sees them', async () => {
    await expect(ro.run("INSERT INTO users (id, name) VALUES (100, 'x')", [], opts({ readOnly: false }))).rejects.toThrow('connection "ro" is read-only');
  });

  it('refuses more than one statement instead of running only the first', async () => {
    await expect(ro.run('SELECT 1; DROP TABLE users', [], opts())).rejects.toThrow('holds 2 statements');
    await expect(ro.run('  -- nothing\n', [], opts())).rejects.toThrow('no statement');
    expect((await ro.run("SELECT ';' AS semi; -- trailing comment", [], opts())).rows).toEqual([[';']]);
  });

  it('refuses ATTACH and VACUUM INTO, which would reach other files', async () => {
    await expect(ro.run(`ATTACH DATABASE '${join(dir, 'other.db')}' AS other`, [], opts())).rejects.toThrow('ATTACH and DETACH are not allowed');
    await expect(rw.run(`VACUUM INTO '${join(dir, 'copy.db')}'`, [], opts({ readOnly: false }))).rejects.toThrow('VACUUM INTO is not allowed');
    expect(existsSync(join(dir, 'copy.db'))).toBe(false);
  });

  it('reports SQL errors with the database message', async () => {
    await expect(ro.run('SELEC 1', [], opts())).rejects.toThrow('near "SELEC": syntax error');
    await expect(ro.run('SELECT nope FROM users', [], opts())).rejects.toThrow('no such column: nope');
  });

  it('cuts rows at the row limit and at the size limit', async () => {
    const byRows = await ro.run('SELECT id FROM users ORDER BY id', [], opts({ maxRows: 10 }));
    expect(byRows.rows).toHaveLength(10);
    expect(byRows.cut).toBe('rows');
    const exact = await ro.run('SELECT id FROM users ORDER BY id LIMIT 10', [], opts({ maxRows: 10 }));
    expect(exact.cut).toBeUndefined();
    const byBytes = await ro.run('SELECT id, email FROM users ORDER BY id', [], opts({ maxResultBytes: 200 }));
    expect(byBytes.cut).toBe('bytes');
    expect(byBytes.rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(byBytes.rows).length).toBeLessThanOrEqual(200);
  });

  it('stops a statement past its timeout, and serves the next one from a new worker', async () => {
    const started = Date.now();
    const endless = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';
    await expect(ro.run(endless, [], opts({ timeoutMs: 300 }))).rejects.toThrow('statement timeout (300 ms)');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(existsSync(`${file}.lock`)).toBe(false);
    expect((await ro.run('SELECT count(*) FROM users', [], opts())).rows).toEqual([[50]]);
  });

  it('stops a statement when the call is cancelled', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const endless = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';
    await expect(ro.run(endless, [], opts({ signal: controller.signal }))).rejects.toThrow('cancelled');
    expect((await ro.run('SELECT 1', [], opts())).rows).toEqual([[1]]);
  });

  it('writes through execute on a writable connection and returns RETURNING rows', async () => {
    const r = await rw.run("INSERT INTO teams (id, title) VALUES (?, ?) RETURNING id, title", [1, 'core'], opts({ readOnly: false }));
    expect(r.rows).toEqual([[1, 'core']]);
    const u = await rw.run('UPDATE users SET team_id = 1 WHERE id <= 5', [], opts({ readOnly: false }));
    expect(u.affectedRows).toBe(5);
  });

  it('lists and describes tables', async () => {
    expect(await ro.listTables({ timeoutMs: 5000 })).toEqual([
      { name: 'teams', kind: 'table' },
      { name: 'users', kind: 'table' },
    ]);
    const d = await ro.describeTable('users', { timeoutMs: 5000 });
    expect(d).toMatchObject({
      name: 'users',
      kind: 'table',
      primaryKey: ['id'],
      indexes: [{ name: 'users_email', columns: ['email'], unique: false }],
      foreignKeys: [{ columns: ['team_id'], references: { table: 'teams', columns: ['id'] } }],
    });
    expect(d!.columns.map((c) => [c.name, c.type, c.nullable, c.primaryKey])).toEqual([
      ['id', 'INTEGER', false, true],
      ['name', 'TEXT', false, false],
      ['email', 'TEXT', true, false],
      ['team_id', 'INTEGER', true, false],
    ]);
    expect(await ro.describeTable('missing', { timeoutMs: 5000 })).toBeUndefined();
  });

  it('starts every call on a clean handle: no transaction, temp table or PRAGMA outlives its call', async () => {
    const w = opts({ readOnly: false });
    // An open transaction would keep the file locked: another connection's write would find it busy.
    const other = new SqliteConnection({ name: 'other', file, allowWrites: true }, logger);
    try {
      await ro.run('BEGIN', [], opts());
      await ro.run('SELECT count(*) FROM users', [], opts());
      await other.run("INSERT INTO teams (id, title) VALUES (90, 'after a BEGIN through query')", [], w);
      await rw.run('BEGIN IMMEDIATE', [], w);
      expect((await other.run('DELETE FROM teams WHERE id = 90', [], w)).affectedRows).toBe(1);
    } finally {
      await other.close();
    }
    await ro.run('CREATE TEMP TABLE leak (id INTEGER)', [], opts());
    expect((await ro.run('SELECT count(*) FROM temp.sqlite_schema', [], opts())).rows).toEqual([[0]]);
    const before = (await ro.run('PRAGMA foreign_keys', [], opts())).rows;
    await ro.run(`PRAGMA foreign_keys = ${before[0]![0] ? 'OFF' : 'ON'}`, [], opts());
    expect((await ro.run('PRAGMA foreign_keys', [], opts())).rows).toEqual(before);
    await ro.run('PRAGMA case_sensitive_like = ON', [], opts());
    expect((await ro.run("SELECT 'a' LIKE 'A'", [], opts())).rows).toEqual([[1]]);
  });

  it('reports no role to check', async () => {
    await expect(ro.checkRole()).resolves.toBeUndefined();
  });

  it('says plainly when the file does not exist', async () => {
    const missing = new SqliteConnection({ name: 'missing', file: join(dir, 'nope.db'), allowWrites: false }, logger);
    await expect(missing.run('SELECT 1', [], opts())).rejects.toBeInstanceOf(DatabaseError);
    await expect(missing.run('SELECT 1', [], opts())).rejects.toThrow('SQLite database file not found');
    await missing.close();
  });
});

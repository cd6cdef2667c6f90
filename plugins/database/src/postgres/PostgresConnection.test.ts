import { randomInt } from 'node:crypto';
import { createTestLogger } from '@mcp-host/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoleRefusedError, type RunOptions } from '../Connection.js';
import { ADMIN_ROLE, ADMIN_URL as PG_URL, createRole, uniqueName, type TestRole } from '../testing/pgRoles.js';
import { PostgresConnection } from './PostgresConnection.js';

/** The machines' PostgreSQL (trust auth); each run works in a schema and with a role of its own, and drops both. */
const schema = uniqueName('mcp_db_unit');
const logger = createTestLogger();
const pool = { max: 3, idleTimeoutMs: 1000, connectionTimeoutMs: 5000 };
const opts = (o: Partial<RunOptions> = {}): RunOptions => ({ readOnly: true, maxRows: 100, maxResultBytes: 100_000, timeoutMs: 5000, ...o });
/** A connection as the plugin builds one; the admin connection below is a superuser, so it allows writes (and would only warn). */
const connect = (o: Partial<ConstructorParameters<typeof PostgresConnection>[0]> = {}, log = logger) =>
  new PostgresConnection({ name: 'pg', url: PG_URL, allowWrites: true, roleCheck: 'warn', statementTimeoutMs: 5000, pool, ...o }, log);

let db: PostgresConnection;
let reader: TestRole;

beforeAll(async () => {
  db = connect();
  const w = opts({ readOnly: false });
  await db.run(`CREATE SCHEMA ${schema}`, [], w);
  await db.run(`CREATE TABLE ${schema}.teams (id int PRIMARY KEY, title text UNIQUE)`, [], w);
  await db.run(
    `CREATE TABLE ${schema}.users (id int PRIMARY KEY, name text NOT NULL, email text, team_id int REFERENCES ${schema}.teams(id), born date, data jsonb, big bigint, blob bytea, created timestamptz DEFAULT now())`,
    [],
    w,
  );
  await db.run(`COMMENT ON COLUMN ${schema}.users.email IS 'work address'`, [], w);
  const inserted = await db.run(
    `INSERT INTO ${schema}.users (id, name, email, born, data, big, blob) SELECT i, 'user' || i, 'u' || i || '@example.com', DATE '2000-01-01' + i, jsonb_build_object('i', i), 9007199254740993, '\\x00ff' FROM generate_series(1, 50) AS i`,
    [],
    w,
  );
  expect(inserted.affectedRows).toBe(50);
  reader = await createRole('mcp_reader', [`GRANT USAGE ON SCHEMA ${schema} TO {role}`, `GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO {role}`]);
});

afterAll(async () => {
  await db?.run(`DROP SCHEMA IF EXISTS ${schema} CASCADE`, [], opts({ readOnly: false })).catch(() => undefined);
  await db?.close();
  await reader?.drop();
});

describe('PostgresConnection', () => {
  it('runs a parameterised query; columns carry their type and, under any alias, their table column', async () => {
    const r = await db.run(`SELECT id, email AS contact, upper(name) AS shout, born, data, big, blob FROM ${schema}.users WHERE id = ANY($1) ORDER BY id`, [[2, 3]], opts());
    expect(r.rows).toEqual([
      [2, 'u2@example.com', 'USER2', '2000-01-03', { i: 2 }, '9007199254740993', '\\x00ff'],
      [3, 'u3@example.com', 'USER3', '2000-01-04', { i: 3 }, '9007199254740993', '\\x00ff'],
    ]);
    expect(r.columns.map((c) => [c.name, c.type, c.origin?.column])).toEqual([
      ['id', 'integer', 'id'],
      ['contact', 'text', 'email'],
      ['shout', 'text', undefined],
      ['born', 'date', 'born'],
      ['data', 'jsonb', 'data'],
      ['big', 'bigint', 'big'],
      ['blob', 'bytea', 'blob'],
    ]);
    expect(r.columns[1]!.origin).toEqual({ schema, table: 'users', column: 'email' });
    expect(r.command).toBe('SELECT');
  });

  it('refuses a write in the read-only transaction with PostgreSQL’s message', async () => {
    await expect(db.run(`DELETE FROM ${schema}.users`, [], opts())).rejects.toThrow('cannot execute DELETE in a read-only transaction (SQLSTATE 25006)');
    await expect(db.run(`SET TRANSACTION READ WRITE`, [], opts())).rejects.toThrow('transaction read-write mode must be set before any query');
    expect((await db.run(`SELECT count(*)::int FROM ${schema}.users`, [], opts())).rows).toEqual([[50]]);
  });

  it('refuses a second statement (extended protocol), so nothing escapes the read-only transaction', async () => {
    await expect(db.run(`COMMIT; DELETE FROM ${schema}.users`, [], opts())).rejects.toThrow('cannot insert multiple commands into a prepared statement');
    expect((await db.run(`SELECT count(*)::int FROM ${schema}.users`, [], opts())).rows).toEqual([[50]]);
  });

  it('does not let what a read-only statement set leak to the next user of the pooled client', async () => {
    await db.run(`SELECT set_config('search_path', '${schema}', false)`, [], opts());
    const r = await db.run(`SELECT current_setting('search_path')`, [], opts());
    expect(r.rows[0]![0]).not.toBe(schema);
  });

  it('reports SQL errors with the database message and where', async () => {
    await expect(db.run('SELEC 1', [], opts())).rejects.toThrow('syntax error at or near "SELEC" (SQLSTATE 42601, at character 1)');
    await expect(db.run(`SELECT nope FROM ${schema}.users`, [], opts())).rejects.toThrow('column "nope" does not exist');
  });

  it('cancels a statement past the statement timeout', async () => {
    const started = Date.now();
    await expect(db.run('SELECT pg_sleep(5)', [], opts({ timeoutMs: 300 }))).rejects.toThrow('canceling statement due to statement timeout (SQLSTATE 57014)');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('cancels the running statement on the server when the call is cancelled', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    await expect(db.run('SELECT pg_sleep(5)', [], opts({ signal: controller.signal }))).rejects.toThrow('cancelled');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('reads no more rows than the limits allow, and says which limit cut them', async () => {
    const byRows = await db.run(`SELECT id FROM ${schema}.users ORDER BY id`, [], opts({ maxRows: 10 }));
    expect(byRows.rows).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1]));
    expect(byRows.cut).toBe('rows');
    // 125,000 rows, streamed: only the first few are ever fetched.
    const endless = await db.run(`SELECT a.id FROM ${schema}.users a, ${schema}.users b, ${schema}.users c`, [], opts({ maxRows: 5 }));
    expect(endless.cut).toBe('rows');
    const byBytes = await db.run(`SELECT id, email FROM ${schema}.users ORDER BY id`, [], opts({ maxResultBytes: 300 }));
    expect(byBytes.cut).toBe('bytes');
    expect(JSON.stringify(byBytes.rows).length).toBeLessThanOrEqual(300);
  });

  it('commits writes when allowed, with the affected row count and RETURNING rows', async () => {
    const w = opts({ readOnly: false });
    const t = await db.run(`INSERT INTO ${schema}.teams (id, title) VALUES ($1, $2) RETURNING id, title`, [1, 'core'], w);
    expect(t.rows).toEqual([[1, 'core']]);
    const u = await db.run(`UPDATE ${schema}.users SET team_id = 1 WHERE id <= $1`, [5], w);
    expect(u.affectedRows).toBe(5);
    expect((await db.run(`SELECT count(*)::int FROM ${schema}.users WHERE team_id = 1`, [], opts())).rows).toEqual([[5]]);
    await expect(db.run(`INSERT INTO ${schema}.teams (id, title) VALUES (1, 'dup')`, [], w)).rejects.toThrow(/duplicate key value violates unique constraint "teams_pkey" \(SQLSTATE 23505\)\. Key \(id\)=\(1\) already exists/);
  });

  it('lists and describes tables', async () => {
    expect(await db.listTables({ schema, timeoutMs: 5000 })).toEqual([
      { schema, name: 'teams', kind: 'table' },
      { schema, name: 'users', kind: 'table' },
    ]);
    const d = await db.describeTable(`${schema}.users`, { timeoutMs: 5000 });
    expect(d).toMatchObject({
      schema,
      name: 'users',
      kind: 'table',
      primaryKey: ['id'],
      indexes: [{ name: 'users_pkey', columns: ['id'], unique: true }],
      foreignKeys: [{ columns: ['team_id'], references: { schema, table: 'teams', columns: ['id'] } }],
    });
    expect(d!.columns.find((c) => c.name === 'email')).toEqual({ name: 'email', type: 'text', nullable: true, default: null, primaryKey: false, comment: 'work address' });
    expect(d!.columns.find((c) => c.name === 'created')).toMatchObject({ type: 'timestamp with time zone', default: 'now()' });
    expect(await db.describeTable(`${schema}.missing`, { timeoutMs: 5000 })).toBeUndefined();
    expect(await db.describeTable('a.b.c.d', { timeoutMs: 5000 })).toBeUndefined();
  });

  it('says which connection could not connect', async () => {
    const down = connect({ name: 'down', url: 'postgres://postgres@127.0.0.1:1/test' });
    await expect(down.run('SELECT 1', [], opts())).rejects.toThrow(/cannot connect to PostgreSQL for connection "down": .*ECONNREFUSED/);
    await down.close();
  });
});

describe('PostgresConnection: every call starts on a clean session', () => {
  /** One backend only, so consecutive calls share it. */
  let one: PostgresConnection;
  const pid = async () => (await one.run('SELECT pg_backend_pid()', [], opts())).rows[0]![0];
  const value = async (sql: string) => (await one.run(sql, [], opts())).rows[0]![0];

  beforeAll(() => {
    one = connect({ name: 'one', pool: { ...pool, max: 1 } });
  });
  afterAll(async () => {
    await one?.close();
  });

  it('releases a session advisory lock taken through a read-only query', async () => {
    const key = randomInt(1_000_000, 2_000_000_000);
    const backend = await pid();
    await one.run('SELECT pg_advisory_lock($1)', [key], opts());
    const other = new pg.Client({ connectionString: PG_URL });
    await other.connect();
    try {
      expect((await other.query('SELECT pg_try_advisory_lock($1) AS got', [key])).rows[0].got).toBe(true);
      await other.query('SELECT pg_advisory_unlock($1)', [key]);
    } finally {
      await other.end();
    }
    // Reset, not replaced: the same backend serves the next call.
    expect(await pid()).toBe(backend);
    // A write that fails after taking a lock is reset too.
    await expect(one.run('SELECT pg_advisory_lock($1), 1 / 0', [key], opts({ readOnly: false }))).rejects.toThrow('division by zero');
    expect(await value(`SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`)).toBe(0);
  });

  it('drops what a statement left on the session: prepared statements, settings, temp tables, LISTEN, held cursors, session authorization', async () => {
    const backend = await pid();
    const searchPath = await value(`SELECT current_setting('search_path')`);
    const w = opts({ readOnly: false });
    await one.run('PREPARE leak AS SELECT 1', [], opts());
    expect(await value(`SELECT count(*)::int FROM pg_prepared_statements WHERE name = 'leak'`)).toBe(0);
    await one.run(`SET search_path = ${schema}`, [], w);
    expect(await value(`SELECT current_setting('search_path')`)).toBe(searchPath);
    await one.run('CREATE TEMP TABLE leak (id int)', [], w);
    expect(await value(`SELECT to_regclass('pg_temp.leak')::text`)).toBeNull();
    await one.run('LISTEN leak', [], w);
    expect(await value('SELECT count(*)::int FROM pg_listening_channels()')).toBe(0);
    await one.run('DECLARE leak CURSOR WITH HOLD FOR SELECT 1', [], w);
    expect(await value(`SELECT count(*)::int FROM pg_cursors WHERE name = 'leak'`)).toBe(0);
    await one.run(`SET SESSION AUTHORIZATION ${reader.name}`, [], w);
    expect(await value('SELECT session_user::text')).toBe(ADMIN_ROLE);
    expect(await pid()).toBe(backend);
  });

  it('does not hand out again a client whose session ended', async () => {
    const backend = await pid();
    await expect(one.run('SELECT pg_terminate_backend(pg_backend_pid())', [], opts())).rejects.toThrow();
    expect(await pid()).not.toBe(backend);
  });
});

describe('PostgresConnection: the role check', () => {
  it('refuses a read-only connection whose role is a superuser, naming the connection, the role and why', async () => {
    const su = connect({ name: 'su', allowWrites: false, roleCheck: 'refuse' });
    try {
      const e = await su.checkRole().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(RoleRefusedError);
      expect((e as Error).message.startsWith(`connection "su" is read-only, but its role "${ADMIN_ROLE}" can do more than read: it is a superuser (rolsuper)`)).toBe(true);
      expect((e as Error).message).toContain('connections.su.roleCheck: warn');
      // Every call is refused the same way, before it reaches the database.
      await expect(su.run('SELECT 1', [], opts())).rejects.toBe(e);
      await expect(su.listTables({ timeoutMs: 5000 })).rejects.toBe(e);
    } finally {
      await su.close();
    }
  });

  it('with roleCheck: warn, logs the same reasons and serves', async () => {
    const log = createTestLogger();
    const warnings = () => log.lines.filter((l) => l.level === 40);
    const su = connect({ name: 'su', allowWrites: false, roleCheck: 'warn' }, log);
    try {
      expect((await su.run('SELECT 1 AS one', [], opts())).rows).toEqual([[1]]);
      expect(warnings()).toHaveLength(1);
      expect(warnings()[0]).toMatchObject({ connection: 'su', role: ADMIN_ROLE });
      expect(warnings()[0]!.msg).toContain('it is a superuser (rolsuper)');
      expect(warnings()[0]!.msg).toContain('Serving it anyway');
      // What the check is for: a read-only transaction does not stop a superuser running a program on the server.
      expect((await su.run(`COPY (SELECT 1) TO PROGRAM 'cat > /dev/null'`, [], opts())).command).toBe('COPY');
    } finally {
      await su.close();
    }
  });

  it('serves a least-privilege role on a read-only connection, which cannot COPY TO PROGRAM', async () => {
    const ro = connect({ name: 'ro', url: reader.url, allowWrites: false, roleCheck: 'refuse' });
    try {
      await expect(ro.checkRole()).resolves.toBeUndefined();
      expect((await ro.run(`SELECT count(*)::int FROM ${schema}.users`, [], opts())).rows).toEqual([[50]]);
      expect(await ro.listTables({ schema, timeoutMs: 5000 })).toHaveLength(2);
      expect((await ro.describeTable(`${schema}.users`, { timeoutMs: 5000 }))?.primaryKey).toEqual(['id']);
      await expect(ro.run(`COPY (SELECT 1) TO PROGRAM 'true'`, [], opts())).rejects.toThrow(/pg_execute_server_program role to COPY to or from an external program \(SQLSTATE 42501\)/);
    } finally {
      await ro.close();
    }
  });

  it('checks again after a database that could not be reached, and not at all with roleCheck: off', async () => {
    const down = connect({ name: 'down', url: 'postgres://postgres@127.0.0.1:1/test', allowWrites: false, roleCheck: 'refuse' });
    await expect(down.checkRole()).rejects.toThrow(/cannot connect to PostgreSQL for connection "down"/);
    await expect(down.checkRole()).rejects.toThrow(/cannot connect to PostgreSQL for connection "down"/);
    await down.close();
    const off = connect({ name: 'off', allowWrites: false, roleCheck: 'off' });
    try {
      expect((await off.run('SELECT 1', [], opts())).rows).toEqual([[1]]);
    } finally {
      await off.close();
    }
  });
});

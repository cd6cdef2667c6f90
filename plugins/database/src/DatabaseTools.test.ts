import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResourceNotFoundError, ToolError } from '@mcp-host/sdk';
import { createCompletionContext, createTestLogger, createToolContext } from '@mcp-host/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDatabaseConfig } from './config.js';
import { DatabaseResources } from './DatabaseResources.js';
import { Databases } from './Databases.js';
import { DatabaseTools } from './DatabaseTools.js';
import { ADMIN_URL as PG_URL, createRole, uniqueName, type TestRole } from './testing/pgRoles.js';

/**
 * The machines' PostgreSQL (trust auth); each run works in a schema of its own and drops it. The
 * writable `pg` connection is the superuser (which only warns on a connection that allows writes);
 * the read-only `pgro` one is a least-privilege role of this run's own.
 */
const logger = createTestLogger();
const ctx = createToolContext({ logger });
const schema = uniqueName('mcp_db_tools');
const dir = mkdtempSync(join(tmpdir(), 'mcp-db-tools-'));

let databases: Databases;
let tools: DatabaseTools;
let resources: DatabaseResources;
let reader: TestRole;

beforeAll(async () => {
  reader = await createRole('mcp_reader');
  databases = new Databases(
    parseDatabaseConfig({
      connections: {
        pg: { url: PG_URL, allowWrites: true, schemas: [schema], mask: [`${schema}.users.email`], maxRows: 20 },
        pgro: { url: reader.url, pool: { max: 1 } },
        lite: { file: join(dir, 'lite.db'), allowWrites: true, mask: ['users.email'] },
        literead: { file: join(dir, 'lite.db') },
      },
      defaultConnection: 'pg',
      maskWith: '[masked]',
    }),
    logger,
  );
  tools = new DatabaseTools(databases);
  resources = new DatabaseResources(databases);
  await tools.execute({ connection: 'pg', sql: `CREATE SCHEMA ${schema}`, params: [] }, ctx);
  await tools.execute({ connection: 'pg', sql: `CREATE TABLE ${schema}.users (id int PRIMARY KEY, name text, email text)`, params: [] }, ctx);
  await tools.execute({ connection: 'pg', sql: `INSERT INTO ${schema}.users SELECT i, 'user' || i, 'u' || i || '@x.org' FROM generate_series(1, 30) i`, params: [] }, ctx);
  await reader.admin(`GRANT USAGE ON SCHEMA ${schema} TO ${reader.name}; GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${reader.name}`);
  await tools.execute({ connection: 'lite', sql: 'CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT)', params: [] }, ctx);
  await tools.execute({ connection: 'lite', sql: "INSERT INTO users VALUES (1, 'ann', 'ann@x.org'), (2, 'bob', NULL)", params: [] }, ctx);
});

afterAll(async () => {
  await tools?.execute({ connection: 'pg', sql: `DROP SCHEMA IF EXISTS ${schema} CASCADE`, params: [] }, ctx).catch(() => undefined);
  await databases?.close();
  await reader?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const structured = (r: { structuredContent?: unknown }) => r.structuredContent as Record<string, any>;

describe('DatabaseTools', () => {
  it('lists the connections without their URLs', () => {
    expect(tools.listConnections()).toEqual({
      connections: [
        { name: 'pg', driver: 'postgres', allowWrites: true, default: true },
        { name: 'pgro', driver: 'postgres', allowWrites: false, default: false },
        { name: 'lite', driver: 'sqlite', allowWrites: true, default: false },
        { name: 'literead', driver: 'sqlite', allowWrites: false, default: false },
      ],
    });
  });

  it('returns rows as objects and masks configured columns, under an alias too (PostgreSQL)', async () => {
    const r = await tools.query({ sql: `SELECT id, name, email AS contact FROM ${schema}.users WHERE id <= $1 ORDER BY id`, params: [2] }, ctx);
    expect(structured(r)).toEqual({
      connection: 'pg',
      columns: [
        { name: 'id', type: 'integer' },
        { name: 'name', type: 'text' },
        { name: 'contact', type: 'text' },
      ],
      rows: [
        { id: 1, name: 'user1', contact: '[masked]' },
        { id: 2, name: 'user2', contact: '[masked]' },
      ],
      rowCount: 2,
      truncated: false,
      maskedColumns: ['contact'],
    });
    expect((r.content[0] as { text: string }).text).not.toContain('@x.org');
  });

  it('masks on SQLite, keeping nulls', async () => {
    const r = await tools.query({ connection: 'lite', sql: 'SELECT * FROM users ORDER BY id', params: [] }, ctx);
    expect(structured(r).rows).toEqual([
      { id: 1, name: 'ann', email: '[masked]' },
      { id: 2, name: 'bob', email: null },
    ]);
  });

  it('says in the result that rows were cut at the row limit', async () => {
    const r = await tools.query({ sql: `SELECT id FROM ${schema}.users ORDER BY id`, params: [] }, ctx);
    expect(structured(r)).toMatchObject({ rowCount: 20, truncated: true });
    expect(structured(r).note).toContain('more rows than the 20 returned here (row limit)');
    expect((r.content[0] as { text: string }).text).toMatch(/^Note: the result has more rows/);
    const fewer = await tools.query({ sql: `SELECT id FROM ${schema}.users ORDER BY id`, params: [], maxRows: 500 }, ctx);
    expect(structured(fewer).rowCount).toBe(20);
  });

  it('refuses execute on a read-only connection, naming the setting that allows it', async () => {
    await expect(tools.execute({ connection: 'pgro', sql: 'CREATE TABLE nope (id int)', params: [] }, ctx)).rejects.toThrow(
      /Connection "pgro" is read-only.*connections\.pgro\.allowWrites: true/,
    );
    await expect(tools.execute({ connection: 'literead', sql: 'DELETE FROM users', params: [] }, ctx)).rejects.toBeInstanceOf(ToolError);
  });

  it('refuses a write through query even on a writable connection', async () => {
    await expect(tools.query({ sql: `DELETE FROM ${schema}.users`, params: [] }, ctx)).rejects.toThrow('cannot execute DELETE in a read-only transaction');
    await expect(tools.query({ connection: 'lite', sql: 'DELETE FROM users', params: [] }, ctx)).rejects.toThrow('attempt to write a readonly database');
  });

  it('turns SQL errors and unknown connections into tool errors', async () => {
    const e = await tools.query({ sql: 'SELECT * FROM no_such_table', params: [] }, ctx).catch((x) => x);
    expect(e).toBeInstanceOf(ToolError);
    expect(e.message).toContain('relation "no_such_table" does not exist');
    await expect(tools.query({ connection: 'nope', sql: 'SELECT 1', params: [] }, ctx)).rejects.toThrow('Unknown connection "nope". Known connections: pg, pgro, lite, literead.');
  });

  it('reports affected rows of a write', async () => {
    const r = await tools.execute({ connection: 'lite', sql: 'UPDATE users SET name = upper(name)', params: [] }, ctx);
    expect(structured(r)).toMatchObject({ affectedRows: 2, rowCount: 0 });
  });

  it('serves reads on the read-only connection of a least-privilege role', async () => {
    const r = await tools.query({ connection: 'pgro', sql: `SELECT count(*)::int AS n FROM ${schema}.users`, params: [] }, ctx);
    expect(structured(r).rows).toEqual([{ n: 30 }]);
    expect((await tools.listTables({ connection: 'pgro', schema }, ctx)).tables).toEqual([{ schema, name: 'users', kind: 'table' }]);
    expect((await tools.describeTable({ connection: 'pgro', table: `${schema}.users` }, ctx)).primaryKey).toEqual(['id']);
    await expect(tools.query({ connection: 'pgro', sql: `COPY (SELECT 1) TO PROGRAM 'true'`, params: [] }, ctx)).rejects.toThrow('to COPY to or from an external program');
  });

  it('leaves no session advisory lock behind a query on the pooled backend', async () => {
    const key = randomInt(1_000_000, 2_000_000_000);
    await tools.query({ connection: 'pgro', sql: 'SELECT pg_advisory_lock($1)', params: [key] }, ctx);
    const other = new pg.Client({ connectionString: PG_URL });
    await other.connect();
    try {
      expect((await other.query('SELECT pg_try_advisory_lock($1) AS got', [key])).rows[0].got).toBe(true);
    } finally {
      await other.end();
    }
  });

  it('lists and describes tables, marking masked columns', async () => {
    expect(await tools.listTables({}, ctx)).toEqual({ connection: 'pg', tables: [{ schema, name: 'users', kind: 'table' }] });
    const d = await tools.describeTable({ table: `${schema}.users` }, ctx);
    expect(d.columns.map((c) => [c.name, c.masked])).toEqual([
      ['id', false],
      ['name', false],
      ['email', true],
    ]);
    await expect(tools.describeTable({ connection: 'lite', table: 'ghosts' }, ctx)).rejects.toThrow('No table or view "ghosts" on connection "lite"');
  });
});

describe('DatabaseResources', () => {
  it('reads a connection schema and one table', async () => {
    const s = JSON.parse((await resources.schema('db://lite/schema', { connection: 'lite' }, ctx)).text);
    expect(s).toMatchObject({ connection: 'lite', driver: 'sqlite', tables: [{ name: 'users', columns: [{ name: 'id' }, { name: 'name' }, { name: 'email', masked: true }] }] });
    const t = JSON.parse((await resources.table(`db://pg/tables/${schema}.users`, { connection: 'pg', table: `${schema}.users` }, ctx)).text);
    expect(t).toMatchObject({ connection: 'pg', schema, name: 'users', primaryKey: ['id'] });
  });

  it('answers not-found for unknown connections and tables', async () => {
    await expect(resources.schema('db://zzz/schema', { connection: 'zzz' }, ctx)).rejects.toBeInstanceOf(ResourceNotFoundError);
    await expect(resources.table('db://lite/tables/zzz', { connection: 'lite', table: 'zzz' }, ctx)).rejects.toBeInstanceOf(ResourceNotFoundError);
  });

  it('completes connection and table names', async () => {
    expect(resources.completeConnection('l')).toEqual(['lite', 'literead']);
    expect(await resources.completeTable('u', createCompletionContext({ connection: 'lite' }, { logger }))).toEqual(['users']);
    expect(await resources.completeTable('', createCompletionContext({ connection: 'pg' }, { logger }))).toEqual([`${schema}.users`]);
  });
});

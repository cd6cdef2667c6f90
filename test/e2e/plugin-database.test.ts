/**
 * The database plugin in a real host (worker runtime), driven by the official SDK 1.x client:
 * PostgreSQL on the machine (127.0.0.1:5432, database `test`) in a schema and with a
 * least-privilege role of this run's own, and a SQLite file in a scratch folder. Setup and clean-up
 * go through the plugin's own `execute` on writable connections (as the superuser, which only
 * warns there); the assertions use read-only ones, as the least-privilege role. A pg client of the
 * test's own (from the plugin's test support, where `pg` resolves) creates and drops the role, and
 * watches advisory locks from outside the host.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ROLE, ADMIN_URL as PG_URL, connectAdmin, createRole, uniqueName, type TestRole } from '../../plugins/database/src/testing/pgRoles.js';
import { connectHttpClient, fixturePath, pluginPath, startTestHost, type TestHost } from '../harness/index.js';

const schema = uniqueName('mcp_db_e2e');
const scratch = mkdtempSync(join(tmpdir(), 'mcp-host-database-e2e-'));
const sqliteFile = join(scratch, 'app.db');

type ToolResult = { content: Array<{ type: string; text?: string }>; isError?: boolean; structuredContent?: Record<string, any> };

/** `pg` is the least-privilege reader; it and `pgadmin` have one pooled backend each, so consecutive calls share it. */
function writeConfig(readerUrl: string): string {
  const file = join(scratch, 'host.yaml');
  const yaml = [
    'plugins:',
    '  settings:',
    '    database:',
    '      config:',
    '        defaultConnection: pg',
    '        maskWith: "<hidden>"',
    '        connections:',
    '          pg:',
    `            url: ${readerUrl}`,
    `            schemas: [${schema}]`,
    `            mask: [${schema}.customers.email]`,
    '            maxRows: 5',
    '            statementTimeoutMs: 500',
    '            pool: { max: 1 }',
    '          pgadmin:',
    `            url: ${PG_URL}`,
    '            allowWrites: true',
    '            pool: { max: 1 }',
    '          pgsuper:',
    `            url: ${PG_URL}`,
    '            roleCheck: warn',
    '          lite:',
    `            file: ${sqliteFile}`,
    '            mask: [customers.email]',
    '            maxRows: 3',
    '            statementTimeoutMs: 500',
    '          liteadmin:',
    `            file: ${sqliteFile}`,
    '            allowWrites: true',
    '',
  ].join('\n');
  writeFileSync(file, yaml);
  return file;
}

/** From outside the host: whether a session advisory lock on `key` is free (taking and releasing it). */
async function advisoryLockIsFree(key: number): Promise<boolean> {
  const other = await connectAdmin();
  try {
    const got = (await other.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1) AS got', [key])).rows[0]!.got;
    if (got) await other.query('SELECT pg_advisory_unlock($1)', [key]);
    return got;
  } finally {
    await other.end();
  }
}

describe('database plugin', () => {
  let host: TestHost;
  let client: Client;
  let reader: TestRole;

  const call = async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as ToolResult;
  const ok = async (name: string, args: Record<string, unknown>) => {
    const r = await call(name, args);
    expect(r.isError, JSON.stringify(r)).toBeFalsy();
    return r;
  };
  const failure = async (name: string, args: Record<string, unknown>) => {
    const r = await call(name, args);
    expect(r.isError, JSON.stringify(r)).toBe(true);
    return r.content.map((c) => c.text ?? '').join('\n');
  };

  beforeAll(async () => {
    reader = await createRole('mcp_reader');
    host = await startTestHost({ plugins: [pluginPath('database')], args: ['--config', writeConfig(reader.url)], timeoutMs: 20_000 });
    ({ client } = await connectHttpClient(host.url));
    await ok('execute', { connection: 'pgadmin', sql: `CREATE SCHEMA ${schema}` });
    await ok('execute', { connection: 'pgadmin', sql: `CREATE TABLE ${schema}.customers (id int PRIMARY KEY, name text NOT NULL, email text)` });
    await ok('execute', { connection: 'pgadmin', sql: `INSERT INTO ${schema}.customers SELECT i, 'customer ' || i, 'c' || i || '@example.com' FROM generate_series(1, 12) AS i` });
    // What the README's least-privilege role gets: CONNECT (createRole), USAGE on the schema, SELECT on its tables.
    await ok('execute', { connection: 'pgadmin', sql: `GRANT USAGE ON SCHEMA ${schema} TO ${reader.name}` });
    await ok('execute', { connection: 'pgadmin', sql: `GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${reader.name}` });
    await ok('execute', { connection: 'liteadmin', sql: 'CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT)' });
    await ok('execute', { connection: 'liteadmin', sql: "INSERT INTO customers (name, email) VALUES ('ann', 'ann@example.com'), ('bob', 'bob@example.com'), ('cy', NULL), ('dee', 'dee@example.com')" });
  });

  afterAll(async () => {
    if (host?.process.exitCode === null) await client?.callTool({ name: 'execute', arguments: { connection: 'pgadmin', sql: `DROP SCHEMA IF EXISTS ${schema} CASCADE` } }).catch(() => undefined);
    await client?.close().catch(() => undefined);
    await host?.stop();
    await reader?.admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await reader?.drop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('serves reads to the least-privilege role of its read-only connection, which cannot run programs on the server', async () => {
    const r = await ok('query', { sql: `SELECT count(*)::int AS n, current_user AS who FROM ${schema}.customers` });
    expect(r.structuredContent!.rows).toEqual([{ n: 12, who: reader.name }]);
    expect(host.logs.some((l) => l.connection === 'pg' && l.level === 40)).toBe(false);
    expect(await failure('query', { sql: `COPY (SELECT 1) TO PROGRAM 'true'` })).toContain('pg_execute_server_program role to COPY to or from an external program');
  });

  it('with roleCheck: warn, serves a read-only connection as a superuser and logs why it should not', async () => {
    const warning = host.logs.find((l) => l.connection === 'pgsuper' && l.plugin === 'database');
    expect(warning).toMatchObject({ level: 40, role: ADMIN_ROLE });
    expect(String(warning!.msg)).toContain(`connection "pgsuper" is read-only, but its role "${ADMIN_ROLE}" can do more than read: it is a superuser (rolsuper)`);
    expect(String(warning!.msg)).toContain('Serving it anyway (plugins.settings.database.config.connections.pgsuper.roleCheck: warn)');
    expect((await ok('query', { connection: 'pgsuper', sql: 'SELECT 1 AS one' })).structuredContent!.rows).toEqual([{ one: 1 }]);
    // The connection that allows writes is the superuser too: that only warns, naming what reaches past the database.
    expect(String(host.logs.find((l) => l.connection === 'pgadmin' && l.plugin === 'database')?.msg)).toContain(`connection "pgadmin" allows writes, and its role "${ADMIN_ROLE}" reaches past the database`);
  });

  it('ends every call with a clean session: no advisory lock, prepared statement, setting or temp table reaches the next call', async () => {
    const pid = async (connection: string) => (await ok('query', { connection, sql: 'SELECT pg_backend_pid() AS pid' })).structuredContent!.rows[0].pid;
    const reused = await pid('pg');
    await ok('query', { sql: 'select pg_advisory_lock(4242)' });
    expect(await advisoryLockIsFree(4242)).toBe(true);
    await ok('query', { sql: 'PREPARE leaked AS SELECT 1' });
    expect((await ok('query', { sql: `SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name = 'leaked'` })).structuredContent!.rows).toEqual([{ n: 0 }]);
    expect(await pid('pg')).toBe(reused);

    const admin = await pid('pgadmin');
    const searchPath = (await ok('query', { connection: 'pgadmin', sql: `SELECT current_setting('search_path') AS path` })).structuredContent!.rows[0].path;
    await ok('execute', { connection: 'pgadmin', sql: `SET search_path = ${schema}` });
    await ok('execute', { connection: 'pgadmin', sql: 'CREATE TEMP TABLE leaked (id int)' });
    const after = await ok('query', { connection: 'pgadmin', sql: `SELECT current_setting('search_path') AS path, to_regclass('pg_temp.leaked')::text AS temp` });
    expect(after.structuredContent!.rows).toEqual([{ path: searchPath, temp: null }]);
    expect(await pid('pgadmin')).toBe(admin);
  });

  it('publishes its tools with input and output schemas, and its resource templates', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['describe_table', 'execute', 'list_connections', 'list_tables', 'query']);
    const query = tools.find((t) => t.name === 'query')!;
    expect(query.inputSchema.required).toEqual(['sql']);
    expect(query.outputSchema).toBeDefined();
    expect(query.annotations).toMatchObject({ readOnlyHint: true });
    expect(tools.find((t) => t.name === 'execute')!.annotations).toMatchObject({ destructiveHint: true });
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate).filter((u) => !u.startsWith('context://')).sort()).toEqual(['db://{connection}/schema', 'db://{connection}/tables/{table}']);
  });

  it('runs a parameterised read-only query on PostgreSQL, masking the configured column under an alias', async () => {
    const r = await ok('query', { sql: `SELECT id, email AS contact FROM ${schema}.customers WHERE id = $1`, params: [3] });
    expect(r.structuredContent).toMatchObject({ connection: 'pg', rows: [{ id: 3, contact: '<hidden>' }], truncated: false, maskedColumns: ['contact'] });
    expect(JSON.stringify(r)).not.toContain('c3@example.com');
  });

  it('masks the configured column on SQLite', async () => {
    const r = await ok('query', { connection: 'lite', sql: 'SELECT name, email FROM customers WHERE name IN (?, ?) ORDER BY name', params: ['ann', 'cy'] });
    expect(r.structuredContent!.rows).toEqual([
      { name: 'ann', email: '<hidden>' },
      { name: 'cy', email: null },
    ]);
  });

  it('cuts rows at the row limit and says so in the result', async () => {
    const r = await ok('query', { sql: `SELECT id FROM ${schema}.customers ORDER BY id` });
    expect(r.structuredContent).toMatchObject({ rowCount: 5, truncated: true });
    expect(r.content[0]!.text).toMatch(/^Note: the result has more rows than the 5 returned here \(row limit\)/);
    const lite = await ok('query', { connection: 'lite', sql: 'SELECT id FROM customers' });
    expect(lite.structuredContent).toMatchObject({ rowCount: 3, truncated: true });
  });

  it('refuses writes on read-only connections: by the database through query, by the plugin through execute', async () => {
    expect(await failure('query', { sql: `DELETE FROM ${schema}.customers` })).toContain('cannot execute DELETE in a read-only transaction');
    expect(await failure('query', { connection: 'lite', sql: 'DELETE FROM customers' })).toContain('attempt to write a readonly database');
    expect(await failure('execute', { sql: `DELETE FROM ${schema}.customers` })).toContain('Connection "pg" is read-only');
    expect(await failure('execute', { connection: 'lite', sql: 'DELETE FROM customers' })).toContain('Connection "lite" is read-only');
    const count = await ok('query', { sql: `SELECT count(*)::int AS n FROM ${schema}.customers` });
    expect(count.structuredContent!.rows).toEqual([{ n: 12 }]);
  });

  it('cancels a statement past the statement timeout, on both drivers', async () => {
    const started = Date.now();
    expect(await failure('query', { sql: 'SELECT pg_sleep(10)' })).toContain('canceling statement due to statement timeout');
    expect(await failure('query', { connection: 'lite', sql: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c' })).toContain('statement timeout (500 ms)');
    expect(Date.now() - started).toBeLessThan(8000);
    // The SQLite connection serves the next statement from a fresh worker.
    expect((await ok('query', { connection: 'lite', sql: 'SELECT count(*) AS n FROM customers' })).structuredContent!.rows).toEqual([{ n: 4 }]);
  });

  it('answers SQL errors as tool errors carrying the database message', async () => {
    expect(await failure('query', { sql: 'SELEC 1' })).toContain('syntax error at or near "SELEC"');
    expect(await failure('query', { connection: 'lite', sql: 'SELECT nope FROM customers' })).toContain('no such column: nope');
    expect(await failure('query', { connection: 'nowhere', sql: 'SELECT 1' })).toContain('Unknown connection "nowhere"');
  });

  it('rejects bad arguments before the plugin runs', async () => {
    const r = await client.callTool({ name: 'query', arguments: { params: [1] } }).catch((e: unknown) => e);
    if (r instanceof McpError) expect(r.code).toBe(ErrorCode.InvalidParams);
    else expect((r as ToolResult).isError).toBe(true);
  });

  it('lists and describes tables', async () => {
    const list = await ok('list_tables', {});
    expect(list.structuredContent).toEqual({ connection: 'pg', tables: [{ schema, name: 'customers', kind: 'table' }] });
    const d = await ok('describe_table', { connection: 'lite', table: 'customers' });
    expect(JSON.parse(d.content[0]!.text!)).toMatchObject({ name: 'customers', primaryKey: ['id'], columns: [{ name: 'id' }, { name: 'name', nullable: false }, { name: 'email', masked: true }] });
    expect(await failure('describe_table', { table: 'ghosts' })).toContain('No table or view "ghosts"');
  });

  it('serves each connection schema and each table description as resources', async () => {
    const { contents } = await client.readResource({ uri: 'db://lite/schema' });
    expect(JSON.parse((contents[0] as { text: string }).text)).toMatchObject({ connection: 'lite', driver: 'sqlite', tables: [{ name: 'customers' }] });
    const table = await client.readResource({ uri: `db://pg/tables/${schema}.customers` });
    expect(JSON.parse((table.contents[0] as { text: string }).text)).toMatchObject({ schema, name: 'customers', columns: [{ name: 'id' }, { name: 'name' }, { name: 'email', masked: true }] });
    const missing = await client.readResource({ uri: 'db://lite/tables/ghosts' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(McpError);
    const { completion } = await client.complete({ ref: { type: 'ref/resource', uri: 'db://{connection}/schema' }, argument: { name: 'connection', value: 'lit' } });
    expect(completion.values).toEqual(['lite', 'liteadmin']);
  });

  it('closes its pools and workers when the host stops', async () => {
    await ok('execute', { connection: 'pgadmin', sql: `DROP SCHEMA ${schema} CASCADE` });
    const code = await host.stop();
    expect(code).toBe(0);
    expect(host.logs.some((l) => l.msg === 'plugin dispose hook failed')).toBe(false);
    expect(host.logs.some((l) => l.msg === 'database connections closed' && l.plugin === 'database')).toBe(true);
    expect(existsSync(`${sqliteFile}.lock`)).toBe(false);
  });
});

describe('database plugin with a read-only connection whose role is a superuser', () => {
  let host: TestHost;
  let client: Client;

  const folder = mkdtempSync(join(tmpdir(), 'mcp-host-database-e2e-superuser-'));

  beforeAll(async () => {
    const file = join(folder, 'host.yaml');
    writeFileSync(file, ['plugins:', '  settings:', '    database:', '      config:', '        connections:', '          main:', `            url: ${PG_URL}`, ''].join('\n'));
    host = await startTestHost({ plugins: [pluginPath('database'), fixturePath('good-fixture')], args: ['--config', file], timeoutMs: 20_000 });
    ({ client } = await connectHttpClient(host.url));
  });

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await host?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('does not load, with a problem naming the connection, the role, why and the fix', () => {
    const problem = host.logs.find((l) => l.code === 'MCPH_PLUGIN_SETUP_FAILED' && l.plugin === 'database');
    expect(problem, JSON.stringify(host.logs.filter((l) => Number(l.level) >= 40))).toBeDefined();
    const msg = String(problem!.msg);
    expect(msg).toContain(`connection "main" is read-only, but its role "${ADMIN_ROLE}" can do more than read: it is a superuser (rolsuper)`);
    expect(msg).toContain('COPY … TO PROGRAM');
    expect(msg).toContain('plugins.settings.database.config.connections.main.roleCheck: warn');
  });

  it('keeps serving the other plugins', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('fixture_echo');
    expect(tools.map((t) => t.name)).not.toContain('query');
    const r = (await client.callTool({ name: 'fixture_echo', arguments: { text: 'still here' } })) as ToolResult;
    expect(r.isError).toBeFalsy();
  });
});

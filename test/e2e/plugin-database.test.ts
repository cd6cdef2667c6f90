/**
 * The database plugin in a real host (worker runtime), driven by the official SDK 1.x client:
 * PostgreSQL on the machine (127.0.0.1:5432, database `test`) in a schema of this run's own, and
 * a SQLite file in a scratch folder. Setup and clean-up go through the plugin's own `execute` on
 * writable connections; the assertions use read-only ones.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttpClient, pluginPath, startTestHost, type TestHost } from '../harness/index.js';

const PG_URL = process.env.MCP_HOST_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `mcp_db_e2e_${randomBytes(4).toString('hex')}`;
const scratch = mkdtempSync(join(tmpdir(), 'mcp-host-database-e2e-'));
const sqliteFile = join(scratch, 'app.db');

type ToolResult = { content: Array<{ type: string; text?: string }>; isError?: boolean; structuredContent?: Record<string, any> };

function writeConfig(): string {
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
    `            url: ${PG_URL}`,
    `            schemas: [${schema}]`,
    `            mask: [${schema}.customers.email]`,
    '            maxRows: 5',
    '            statementTimeoutMs: 500',
    '          pgadmin:',
    `            url: ${PG_URL}`,
    '            allowWrites: true',
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

describe('database plugin', () => {
  let host: TestHost;
  let client: Client;

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
    host = await startTestHost({ plugins: [pluginPath('database')], args: ['--config', writeConfig()], timeoutMs: 20_000 });
    ({ client } = await connectHttpClient(host.url));
    await ok('execute', { connection: 'pgadmin', sql: `CREATE SCHEMA ${schema}` });
    await ok('execute', { connection: 'pgadmin', sql: `CREATE TABLE ${schema}.customers (id int PRIMARY KEY, name text NOT NULL, email text)` });
    await ok('execute', { connection: 'pgadmin', sql: `INSERT INTO ${schema}.customers SELECT i, 'customer ' || i, 'c' || i || '@example.com' FROM generate_series(1, 12) AS i` });
    await ok('execute', { connection: 'liteadmin', sql: 'CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT)' });
    await ok('execute', { connection: 'liteadmin', sql: "INSERT INTO customers (name, email) VALUES ('ann', 'ann@example.com'), ('bob', 'bob@example.com'), ('cy', NULL), ('dee', 'dee@example.com')" });
  });

  afterAll(async () => {
    if (host?.process.exitCode === null) await client?.callTool({ name: 'execute', arguments: { connection: 'pgadmin', sql: `DROP SCHEMA IF EXISTS ${schema} CASCADE` } }).catch(() => undefined);
    await client?.close().catch(() => undefined);
    await host?.stop();
    rmSync(scratch, { recursive: true, force: true });
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
    expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual(['db://{connection}/schema', 'db://{connection}/tables/{table}']);
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

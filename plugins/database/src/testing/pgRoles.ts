/**
 * Test support (not built into dist): PostgreSQL roles for the plugin's tests, on the machine's
 * server. Role names carry a random suffix, so test files running at once never share (or drop)
 * each other's roles; `drop` removes a role with everything granted to it.
 */
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import pg from 'pg';

/** The machine's PostgreSQL (trust auth), as a superuser; override with MCP_HOST_TEST_PG_URL. */
export const ADMIN_URL = process.env.MCP_HOST_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** The superuser ADMIN_URL logs in as (pg's default when the URL names none). */
export const ADMIN_ROLE = decodeURIComponent(new URL(ADMIN_URL).username) || process.env.PGUSER || userInfo().username;

export interface TestRole {
  readonly name: string;
  /** ADMIN_URL with this role (and its password) as the user. */
  readonly url: string;
  /** Runs SQL as the admin (to grant this role what a test needs). */
  admin(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
  drop(): Promise<void>;
}

/** A new, connected client as the admin (a session of its own: the caller ends it). */
export async function connectAdmin(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  return client;
}

/** A random identifier with the given prefix, e.g. `mcp_reader_3fa2c1d0`. */
export const uniqueName = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;

/**
 * Creates (if missing) a login role that may connect to the database and nothing else; `grants`
 * then run as the admin, with `{role}` standing for the role's name. The least-privilege reader
 * of the README is this plus `GRANT USAGE ON SCHEMA …` and `GRANT SELECT ON ALL TABLES IN SCHEMA …`.
 */
export async function createRole(prefix: string, grants: string[] = []): Promise<TestRole> {
  const name = uniqueName(prefix);
  const password = randomBytes(12).toString('hex');
  const admin = async (sql: string, params: unknown[] = []) => {
    const client = await connectAdmin();
    try {
      return await client.query(sql, params);
    } finally {
      await client.end();
    }
  };
  await admin(`DO $$ BEGIN CREATE ROLE ${name} LOGIN PASSWORD '${password}'; EXCEPTION WHEN duplicate_object THEN ALTER ROLE ${name} LOGIN PASSWORD '${password}'; END $$`);
  await admin(`GRANT CONNECT ON DATABASE ${new URL(ADMIN_URL).pathname.slice(1) || 'postgres'} TO ${name}`);
  for (const g of grants) await admin(g.replaceAll('{role}', name));
  const url = new URL(ADMIN_URL);
  url.username = name;
  url.password = password;
  return {
    name,
    url: url.toString(),
    admin,
    drop: async () => {
      // DROP OWNED also revokes what was granted to the role here and on the database.
      await admin(`DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${name}') THEN EXECUTE 'DROP OWNED BY ${name}'; EXECUTE 'DROP ROLE ${name}'; END IF; END $$`);
    },
  };
}

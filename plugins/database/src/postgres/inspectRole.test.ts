import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoleRefusedError } from '../Connection.js';
import { ADMIN_URL, createRole, uniqueName, type TestRole } from '../testing/pgRoles.js';
import { inspectRole, judgeRole, type RoleReport } from './inspectRole.js';

/** Roles of this run's own on the machine's PostgreSQL, each able to do one more thing than read. */
const schema = uniqueName('mcp_db_role');
const roles: TestRole[] = [];
let reader: TestRole;
let writer: TestRole;
let programs: TestRole;
let switcher: TestRole;

async function reportOf(url: string): Promise<RoleReport> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await inspectRole(client);
  } finally {
    await client.end();
  }
}

const texts = (r: RoleReport) => r.findings.map((f) => `${f.kind}: ${f.text}`);

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.a (id int); CREATE TABLE ${schema}.b (id int)`);
  await admin.end();
  const make = async (prefix: string, grants: string[]) => {
    const role = await createRole(prefix, grants);
    roles.push(role);
    return role;
  };
  reader = await make('mcp_reader', [`GRANT USAGE ON SCHEMA ${schema} TO {role}`, `GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO {role}`]);
  writer = await make('mcp_writer', [`GRANT USAGE, CREATE ON SCHEMA ${schema} TO {role}`, `GRANT SELECT, INSERT ON ${schema}.a TO {role}`, 'ALTER ROLE {role} CREATEDB']);
  programs = await make('mcp_programs', [`GRANT USAGE ON SCHEMA ${schema} TO {role}`, 'GRANT pg_execute_server_program TO {role}']);
  const owner = await make('mcp_owner', ['ALTER ROLE {role} NOLOGIN CREATEROLE', `GRANT USAGE ON SCHEMA ${schema} TO {role}`, `ALTER TABLE ${schema}.b OWNER TO {role}`]);
  // Inherits nothing, but a statement could SET ROLE to the owner.
  switcher = await make('mcp_switcher', ['ALTER ROLE {role} NOINHERIT', `GRANT ${owner.name} TO {role}`]);
});

afterAll(async () => {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
  await admin.end();
  for (const role of roles.reverse()) await role.drop();
});

describe('inspectRole', () => {
  it('finds nothing beyond reading for a role with CONNECT, USAGE and SELECT', async () => {
    expect(await reportOf(reader.url)).toEqual({ role: reader.name, findings: [] });
  });

  it('names each way a role can write: CREATEDB, CREATE on a schema, a table it may insert into', async () => {
    expect(texts(await reportOf(writer.url))).toEqual([
      'write: has CREATEDB',
      `write: may create objects in schema "${schema}" (CREATE on it, or owns it)`,
      `write: owns or may INSERT, UPDATE, DELETE or TRUNCATE 1 table(s): ${schema}.a`,
    ]);
  });

  it('names membership of pg_execute_server_program as reaching past the database', async () => {
    expect(texts(await reportOf(programs.url))).toEqual(['server: is a member of pg_execute_server_program: it can run programs on the database server (COPY … TO PROGRAM)']);
  });

  it('counts what a role could take on with SET ROLE, not only what it inherits', async () => {
    const owner = roles.find((r) => r.name.startsWith('mcp_owner'))!.name;
    expect(texts(await reportOf(switcher.url))).toEqual([`write: has CREATEROLE (through SET ROLE "${owner}")`, `write: owns or may INSERT, UPDATE, DELETE or TRUNCATE 1 table(s): ${schema}.b`]);
  });

  it('reports a superuser as that alone', async () => {
    expect(await reportOf(ADMIN_URL)).toMatchObject({ findings: [{ kind: 'server', text: expect.stringContaining('is a superuser (rolsuper)') }] });
  });
});

describe('judgeRole', () => {
  const superuser: RoleReport = { role: 'postgres', findings: [{ kind: 'server', text: 'is a superuser (rolsuper): …' }] };
  const writes: RoleReport = { role: 'app', findings: [{ kind: 'write', text: 'has CREATEDB' }] };

  it('refuses a read-only connection whose role can write, naming connection, role, reasons and the fix', () => {
    const { refusal, warning } = judgeRole({ name: 'main', allowWrites: false, roleCheck: 'refuse' }, writes);
    expect(warning).toBeUndefined();
    expect(refusal).toBeInstanceOf(RoleRefusedError);
    expect(refusal).toMatchObject({ connection: 'main', role: 'app', reasons: ['has CREATEDB'] });
    expect(refusal!.message).toBe(
      'connection "main" is read-only, but its role "app" can do more than read: it has CREATEDB. ' +
        "Connect it as a role that may only read (CONNECT, USAGE and SELECT: the database plugin's README shows the SQL), " +
        'or set plugins.settings.database.config.connections.main.roleCheck: warn to serve it anyway.',
    );
  });

  it('warns instead with roleCheck: warn, and says nothing with off or about a clean role', () => {
    expect(judgeRole({ name: 'main', allowWrites: false, roleCheck: 'warn' }, superuser).warning).toMatch(/its role "postgres" can do more than read: it is a superuser .* Serving it anyway/);
    expect(judgeRole({ name: 'main', allowWrites: false, roleCheck: 'off' }, superuser)).toEqual({});
    expect(judgeRole({ name: 'main', allowWrites: false, roleCheck: 'refuse' }, { role: 'r', findings: [] })).toEqual({});
  });

  it('on a connection that allows writes, counts only what reaches past the database', () => {
    expect(judgeRole({ name: 'admin', allowWrites: true, roleCheck: 'warn' }, writes)).toEqual({});
    expect(judgeRole({ name: 'admin', allowWrites: true, roleCheck: 'warn' }, superuser).warning).toMatch(/^connection "admin" allows writes, and its role "postgres" reaches past the database: it is a superuser/);
    expect(judgeRole({ name: 'admin', allowWrites: true, roleCheck: 'refuse' }, superuser).refusal?.message).toContain('Connect it as a role without these');
  });
});

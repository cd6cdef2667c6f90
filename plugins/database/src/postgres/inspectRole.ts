import type pg from 'pg';
import { RoleRefusedError } from '../Connection.js';
import type { RoleCheckMode } from '../config.js';

/**
 * One thing the connection's role can do beyond reading: `server` reaches past the database (the
 * server's programs and files, or every privilege), `write` changes what is in it.
 */
export interface RoleFinding {
  readonly kind: 'server' | 'write';
  readonly text: string;
}

export interface RoleReport {
  readonly role: string;
  readonly findings: RoleFinding[];
}

/**
 * What the session's role can do, counting every role it inherits from or can `SET ROLE` to (a
 * statement can switch roles inside its transaction): superuser, the server-access roles, role and
 * database creation, CREATE on the database or a schema, and owning or writing a table. Every
 * non-system schema is looked at, not only the configured `schemas`: those narrow what is listed,
 * not what a statement can reach. A superuser is reported as that alone (everything else follows).
 */
const INSPECT_ROLE = `
  WITH me AS (SELECT rolsuper FROM pg_roles WHERE rolname = current_user),
  reach AS (
    SELECT r.oid, r.rolname, r.rolsuper, r.rolcreaterole, r.rolcreatedb
      FROM pg_roles r WHERE pg_has_role(current_user, r.oid, 'MEMBER') AND NOT (SELECT rolsuper FROM me)
  ),
  spaces AS (
    SELECT n.oid, n.nspname, n.nspowner FROM pg_namespace n
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
  ),
  writable AS (
    SELECT format('%I.%I', s.nspname, c.relname) AS name
      FROM pg_class c JOIN spaces s ON s.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
       AND EXISTS (SELECT 1 FROM reach r
                    WHERE has_schema_privilege(r.oid, s.oid, 'USAGE')
                      AND (c.relowner = r.oid OR has_table_privilege(r.oid, c.oid, 'DELETE, TRUNCATE') OR has_any_column_privilege(r.oid, c.oid, 'INSERT, UPDATE')))
  )
  SELECT current_user AS role,
         (SELECT rolsuper FROM me) AS superuser,
         ARRAY(SELECT rolname::text FROM reach WHERE rolsuper ORDER BY 1) AS superuser_roles,
         ARRAY(SELECT rolname::text FROM reach WHERE rolname IN ('pg_execute_server_program', 'pg_write_server_files', 'pg_read_server_files', 'pg_write_all_data') ORDER BY 1) AS builtin_roles,
         ARRAY(SELECT rolname::text FROM reach WHERE rolcreaterole ORDER BY 1) AS createrole,
         ARRAY(SELECT rolname::text FROM reach WHERE rolcreatedb ORDER BY 1) AS createdb,
         EXISTS (SELECT 1 FROM pg_database d, reach r WHERE d.datname = current_database() AND (d.datdba = r.oid OR has_database_privilege(r.oid, d.oid, 'CREATE'))) AS database_create,
         ARRAY(SELECT s.nspname::text FROM spaces s WHERE EXISTS (SELECT 1 FROM reach r WHERE s.nspowner = r.oid OR has_schema_privilege(r.oid, s.oid, 'CREATE')) ORDER BY 1) AS schema_create,
         (SELECT count(*)::int FROM writable) AS table_count,
         ARRAY(SELECT name FROM writable ORDER BY 1 LIMIT 5) AS tables`;

const BUILTIN: Record<string, RoleFinding> = {
  pg_execute_server_program: { kind: 'server', text: 'is a member of pg_execute_server_program: it can run programs on the database server (COPY … TO PROGRAM)' },
  pg_write_server_files: { kind: 'server', text: 'is a member of pg_write_server_files: it can write files on the database server (COPY … TO a file)' },
  pg_read_server_files: { kind: 'server', text: 'is a member of pg_read_server_files: it can read any file the database server can (COPY … FROM a file)' },
  pg_write_all_data: { kind: 'write', text: 'is a member of pg_write_all_data: it may write every table' },
};

interface Row {
  role: string;
  superuser: boolean;
  superuser_roles: string[];
  builtin_roles: string[];
  createrole: string[];
  createdb: string[];
  database_create: boolean;
  schema_create: string[];
  table_count: number;
  tables: string[];
}

/** Asks the database what the client's role can do beyond reading (one catalog query). */
export async function inspectRole(client: pg.ClientBase): Promise<RoleReport> {
  const { rows } = await client.query<Row>(INSPECT_ROLE);
  const r = rows[0]!;
  if (r.superuser) return { role: r.role, findings: [{ kind: 'server', text: 'is a superuser (rolsuper): it passes every privilege check, and a read-only transaction does not stop COPY … TO PROGRAM' }] };
  const through = (holders: string[]) => (holders.includes(r.role) ? '' : ` (through SET ROLE ${holders.map((h) => `"${h}"`).join(', ')})`);
  const findings: RoleFinding[] = [];
  for (const s of r.superuser_roles) findings.push({ kind: 'server', text: `can SET ROLE to the superuser "${s}"` });
  for (const b of r.builtin_roles) findings.push(BUILTIN[b]!);
  if (r.createrole.length > 0) findings.push({ kind: 'write', text: `has CREATEROLE${through(r.createrole)}` });
  if (r.createdb.length > 0) findings.push({ kind: 'write', text: `has CREATEDB${through(r.createdb)}` });
  if (r.database_create) findings.push({ kind: 'write', text: 'may create schemas in this database (CREATE on it, or owns it)' });
  if (r.schema_create.length > 0) findings.push({ kind: 'write', text: `may create objects in schema ${r.schema_create.map((s) => `"${s}"`).join(', ')} (CREATE on it, or owns it)` });
  if (r.table_count > 0) {
    const more = r.table_count > r.tables.length ? ` and ${r.table_count - r.tables.length} more` : '';
    findings.push({ kind: 'write', text: `owns or may INSERT, UPDATE, DELETE or TRUNCATE ${r.table_count} table(s): ${r.tables.join(', ')}${more}` });
  }
  return { role: r.role, findings };
}

/**
 * What a connection makes of its role's report: nothing to say, a warning to log, or a refusal
 * (`RoleRefusedError`) naming the connection, the role, every reason and the fix. Read-only
 * connections count every finding; connections that allow writes only those reaching past the
 * database.
 */
export function judgeRole(connection: { name: string; allowWrites: boolean; roleCheck: RoleCheckMode }, report: RoleReport): { warning?: string; refusal?: RoleRefusedError } {
  const reasons = report.findings.filter((f) => !connection.allowWrites || f.kind === 'server').map((f) => f.text);
  if (connection.roleCheck === 'off' || reasons.length === 0) return {};
  const setting = `plugins.settings.database.config.connections.${connection.name}.roleCheck`;
  const what = connection.allowWrites
    ? `connection "${connection.name}" allows writes, and its role "${report.role}" reaches past the database: it ${reasons.join('; it ')}.`
    : `connection "${connection.name}" is read-only, but its role "${report.role}" can do more than read: it ${reasons.join('; it ')}.`;
  if (connection.roleCheck === 'warn') return { warning: `${what} Serving it anyway (${setting}: warn).` };
  const fix = connection.allowWrites
    ? `Connect it as a role without these, or set ${setting}: warn to serve it anyway.`
    : `Connect it as a role that may only read (CONNECT, USAGE and SELECT: the database plugin's README shows the SQL), or set ${setting}: warn to serve it anyway.`;
  return { refusal: new RoleRefusedError(`${what} ${fix}`, connection.name, report.role, reasons) };
}

import pg from 'pg';
import Cursor from 'pg-cursor';
import type { Logger } from '@mcp-host/sdk';
import type { RoleCheckMode } from '../config.js';
import { DatabaseError, RoleRefusedError, type Connection, type RawResult, type ResultColumn, type RunOptions, type TableDescription, type TableRef } from '../Connection.js';
import { jsonSafe, RowCollector } from '../rows.js';
import { DESCRIBE_COLUMNS, DESCRIBE_FOREIGN_KEYS, DESCRIBE_INDEXES, LIST_TABLES, RESOLVE_TABLE } from './catalogQueries.js';
import { inspectRole, judgeRole } from './inspectRole.js';

/** Dates and times stay as PostgreSQL prints them: a JS Date would shift `date` values into the host's time zone. */
const TEXT_TYPES = new Set([1082, 1083, 1114, 1184, 1266]);
const types = {
  getTypeParser: ((oid: number, format?: string) => (TEXT_TYPES.has(oid) ? (v: string) => v : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser,
};

const BATCH = 200;

interface Settings {
  readonly name: string;
  readonly url: string;
  readonly schemas?: readonly string[];
  readonly allowWrites: boolean;
  readonly roleCheck: RoleCheckMode;
  readonly statementTimeoutMs: number;
  readonly pool: { max: number; idleTimeoutMs: number; connectionTimeoutMs: number };
}

/**
 * One PostgreSQL connection: a `pg` pool. Every statement runs in its own transaction on a pooled
 * client — `READ ONLY` unless it is a write the config allows — with `statement_timeout` set for
 * that transaction, through a cursor so that no more rows than the limits allow are ever fetched.
 * Whatever the call ends with, the client is reset with `DISCARD ALL` before it goes back to the
 * pool (or destroyed when the reset fails), so nothing a statement left on its session (advisory
 * locks, settings, prepared statements, temp tables) reaches the next call. Before the first
 * statement the role is checked (`roleCheck`).
 */
export class PostgresConnection implements Connection {
  readonly driver = 'postgres' as const;
  readonly name: string;
  private readonly pool: pg.Pool;
  private readonly typeNames = new Map<number, string>();
  private roleChecked: Promise<void> | undefined;

  constructor(
    private readonly settings: Settings,
    private readonly logger: Logger,
  ) {
    this.name = settings.name;
    this.pool = new pg.Pool({
      connectionString: settings.url,
      max: settings.pool.max,
      idleTimeoutMillis: settings.pool.idleTimeoutMs,
      connectionTimeoutMillis: settings.pool.connectionTimeoutMs,
      application_name: 'mcp-host-database',
      types,
    });
    // An idle client that loses its server emits here; without a listener the error would crash the worker.
    this.pool.on('error', (err) => this.logger.warn({ err, connection: this.name }, 'idle PostgreSQL client failed'));
  }

  async run(sql: string, params: readonly unknown[], options: RunOptions): Promise<RawResult> {
    return this.transaction(options, async (client) => {
      const collector = new RowCollector(options.maxRows, options.maxResultBytes);
      const cursor = client.query(new Cursor(sql, params.map(toParam), { rowMode: 'array', types }));
      let fields: pg.FieldDef[] = [];
      let result: pg.QueryResult | undefined;
      for (;;) {
        const batch = await new Promise<unknown[][]>((resolve, reject) =>
          cursor.read(BATCH, (err: Error | undefined, rows: unknown[][], res: pg.QueryResult) => {
            if (err) return reject(err);
            fields = res.fields;
            result = res;
            resolve(rows);
          }),
        );
        let full = false;
        for (const row of batch) if (!collector.add(row.map(jsonSafe))) (full = true);
        if (full || batch.length < BATCH) break;
      }
      await cursor.close();
      const columns = await this.describeFields(client, fields);
      const complete = collector.cut === undefined;
      return {
        columns,
        rows: collector.rows,
        cut: collector.cut,
        command: result?.command ?? undefined,
        affectedRows: complete && result?.command !== 'SELECT' && typeof result?.rowCount === 'number' ? result.rowCount : undefined,
      };
    });
  }

  async listTables(options: { schema?: string; timeoutMs: number; signal?: AbortSignal }): Promise<TableRef[]> {
    const schemas = options.schema !== undefined ? [options.schema] : this.settings.schemas ? [...this.settings.schemas] : null;
    return this.transaction({ readOnly: true, timeoutMs: options.timeoutMs, signal: options.signal }, async (client) => {
      const { rows } = await client.query<{ schema: string; name: string; kind: string }>(LIST_TABLES, [schemas]);
      return rows;
    });
  }

  async describeTable(table: string, options: { timeoutMs: number; signal?: AbortSignal }): Promise<TableDescription | undefined> {
    return this.transaction({ readOnly: true, timeoutMs: options.timeoutMs, signal: options.signal }, async (client) => {
      // to_regclass resolves the name as PostgreSQL would (search_path, quoting), and returns null for no such relation.
      const found = await client.query<{ oid: number; schema: string; name: string; kind: string }>(RESOLVE_TABLE, [table]).catch(() => ({ rows: [] }));
      const rel = found.rows[0];
      if (!rel) return undefined;
      const [columns, indexes, fks] = [
        (await client.query(DESCRIBE_COLUMNS, [rel.oid])).rows,
        (await client.query(DESCRIBE_INDEXES, [rel.oid])).rows,
        (await client.query(DESCRIBE_FOREIGN_KEYS, [rel.oid])).rows,
      ];
      const primary = indexes.find((i) => i.primary);
      return {
        schema: rel.schema,
        name: rel.name,
        kind: rel.kind,
        columns: columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable, default: c.default, primaryKey: primary?.columns.includes(c.name) ?? false, comment: c.comment })),
        primaryKey: primary?.columns ?? [],
        indexes: indexes.map((i) => ({ name: i.name, columns: i.columns, unique: i.unique })),
        foreignKeys: fks.map((f) => ({ columns: f.columns, references: { schema: f.ref_schema, table: f.ref_table, columns: f.ref_columns } })),
      };
    });
  }

  checkRole(): Promise<void> {
    if (this.settings.roleCheck === 'off') return Promise.resolve();
    this.roleChecked ??= this.inspectRole().catch((e: unknown) => {
      // A refusal stands until the config changes (a reload); a check that could not run is tried again.
      if (!(e instanceof RoleRefusedError)) this.roleChecked = undefined;
      throw e;
    });
    return this.roleChecked;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async inspectRole(): Promise<void> {
    const report = await this.withClient({ readOnly: true, timeoutMs: this.settings.statementTimeoutMs }, (client) => inspectRole(client));
    const { warning, refusal } = judgeRole(this.settings, report);
    if (refusal) throw refusal;
    if (warning) this.logger.warn({ connection: this.name, role: report.role, reasons: report.findings.map((f) => f.text) }, warning);
  }

  /** Runs `work` in a transaction on a pooled client (see `withClient`) once the role check passed. */
  private async transaction<T>(options: Pick<RunOptions, 'readOnly' | 'timeoutMs' | 'signal'>, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    options.signal?.throwIfAborted();
    await this.checkRole();
    return this.withClient(options, work);
  }

  /**
   * Runs `work` in a transaction on a pooled client with the statement timeout set; a cancelled call
   * cancels the running statement on the server. The client is reset before it goes back to the
   * pool. Errors become `DatabaseError`s carrying the database's own message.
   */
  private async withClient<T>(options: Pick<RunOptions, 'readOnly' | 'timeoutMs' | 'signal'>, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    options.signal?.throwIfAborted();
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw new DatabaseError(`cannot connect to PostgreSQL for connection "${this.name}": ${(e as Error).message}`, (e as { code?: string }).code, { cause: e });
    }
    let broken: Error | undefined;
    // A checked-out client has no listener of the pool's: a server that goes away mid-call (an
    // administrator's pg_terminate_backend) would otherwise end the process with an unhandled 'error'.
    const lost = (err: Error) => (broken = err);
    client.on('error', lost);
    const cancel = () => {
      // A second pooled client asks the server to cancel this one's statement (a statement of the
      // plugin's own that leaves nothing on its session, so that client needs no reset).
      this.pool.query('SELECT pg_cancel_backend($1)', [(client as unknown as { processID: number }).processID]).catch(() => undefined);
    };
    options.signal?.addEventListener('abort', cancel, { once: true });
    try {
      await client.query(options.readOnly ? 'BEGIN TRANSACTION READ ONLY' : 'BEGIN TRANSACTION READ WRITE');
      // A SELECT (not SET LOCAL) sets the timeout: it takes the transaction's snapshot, after which
      // the statement can no longer switch the transaction to READ WRITE.
      await client.query(`SELECT set_config('statement_timeout', $1, true)`, [String(Math.max(1, Math.floor(options.timeoutMs)))]);
      const value = await work(client);
      await client.query(options.readOnly ? 'ROLLBACK' : 'COMMIT');
      return value;
    } catch (e) {
      await client.query('ROLLBACK').catch((err: Error) => (broken = err));
      if (options.signal?.aborted) throw new DatabaseError('the statement was cancelled', '57014', { cause: e });
      throw toDatabaseError(e);
    } finally {
      options.signal?.removeEventListener('abort', cancel);
      // Some session state outlives ROLLBACK (advisory locks, prepared statements, dblink links) and
      // COMMIT keeps all of it (SET, temp tables, LISTEN, WITH HOLD cursors): the next call starts
      // clean. A client that cannot be reset is destroyed rather than handed out again. The plugin
      // never names its statements, so pg's client-side cache has nothing DISCARD would invalidate.
      if (!broken) await client.query('DISCARD ALL').catch((err: Error) => (broken = err));
      client.off('error', lost);
      client.release(broken);
    }
  }

  /** Names each result column's type and, when it comes straight from a table column, that column. */
  private async describeFields(client: pg.PoolClient, fields: readonly pg.FieldDef[]): Promise<ResultColumn[]> {
    const missingTypes = [...new Set(fields.map((f) => f.dataTypeID).filter((oid) => !this.typeNames.has(oid)))];
    if (missingTypes.length > 0) {
      const { rows } = await client.query<{ oid: number; name: string }>('SELECT oid::int AS oid, format_type(oid, NULL) AS name FROM pg_type WHERE oid = ANY($1::oid[])', [missingTypes]);
      for (const r of rows) this.typeNames.set(r.oid, r.name);
    }
    const tableIds = [...new Set(fields.map((f) => f.tableID).filter((oid) => oid !== 0))];
    const origins = new Map<string, { schema: string; table: string; column: string }>();
    if (tableIds.length > 0) {
      const { rows } = await client.query<{ oid: number; attnum: number; schema: string; table: string; column: string }>(
        `SELECT c.oid::int AS oid, a.attnum::int AS attnum, n.nspname AS schema, c.relname AS "table", a.attname AS "column"
           FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0`,
        [tableIds],
      );
      for (const r of rows) origins.set(`${r.oid}:${r.attnum}`, { schema: r.schema, table: r.table, column: r.column });
    }
    return fields.map((f) => ({ name: f.name, type: this.typeNames.get(f.dataTypeID), origin: f.tableID !== 0 ? origins.get(`${f.tableID}:${f.columnID}`) : undefined }));
  }
}

/** Parameters arrive as JSON: objects (not arrays) are sent as JSON text, everything else as pg converts it. */
function toParam(value: unknown): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? JSON.stringify(value) : value;
}

/** The database's message, with its SQLSTATE and, for syntax errors, where in the statement. */
function toDatabaseError(e: unknown): DatabaseError {
  if (e instanceof DatabaseError) return e;
  const err = e as pg.DatabaseError;
  if (typeof err?.code === 'string' && typeof err.message === 'string' && 'severity' in err) {
    const extras = [`SQLSTATE ${err.code}`, err.position ? `at character ${err.position}` : undefined].filter(Boolean).join(', ');
    const detail = [err.detail, err.hint ? `Hint: ${err.hint}` : undefined].filter(Boolean).join(' ');
    return new DatabaseError(`${err.message} (${extras})${detail ? `. ${detail}` : ''}`, err.code, { cause: e });
  }
  return new DatabaseError(e instanceof Error ? e.message : String(e), undefined, { cause: e });
}

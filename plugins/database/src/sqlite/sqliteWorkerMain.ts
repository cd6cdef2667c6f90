import type { RowCollector as RowCollectorType } from '../rows.js';

/* The helpers from rows.ts are put in front of this function's source when the worker starts. */
declare const RowCollector: typeof RowCollectorType;
declare function jsonSafe(value: unknown): unknown;

/** What the SQLite worker can be asked to do. */
export type SqliteOp =
  | { op: 'run'; sql: string; params: unknown[]; readOnly: boolean; maxRows: number; maxResultBytes: number }
  | { op: 'listTables' }
  | { op: 'describeTable'; table: string };

/** A request to the SQLite worker (`close` closes its handles before the worker is terminated). */
export type SqliteRequest = { id: number } & (SqliteOp | { op: 'close' });

/** The worker's answer: a value, or the database's message. */
export type SqliteResponse = { id: number } & ({ ok: true; value: unknown } | { ok: false; message: string });

/**
 * Body of a connection's SQLite worker, started with its source text (`eval`), so it must not use
 * anything but `require` and the helpers put in front of it. SQLite calls are synchronous: running
 * them here keeps the plugin's own thread answering, and lets the connection stop a statement that
 * passes its timeout by terminating this worker.
 *
 * node-sqlite3-wasm (pinned to an exact version) has no API for column names in order, duplicate
 * names or column origins, so rows are read through its Statement internals (`_bind`, `_step`,
 * `_getRow`, `_ptr`) and its exported C functions.
 */
export function sqliteWorkerMain(): void {
  const { parentPort, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const sqlite = require(workerData.modulePath);
  const file: string = workerData.file;
  const columnCount: (stmt: number) => number = sqlite.cwrap('sqlite3_column_count', 'number', ['number']);
  const columnName: (stmt: number, i: number) => string = sqlite.cwrap('sqlite3_column_name', 'string', ['number', 'number']);
  const columnTable: (stmt: number, i: number) => string = sqlite.cwrap('sqlite3_column_table_name', 'string', ['number', 'number']);
  const changes: (db: number) => number = sqlite.cwrap('sqlite3_changes', 'number', ['number']);
  const handles: Record<'ro' | 'rw', any> = { ro: undefined, rw: undefined };

  const open = (readOnly: boolean) => {
    const key = readOnly ? 'ro' : 'rw';
    if (!handles[key]) {
      try {
        handles[key] = new sqlite.Database(file, { readOnly });
      } catch (e) {
        throw new Error(`cannot open SQLite database ${file}${readOnly ? ' read-only' : ''}: ${(e as Error).message}`);
      }
    }
    return handles[key];
  };

  const all = (sql: string, params: unknown[] = []) => open(true).all(sql, params) as Array<Record<string, any>>;

  /**
   * Closes a handle unless the statement was a plain read that left no transaction open: anything
   * else may have left state on the handle (BEGIN holding the file's lock, a temp table, a PRAGMA)
   * that the next call must not inherit. Closing rolls back an open transaction; the next call opens
   * a fresh handle (about 2 ms).
   */
  const settle = (readOnly: boolean, sql: string, failed: boolean) => {
    const key = readOnly ? 'ro' : 'rw';
    const db = handles[key];
    if (!db) return;
    const first = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*([A-Za-z]+)/.exec(sql)?.[1]?.toUpperCase();
    if (!failed && (first === 'SELECT' || first === 'WITH' || first === 'VALUES') && !db.inTransaction) return;
    handles[key] = undefined;
    try {
      db.close();
    } catch {
      // close_v2 only defers on unfinalized statements, and every statement here is finalized.
    }
  };

  function run(m: Extract<SqliteRequest, { op: 'run' }>) {
    let failed = true;
    try {
      const value = runStatement(m);
      failed = false;
      return value;
    } finally {
      settle(m.readOnly, m.sql, failed);
    }
  }

  function runStatement(m: Extract<SqliteRequest, { op: 'run' }>) {
    const db = open(m.readOnly);
    const stmt = db.prepare(m.sql);
    try {
      stmt._bind(m.params);
      const count = columnCount(stmt._ptr);
      const names: string[] = [];
      const tables: string[] = [];
      for (let i = 0; i < count; i++) {
        names.push(columnName(stmt._ptr, i));
        tables.push(columnTable(stmt._ptr, i));
      }
      const keys = names.map((_, i) => String(i));
      const collector = new RowCollector(m.maxRows, m.maxResultBytes);
      while (stmt._step()) {
        const row = stmt._getRow(keys, false);
        if (!collector.add(keys.map((k) => jsonSafe(row[k])))) break;
      }
      const tableColumns = new Map<string, Set<string>>();
      for (const t of new Set(tables.filter(Boolean))) {
        tableColumns.set(t, new Set(db.all('SELECT name FROM pragma_table_info(?)', [t]).map((r: { name: string }) => r.name.toLowerCase())));
      }
      const columns = names.map((name, i) => {
        const table = tables[i];
        // Without sqlite3_column_origin_name, a name that is not one of the table's columns is an alias.
        return { name, origin: table ? { table, column: tableColumns.get(table)?.has(name.toLowerCase()) ? name : undefined } : undefined };
      });
      return { columns, rows: collector.rows, cut: collector.cut, affectedRows: m.readOnly || count > 0 ? undefined : changes(db._ptr) };
    } finally {
      stmt.finalize();
    }
  }

  function describeTable(table: string) {
    const rel = all(`SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view') AND name = ? COLLATE NOCASE`, [table])[0];
    if (!rel) return undefined;
    const cols = all('SELECT name, type, "notnull" AS nn, dflt_value, pk FROM pragma_table_info(?)', [rel.name]);
    const primaryKey = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name as string);
    const indexes = all('SELECT name, "unique" AS isUnique FROM pragma_index_list(?)', [rel.name]).map((i) => ({
      name: i.name as string,
      unique: i.isUnique === 1,
      columns: all('SELECT name FROM pragma_index_info(?) ORDER BY seqno', [i.name]).map((c) => (c.name ?? '(expression)') as string),
    }));
    const fkRows = all('SELECT id, seq, "table" AS ref, "from" AS col, "to" AS refcol FROM pragma_foreign_key_list(?) ORDER BY id, seq', [rel.name]);
    const fks = new Map<number, { columns: string[]; references: { table: string; columns: string[] } }>();
    for (const r of fkRows) {
      const fk = fks.get(r.id) ?? { columns: [] as string[], references: { table: r.ref as string, columns: [] as string[] } };
      fk.columns.push(r.col);
      fk.references.columns.push(r.refcol ?? '(primary key)');
      fks.set(r.id, fk);
    }
    return {
      name: rel.name,
      kind: rel.type,
      columns: cols.map((c) => ({ name: c.name, type: c.type || 'ANY', nullable: c.nn === 0 && c.pk === 0, default: c.dflt_value, primaryKey: c.pk > 0 })),
      primaryKey,
      indexes,
      foreignKeys: [...fks.values()],
    };
  }

  parentPort!.on('message', (m: SqliteRequest) => {
    let response: SqliteResponse;
    try {
      let value: unknown;
      if (m.op === 'run') value = run(m);
      else if (m.op === 'listTables') value = all(`SELECT name, type AS kind FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`);
      else if (m.op === 'describeTable') value = describeTable(m.table);
      else {
        for (const key of ['ro', 'rw'] as const) handles[key]?.close();
        handles.ro = handles.rw = undefined;
      }
      response = { id: m.id, ok: true, value };
    } catch (e) {
      response = { id: m.id, ok: false, message: e instanceof Error ? e.message : String(e) };
    }
    parentPort!.postMessage(response);
  });
}

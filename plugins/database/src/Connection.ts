/** Where a result column's values come from, when the database can tell. */
export interface ColumnOrigin {
  readonly schema?: string;
  readonly table: string;
  /** The table's column; undefined when the driver only knows the table (an alias on SQLite). */
  readonly column?: string;
}

/** One column of a result. */
export interface ResultColumn {
  readonly name: string;
  readonly type?: string;
  readonly origin?: ColumnOrigin;
}

/** Rows as a driver read them: values already JSON-safe, cut at the limits. */
export interface RawResult {
  readonly columns: ResultColumn[];
  readonly rows: unknown[][];
  /** Why rows were cut, when they were. */
  readonly cut?: 'rows' | 'bytes';
  /** Rows changed by a write (when the database reports it). */
  readonly affectedRows?: number;
  /** The statement's command tag (PostgreSQL: `SELECT`, `INSERT`, …). */
  readonly command?: string;
}

/** What a statement may do and how much it may return. */
export interface RunOptions {
  /** Read-only transaction (PostgreSQL) or read-only handle (SQLite). */
  readonly readOnly: boolean;
  readonly maxRows: number;
  readonly maxResultBytes: number;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** One table or view. */
export interface TableRef {
  readonly schema?: string;
  readonly name: string;
  readonly kind: string;
}

/** One column of a described table. */
export interface ColumnInfo {
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
  readonly default?: string | null;
  readonly primaryKey: boolean;
  readonly comment?: string | null;
}

/** A table's description. */
export interface TableDescription {
  readonly schema?: string;
  readonly name: string;
  readonly kind: string;
  readonly columns: ColumnInfo[];
  readonly primaryKey: string[];
  readonly indexes: Array<{ name: string; columns: string[]; unique: boolean }>;
  readonly foreignKeys: Array<{ columns: string[]; references: { schema?: string; table: string; columns: string[] } }>;
}

/** A database behind one configured connection. */
export interface Connection {
  readonly name: string;
  readonly driver: 'postgres' | 'sqlite';
  /** Runs one statement with positional parameters. Throws `DatabaseError` with the database's own message. */
  run(sql: string, params: readonly unknown[], options: RunOptions): Promise<RawResult>;
  listTables(options: { schema?: string; timeoutMs: number; signal?: AbortSignal }): Promise<TableRef[]>;
  /** Undefined when no such table or view exists. */
  describeTable(table: string, options: { timeoutMs: number; signal?: AbortSignal }): Promise<TableDescription | undefined>;
  /**
   * Checks, once, what the connection's database role may do (PostgreSQL's `roleCheck`); rejects with
   * a `RoleRefusedError` when the role can do more than the config allows, or with the failure that
   * kept the check from running (it is then tried again before the next statement).
   */
  checkRole(): Promise<void>;
  close(): Promise<void>;
}

/** A failure the database reported (or a limit the plugin enforced on its behalf). */
export class DatabaseError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DatabaseError';
  }
}

/** The connection's role can do more than the connection may: it serves nothing until the config or the role changes. */
export class RoleRefusedError extends DatabaseError {
  constructor(
    message: string,
    readonly connection: string,
    readonly role: string,
    readonly reasons: readonly string[],
  ) {
    super(message, 'role_refused');
    this.name = 'RoleRefusedError';
  }
}

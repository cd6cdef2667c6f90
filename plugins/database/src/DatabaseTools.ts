import { z } from 'zod';
import { Tool, ToolError, injectable, type CallToolResult, type ToolContext } from '@mcp-host/sdk';
import { DatabaseError, type RawResult } from './Connection.js';
import { Databases, type ConfiguredConnection } from './Databases.js';

const connectionArg = z.string().optional().describe('Name of the connection (see list_connections); the default connection when left out');

const QueryInput = z.object({
  sql: z.string().min(1).describe('One SQL statement. Parameters: $1, $2, … on PostgreSQL; ? or ?NNN on SQLite.'),
  params: z.array(z.unknown()).default([]).describe('Values of the parameters, in order (objects are sent as JSON text)'),
  connection: connectionArg,
  maxRows: z.number().int().min(1).optional().describe('Return at most this many rows (never more than the configured limit)'),
});

const ExecuteInput = QueryInput.omit({ maxRows: true });

const QueryOutput = z.object({
  connection: z.string(),
  columns: z.array(z.object({ name: z.string(), type: z.string().optional() })),
  rows: z.array(z.record(z.string(), z.unknown())).describe('One object per row, keyed by column name'),
  rowCount: z.number().int().describe('Rows returned here'),
  truncated: z.boolean().describe('True when the result had more rows than are returned'),
  affectedRows: z.number().int().optional().describe('Rows changed by a write'),
  maskedColumns: z.array(z.string()).optional().describe('Columns whose values are masked by configuration'),
  note: z.string().optional(),
});
type QueryOutput = z.infer<typeof QueryOutput>;

const ListTablesInput = z.object({
  connection: connectionArg,
  schema: z.string().optional().describe('PostgreSQL: only this schema'),
});

const ListTablesOutput = z.object({
  connection: z.string(),
  tables: z.array(z.object({ schema: z.string().optional(), name: z.string(), kind: z.string() })),
});

const DescribeTableInput = z.object({
  table: z.string().min(1).describe('Table or view name; on PostgreSQL optionally schema-qualified (public.users)'),
  connection: connectionArg,
});

/** The database tools. `Databases` (the pools and workers) comes from the plugin's container by type. */
@injectable()
export class DatabaseTools {
  constructor(private readonly databases: Databases) {}

  @Tool({
    name: 'list_connections',
    title: 'List database connections',
    description: 'Lists the configured database connections: name, driver, and whether writes are allowed.',
    output: z.object({ connections: z.array(z.object({ name: z.string(), driver: z.string(), allowWrites: z.boolean(), default: z.boolean() })) }),
    annotations: { readOnlyHint: true, openWorldHint: false },
  })
  listConnections() {
    return {
      connections: this.databases.names().map((name) => {
        const { settings } = this.databases.get(name);
        return { name, driver: settings.driver, allowWrites: settings.allowWrites, default: name === this.databases.defaultName };
      }),
    };
  }

  @Tool({
    name: 'query',
    title: 'Run a read-only SQL query',
    description:
      'Runs one SQL statement with parameters, read-only (a READ ONLY transaction on PostgreSQL, a read-only handle on SQLite), and returns its rows. ' +
      'Results are cut at the row and size limits, with a note saying so; masked columns show a placeholder.',
    input: QueryInput,
    output: QueryOutput,
    annotations: { readOnlyHint: true, openWorldHint: false },
  })
  async query(args: z.infer<typeof QueryInput>, ctx: ToolContext): Promise<CallToolResult> {
    const entry = this.databases.get(args.connection);
    const maxRows = Math.min(args.maxRows ?? entry.settings.maxRows, entry.settings.maxRows);
    return this.run(entry, args.sql, args.params, true, maxRows, ctx);
  }

  @Tool({
    name: 'execute',
    title: 'Run an SQL statement that writes',
    description:
      'Runs one SQL statement that may write (INSERT, UPDATE, DELETE, DDL) on a connection whose config allows writes, in its own transaction, committed when it succeeds. ' +
      'Refused on read-only connections. Returns the affected row count and any RETURNING rows.',
    input: ExecuteInput,
    output: QueryOutput,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  })
  async execute(args: z.infer<typeof ExecuteInput>, ctx: ToolContext): Promise<CallToolResult> {
    const entry = this.databases.get(args.connection);
    if (!entry.settings.allowWrites) {
      throw new ToolError(
        `Connection "${entry.settings.name}" is read-only: statements that write are refused. ` +
          `An operator can allow them with plugins.settings.database.config.connections.${entry.settings.name}.allowWrites: true.`,
      );
    }
    return this.run(entry, args.sql, args.params, false, entry.settings.maxRows, ctx);
  }

  @Tool({
    name: 'list_tables',
    title: 'List tables',
    description: 'Lists the tables and views of a connection (on PostgreSQL with their schema).',
    input: ListTablesInput,
    output: ListTablesOutput,
    annotations: { readOnlyHint: true, openWorldHint: false },
  })
  async listTables(args: z.infer<typeof ListTablesInput>, ctx: ToolContext): Promise<z.infer<typeof ListTablesOutput>> {
    const { connection, settings } = this.databases.get(args.connection);
    const tables = await guard(() => connection.listTables({ schema: args.schema, timeoutMs: settings.statementTimeoutMs, signal: ctx.signal }));
    return { connection: settings.name, tables };
  }

  @Tool({
    name: 'describe_table',
    title: 'Describe a table',
    description: 'Describes a table or view: columns (type, nullability, default, primary key, masked), indexes and foreign keys.',
    input: DescribeTableInput,
    annotations: { readOnlyHint: true, openWorldHint: false },
  })
  async describeTable(args: z.infer<typeof DescribeTableInput>, ctx: ToolContext) {
    const entry = this.databases.get(args.connection);
    const description = await describe(entry, args.table, ctx.signal);
    if (!description) throw new ToolError(`No table or view "${args.table}" on connection "${entry.settings.name}". Use list_tables to see what there is.`);
    return description;
  }

  private async run(entry: ConfiguredConnection, sql: string, params: unknown[], readOnly: boolean, maxRows: number, ctx: ToolContext): Promise<CallToolResult> {
    const { connection, settings, masker } = entry;
    const raw = await guard(() => connection.run(sql, params, { readOnly, maxRows, maxResultBytes: settings.maxResultBytes, timeoutMs: settings.statementTimeoutMs, signal: ctx.signal }));
    const masked = masker.apply(raw.columns, raw.rows);
    const output = shape(settings.name, raw, masked, maxRows, settings.maxResultBytes);
    if (output.note) ctx.logger.debug({ connection: settings.name, cut: raw.cut }, 'query result cut');
    const text = output.note ? `${output.note}\n${JSON.stringify(output)}` : JSON.stringify(output);
    return { content: [{ type: 'text', text }], structuredContent: output };
  }
}

/** A table's description with masked columns marked, or undefined when there is no such table. */
export async function describe(entry: ConfiguredConnection, table: string, signal?: AbortSignal) {
  const { connection, settings, masker } = entry;
  const d = await guard(() => connection.describeTable(table, { timeoutMs: settings.statementTimeoutMs, signal }));
  if (!d) return undefined;
  return { connection: settings.name, ...d, columns: d.columns.map((c) => ({ ...c, masked: masker.isMasked(d.schema, d.name, c.name) })) };
}

/** Database failures become tool errors carrying the database's own message, so the model can fix its SQL. */
export async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof DatabaseError) throw new ToolError(e.message, { cause: e });
    throw e;
  }
}

function shape(connection: string, raw: RawResult, masked: string[], maxRows: number, maxBytes: number): QueryOutput {
  // Duplicate column names (`SELECT 1 AS a, 2 AS a`) get a suffix, so that no value is lost in a row object.
  const seen = new Map<string, number>();
  const names = raw.columns.map((c) => {
    const n = (seen.get(c.name) ?? 0) + 1;
    seen.set(c.name, n);
    return n === 1 ? c.name : `${c.name}_${n}`;
  });
  const rows = raw.rows.map((row) => Object.fromEntries(names.map((name, i) => [name, row[i] ?? null])));
  const note =
    raw.cut === 'rows'
      ? `Note: the result has more rows than the ${maxRows} returned here (row limit); rows were cut. Narrow the query (WHERE, LIMIT, aggregates) to see the rest.`
      : raw.cut === 'bytes'
        ? `Note: rows were cut after ${raw.rows.length}: the result passed the size limit of ${maxBytes} bytes. Select fewer or smaller columns, or fewer rows.`
        : undefined;
  return {
    connection,
    columns: raw.columns.map((c, i) => ({ name: names[i]!, ...(c.type ? { type: c.type } : {}) })),
    rows,
    rowCount: rows.length,
    truncated: raw.cut !== undefined,
    ...(raw.affectedRows !== undefined ? { affectedRows: raw.affectedRows } : {}),
    ...(masked.length > 0 ? { maskedColumns: masked } : {}),
    ...(note ? { note } : {}),
  };
}

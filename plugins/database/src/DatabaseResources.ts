import { ResourceNotFoundError, ResourceTemplate, injectable, type CompletionContext, type RequestContext, type TextResourceContents } from '@mcp-host/sdk';
import { describe, guard } from './DatabaseTools.js';
import { Databases } from './Databases.js';

/** Tables described in full in a schema resource; past it the resource lists the rest by name. */
const SCHEMA_TABLE_LIMIT = 200;

const variable = (variables: Record<string, string | string[]>, name: string): string | undefined => {
  const v = Array.isArray(variables[name]) ? variables[name][0] : variables[name];
  return v === undefined ? undefined : decodeURIComponent(v);
};

/**
 * Each connection's schema and each table's description as resources. Connections come from the
 * config, so both are templates (`db://{connection}/schema`, `db://{connection}/tables/{table}`)
 * whose variables complete from the configured connections and their tables.
 */
@injectable()
export class DatabaseResources {
  constructor(private readonly databases: Databases) {}

  @ResourceTemplate({
    uriTemplate: 'db://{connection}/schema',
    name: 'database-schema',
    title: 'Database schema',
    description: 'Every table and view of a connection with its columns, indexes and foreign keys, as JSON.',
    mimeType: 'application/json',
    complete: { connection: 'completeConnection' },
  })
  async schema(uri: string, variables: Record<string, string | string[]>, ctx: RequestContext): Promise<TextResourceContents> {
    const entry = this.databases.find(variable(variables, 'connection'));
    if (!entry) throw new ResourceNotFoundError(uri);
    const tables = await guard(() => entry.connection.listTables({ timeoutMs: entry.settings.statementTimeoutMs, signal: ctx.signal }));
    const described = [];
    for (const t of tables.slice(0, SCHEMA_TABLE_LIMIT)) {
      const name = t.schema ? `${quoteIdent(t.schema)}.${quoteIdent(t.name)}` : t.name;
      described.push((await describe(entry, name, ctx.signal)) ?? t);
    }
    const body = {
      connection: entry.settings.name,
      driver: entry.settings.driver,
      tables: described,
      ...(tables.length > SCHEMA_TABLE_LIMIT ? { moreTables: tables.slice(SCHEMA_TABLE_LIMIT), note: `Only the first ${SCHEMA_TABLE_LIMIT} tables are described; read db://${entry.settings.name}/tables/{table} for the others.` } : {}),
    };
    return { uri, mimeType: 'application/json', text: JSON.stringify(body, null, 2) };
  }

  @ResourceTemplate({
    uriTemplate: 'db://{connection}/tables/{table}',
    name: 'database-table',
    title: 'Table description',
    description: 'One table or view of a connection: columns, indexes and foreign keys, as JSON.',
    mimeType: 'application/json',
    complete: { connection: 'completeConnection', table: 'completeTable' },
  })
  async table(uri: string, variables: Record<string, string | string[]>, ctx: RequestContext): Promise<TextResourceContents> {
    const entry = this.databases.find(variable(variables, 'connection'));
    const table = variable(variables, 'table');
    if (!entry || !table) throw new ResourceNotFoundError(uri);
    const description = await describe(entry, table, ctx.signal);
    if (!description) throw new ResourceNotFoundError(uri);
    return { uri, mimeType: 'application/json', text: JSON.stringify(description, null, 2) };
  }

  completeConnection(value: string): string[] {
    return this.databases.names().filter((n) => n.startsWith(value));
  }

  async completeTable(value: string, ctx: CompletionContext): Promise<string[]> {
    const entry = this.databases.find(ctx.arguments.connection);
    if (!entry) return [];
    const tables = await entry.connection.listTables({ timeoutMs: entry.settings.statementTimeoutMs, signal: ctx.signal }).catch(() => []);
    const names = tables.map((t) => (t.schema && t.schema !== 'public' ? `${t.schema}.${t.name}` : t.name));
    return names.filter((n) => n.startsWith(value)).slice(0, 100);
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

import { ToolError, type Logger } from '@mcp-host/sdk';
import { ColumnMasker } from './ColumnMasker.js';
import type { ConnectionSettings, DatabaseSettings } from './config.js';
import type { Connection } from './Connection.js';
import { PostgresConnection } from './postgres/PostgresConnection.js';
import { SqliteConnection } from './sqlite/SqliteConnection.js';

/** A configured connection with its settings and masking rules. */
export interface ConfiguredConnection {
  readonly connection: Connection;
  readonly settings: ConnectionSettings;
  readonly masker: ColumnMasker;
}

/**
 * The plugin generation's databases: one `Connection` per configured connection (a pg pool, or a
 * SQLite worker started on first use). Registered in the plugin's container by `setup`, which
 * also registers `close()` to run when the generation is disposed.
 */
export class Databases {
  private readonly entries = new Map<string, ConfiguredConnection>();

  constructor(
    private readonly config: DatabaseSettings,
    logger: Logger,
  ) {
    for (const [name, settings] of config.connections) {
      const connection = settings.driver === 'postgres' ? new PostgresConnection(settings, logger) : new SqliteConnection(settings, logger);
      this.entries.set(name, { connection, settings, masker: new ColumnMasker(settings.mask, settings.maskWith) });
    }
  }

  /** Connection names, the default first. */
  names(): string[] {
    const names = [...this.entries.keys()];
    return [this.config.defaultConnection, ...names.filter((n) => n !== this.config.defaultConnection)];
  }

  get defaultName(): string {
    return this.config.defaultConnection;
  }

  /** The named connection (or the default); a tool error naming the known ones otherwise. */
  get(name: string | undefined): ConfiguredConnection {
    const entry = this.find(name);
    if (!entry) throw new ToolError(`Unknown connection "${name}". Known connections: ${this.names().join(', ')}.`);
    return entry;
  }

  find(name: string | undefined): ConfiguredConnection | undefined {
    return this.entries.get(name ?? this.config.defaultConnection);
  }

  /** Closes every pool and worker; failures are collected so one bad connection does not keep the others open. */
  async close(): Promise<void> {
    const results = await Promise.allSettled([...this.entries.values()].map((e) => e.connection.close()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) throw new AggregateError(failed.map((f) => f.reason), `closing ${failed.length} database connection(s) failed`);
  }
}

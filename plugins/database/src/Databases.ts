import { ToolError, type Logger } from '@mcp-host/sdk';
import { ColumnMasker } from './ColumnMasker.js';
import type { ConnectionSettings, DatabaseSettings } from './config.js';
import { RoleRefusedError, type Connection } from './Connection.js';
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
    private readonly logger: Logger,
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

  /**
   * Checks every connection's database role (`roleCheck`), all at once. Throws one error naming each
   * refused connection, its role and why; a database that cannot be reached yet only warns (its check
   * then runs before its first statement), so a host can start before its databases.
   */
  async checkRoles(): Promise<void> {
    const entries = [...this.entries.values()];
    const results = await Promise.allSettled(entries.map((e) => e.connection.checkRole()));
    const refused: string[] = [];
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') return;
      const name = entries[i]!.settings.name;
      if (r.reason instanceof RoleRefusedError) refused.push(r.reason.message);
      else this.logger.warn({ err: r.reason, connection: name }, `cannot check the database role of connection "${name}" now; it is checked before its first statement`);
    });
    if (refused.length > 0) throw new Error(refused.length === 1 ? refused[0]! : `${refused.length} connections refused: ${refused.join(' | ')}`);
  }

  /** Closes every pool and worker; failures are collected so one bad connection does not keep the others open. */
  async close(): Promise<void> {
    const results = await Promise.allSettled([...this.entries.values()].map((e) => e.connection.close()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) throw new AggregateError(failed.map((f) => f.reason), `closing ${failed.length} database connection(s) failed`);
  }
}

import path from 'node:path';
import { parseConfig } from '@mcp-host/sdk';
import { z } from 'zod';

const DEFAULTS = { statementTimeoutMs: 30_000, maxRows: 1000, maxResultBytes: 1_000_000 } as const;

const limitFields = {
  /** A statement still running after this long is cancelled (PostgreSQL `statement_timeout`; the SQLite worker is stopped). */
  statementTimeoutMs: z.number().int().min(1).max(3_600_000).optional(),
  /** Most rows a result carries; the result says when more were cut. */
  maxRows: z.number().int().min(1).max(100_000).optional(),
  /** Most bytes (as JSON) the rows of a result take; rows past it are cut, with a note. */
  maxResultBytes: z.number().int().min(1024).max(100_000_000).optional(),
};

const connectionSchema = z
  .object({
    /** `postgres` or `sqlite`; inferred from `url` (postgres) or `file` (sqlite) when left out. */
    driver: z.enum(['postgres', 'sqlite']).optional(),
    /** PostgreSQL connection string, e.g. `postgres://reader@db.internal:5432/app`. */
    url: z.string().min(1).optional(),
    /** Name of an environment variable holding the connection string (keeps passwords out of the config file). */
    urlEnv: z.string().min(1).optional(),
    /** SQLite database file (relative paths are resolved against the host's working directory). */
    file: z.string().min(1).optional(),
    /** Lets the `execute` tool run statements that write. Off by default: the connection is read-only. */
    allowWrites: z.boolean().default(false),
    /** PostgreSQL: schemas that `list_tables` and the schema resource show (default: every non-system schema). */
    schemas: z.array(z.string().min(1)).optional(),
    /** Columns whose values are masked in results: `table.column`, `schema.table.column`, or `*.column`. */
    mask: z.array(z.string().min(1)).default([]),
    /**
     * PostgreSQL: what to do when the connection's role can do more than the connection needs, checked
     * when the plugin starts. `refuse` (the default on read-only connections) fails the start naming the
     * role and why; `warn` logs it and serves; `off` skips the check. Read-only connections are checked
     * for any write privilege; connections that allow writes only for reaching the server itself
     * (superuser, `pg_execute_server_program`, server files), and only warn unless set to `refuse`.
     */
    roleCheck: z.enum(['refuse', 'warn', 'off']).optional(),
    /** PostgreSQL pool options. */
    pool: z
      .object({
        max: z.number().int().min(1).max(100).default(5),
        idleTimeoutMs: z.number().int().min(0).default(30_000),
        connectionTimeoutMs: z.number().int().min(100).default(10_000),
      })
      .strict()
      .prefault({}),
    ...limitFields,
  })
  .strict();

export const DatabaseConfigSchema = z
  .object({
    /** Named connections; the tools take the name as `connection`. */
    connections: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/, { error: 'connection names may contain only letters, digits, "_" and "-"' }), connectionSchema),
    /** The connection used when a call names none (default: the first one). */
    defaultConnection: z.string().optional(),
    /** Masking rules for every connection (added to each connection's own `mask`). */
    mask: z.array(z.string().min(1)).default([]),
    /** What a masked value is replaced with. */
    maskWith: z.string().default('***'),
    ...limitFields,
  })
  .strict();

export type DatabaseConfig = z.output<typeof DatabaseConfigSchema>;

/** What a connection does when its PostgreSQL role can do more than the connection needs (see `roleCheck`). */
export type RoleCheckMode = 'refuse' | 'warn' | 'off';

/** One connection with every default filled in and its target resolved. */
export type ConnectionSettings = {
  readonly name: string;
  readonly allowWrites: boolean;
  readonly mask: readonly string[];
  readonly maskWith: string;
  readonly statementTimeoutMs: number;
  readonly maxRows: number;
  readonly maxResultBytes: number;
} & (
  | {
      readonly driver: 'postgres';
      readonly url: string;
      readonly schemas?: readonly string[];
      readonly roleCheck: RoleCheckMode;
      readonly pool: { max: number; idleTimeoutMs: number; connectionTimeoutMs: number };
    }
  | { readonly driver: 'sqlite'; readonly file: string }
);

/** The plugin's settings: connections by name, and which one a call without `connection` uses. */
export interface DatabaseSettings {
  readonly connections: ReadonlyMap<string, ConnectionSettings>;
  readonly defaultConnection: string;
}

/**
 * The plugin's config (declared with `definePlugin({ config: databaseConfig() })`): the section's
 * schema, then every connection resolved (driver, URL from the environment, file from `cwd`,
 * limits and masks with their defaults). Each problem is an issue at its path.
 */
export function databaseConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()) {
  return DatabaseConfigSchema.transform((config, ctx): DatabaseSettings => {
    const problem = (at: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path: at, message });
    const connections = new Map<string, ConnectionSettings>();
    for (const [name, c] of Object.entries(config.connections)) {
      const where = ['connections', name];
      const common = {
        name,
        allowWrites: c.allowWrites,
        mask: [...config.mask, ...c.mask],
        maskWith: config.maskWith,
        statementTimeoutMs: c.statementTimeoutMs ?? config.statementTimeoutMs ?? DEFAULTS.statementTimeoutMs,
        maxRows: c.maxRows ?? config.maxRows ?? DEFAULTS.maxRows,
        maxResultBytes: c.maxResultBytes ?? config.maxResultBytes ?? DEFAULTS.maxResultBytes,
      };
      for (const rule of common.mask) if (rule.split('.').length < 2 || rule.split('.').length > 3) problem([...where, 'mask'], `"${rule}" is not table.column, schema.table.column or *.column`);
      const driver = c.driver ?? (c.file !== undefined ? 'sqlite' : 'postgres');
      if (driver === 'sqlite') {
        if (c.file === undefined) problem(where, 'a sqlite connection needs "file"');
        if (c.roleCheck !== undefined) problem([...where, 'roleCheck'], 'only postgres connections have a role to check');
        if (c.url !== undefined || c.urlEnv !== undefined) problem(where, '"url"/"urlEnv" are for postgres connections; sqlite takes "file"');
        else if (c.file !== undefined) connections.set(name, { ...common, driver, file: path.resolve(cwd, c.file) });
        continue;
      }
      if (c.file !== undefined) problem(where, '"file" is for sqlite connections; postgres takes "url" or "urlEnv"');
      let url = c.url;
      if (url === undefined && c.urlEnv !== undefined) {
        url = env[c.urlEnv];
        if (!url) problem([...where, 'urlEnv'], `environment variable ${c.urlEnv} is not set`);
      } else if (url === undefined) problem(where, 'a postgres connection needs "url" or "urlEnv"');
      if (url !== undefined && !/^postgres(ql)?:\/\//.test(url)) problem(where, 'url must start with postgres:// or postgresql://');
      const roleCheck = c.roleCheck ?? (c.allowWrites ? 'warn' : 'refuse');
      if (url) connections.set(name, { ...common, driver: 'postgres', url, schemas: c.schemas, roleCheck, pool: c.pool });
    }
    if (Object.keys(config.connections).length === 0) problem(['connections'], 'configure at least one connection');
    const defaultConnection = config.defaultConnection ?? Object.keys(config.connections)[0] ?? '';
    if (config.defaultConnection !== undefined && !(config.defaultConnection in config.connections)) {
      problem(['defaultConnection'], `"${config.defaultConnection}" is not one of the connections (${Object.keys(config.connections).join(', ')})`);
    }
    return { connections, defaultConnection };
  });
}

/** The settings of a raw section, as the host parses it (for tests and tools); throws naming every problem. */
export const parseDatabaseConfig = (raw: unknown, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): DatabaseSettings => parseConfig(databaseConfig(env, cwd), raw, 'database');

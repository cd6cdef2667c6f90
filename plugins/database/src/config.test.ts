import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDatabaseConfig } from './config.js';

describe('parseDatabaseConfig', () => {
  it('infers drivers, fills limits from the top level, and resolves SQLite files against the cwd', () => {
    const s = parseDatabaseConfig(
      {
        connections: {
          local: { file: 'data/app.db', mask: ['users.email'] },
          main: { url: 'postgres://reader@db:5432/app', allowWrites: true, maxRows: 10 },
          fromEnv: { urlEnv: 'APP_DB_URL' },
        },
        mask: ['*.password'],
        statementTimeoutMs: 2000,
      },
      { APP_DB_URL: 'postgresql://x@y/z' },
      '/srv',
    );
    expect(s.defaultConnection).toBe('local');
    expect(s.connections.get('local')).toMatchObject({ driver: 'sqlite', file: path.resolve('/srv', 'data/app.db'), allowWrites: false, mask: ['*.password', 'users.email'], maskWith: '***', statementTimeoutMs: 2000, maxRows: 1000 });
    expect(s.connections.get('main')).toMatchObject({ driver: 'postgres', url: 'postgres://reader@db:5432/app', allowWrites: true, maxRows: 10, pool: { max: 5 } });
    expect(s.connections.get('fromEnv')).toMatchObject({ driver: 'postgres', url: 'postgresql://x@y/z' });
  });

  it('checks the role of read-only PostgreSQL connections by refusing, of writable ones by warning, unless told otherwise', () => {
    const s = parseDatabaseConfig({
      connections: { ro: { url: 'postgres://r@db/app' }, rw: { url: 'postgres://w@db/app', allowWrites: true }, loose: { url: 'postgres://r@db/app', roleCheck: 'warn' }, strict: { url: 'postgres://w@db/app', allowWrites: true, roleCheck: 'refuse' } },
    });
    expect(Object.fromEntries([...s.connections].map(([name, c]) => [name, c.driver === 'postgres' ? c.roleCheck : undefined]))).toEqual({ ro: 'refuse', rw: 'warn', loose: 'warn', strict: 'refuse' });
    expect(() => parseDatabaseConfig({ connections: { a: { url: 'postgres://r@db/app', roleCheck: 'never' } } })).toThrow(/connections\.a\.roleCheck: Invalid option/);
    expect(() => parseDatabaseConfig({ connections: { lite: { file: 'x.db', roleCheck: 'off' } } })).toThrow('connections.lite.roleCheck: only postgres connections have a role to check');
  });

  it('names every problem at once', () => {
    let message = '';
    try {
      parseDatabaseConfig(
        {
          connections: { a: { driver: 'sqlite' }, b: { urlEnv: 'MISSING_VAR' }, c: { url: 'mysql://x' }, d: { file: 'x.db', mask: ['nodot'] } },
          defaultConnection: 'zzz',
        },
        {},
      );
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('connections.a: a sqlite connection needs "file"');
    expect(message).toContain('connections.b.urlEnv: environment variable MISSING_VAR is not set');
    expect(message).toContain('connections.c: url must start with postgres://');
    expect(message).toContain('connections.d.mask: "nodot" is not table.column');
    expect(message).toContain('defaultConnection: "zzz" is not one of the connections');
  });

  it('rejects unknown keys and a missing connections map', () => {
    expect(() => parseDatabaseConfig({ connections: { a: { file: 'x', passwd: 1 } } })).toThrow(/Unrecognized key/);
    expect(() => parseDatabaseConfig({})).toThrow(/invalid database config: connections/);
    expect(() => parseDatabaseConfig({ connections: {} })).toThrow('configure at least one connection');
  });
});

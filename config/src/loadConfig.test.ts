import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, hostConfigSchema, loadConfig } from './index.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mcp-host-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

/** Runs `loadConfig` expecting a ConfigError, and returns it. */
async function failure(options: Parameters<typeof loadConfig>[0]): Promise<ConfigError> {
  const error = await loadConfig(options).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('loadConfig', () => {
  it('fills every default from an empty config', async () => {
    const file = await write('empty.yaml', '');
    const config = await loadConfig({ file, env: {} });
    expect(config).toEqual({
      server: {
        host: '127.0.0.1',
        port: 3000,
        path: '/mcp',
        allowedHosts: [],
        allowedOrigins: [],
        bodyLimitBytes: 4194304,
        sessionIdleTimeoutMs: 1800000,
        maxSessions: 10000,
        limits: { maxDepth: 64, maxStringLength: 1048576, maxArrayLength: 100000, maxObjectKeys: 10000 },
        quotas: { sessionsPerPrincipal: 1000, getStreamsPerPrincipal: 1000, listenStreamsPerPrincipal: 100, inFlightPerPrincipal: 256 },
        bodyTimeoutMs: 30000,
        drainTimeoutMs: 10000,
        sseRetryMs: 1000,
      },
      stdio: false,
      // No admin listener, and no traces, unless configured.
      telemetry: {
        metrics: { enabled: true, principalLabel: false, processMetrics: true },
        tracing: { sampleRatio: 1 },
        otlp: { headers: {}, serviceName: 'mcp-host' },
      },
      protocol: {
        requestStateTtlMs: 600000,
        maxListenStreams: 1000,
        maxSubscriptions: 1000,
        tasks: { ttlMs: 600000, pollIntervalMs: 500, perPrincipal: 100, max: 10000 },
        clientRequestTimeoutMs: 300000,
        cache: { listTtlMs: 60000, readTtlMs: 0, discoverTtlMs: 300000, scope: 'private' },
      },
      logLevel: 'info',
      plugins: { paths: [], settings: {}, isolation: 'worker', callTimeoutMs: 60000, loadTimeoutMs: 30000, workerMemoryMb: 512, maxRssMb: 1024, watch: true, watchDebounceMs: 100, breakingChanges: 'refuse', drainTimeoutMs: 30000 },
      // Shared context is always on (in memory without a cluster), with these bounds.
      context: {
        maxValueBytes: 65536,
        maxTtlMs: 2592000000,
        sessionTtlMs: 86400000,
        quota: { session: { maxKeys: 100, maxBytes: 1048576 }, principal: { maxKeys: 1000, maxBytes: 4194304 }, shared: { maxKeys: 10000, maxBytes: 16777216 } },
        namespaces: {},
      },
    });
    expect(hostConfigSchema.parse({})).toEqual(config);
  });

  it('checks context namespaces: their names, their rules, a partial quota filled in', async () => {
    const file = await write('context.yaml', 'context:\n  quota: { session: { maxKeys: 5 } }\n  namespaces:\n    team: { read: { scopes: [team:read] }, schema: { type: object } }\n');
    const config = await loadConfig({ file, env: {} });
    expect(config.context.quota.session).toEqual({ maxKeys: 5, maxBytes: 1048576 });
    expect(config.context.namespaces.team).toEqual({ read: { scopes: ['team:read'] }, schema: { type: 'object' } });
    await expect(loadConfig({ file: await write('bad-ns.yaml', 'context:\n  namespaces:\n    Team/../x: {}\n'), env: {} })).rejects.toThrow(/namespace/);
    await expect(loadConfig({ file: await write('bad-rule.yaml', 'context:\n  namespaces:\n    team: { reed: {} }\n'), env: {} })).rejects.toThrow(/reed/);
  });

  it('takes the stdio principal from MCP_HOST_STDIO_PRINCIPAL / _SCOPES / _ROLES, and refuses scopes without a principal', async () => {
    const config = await loadConfig({ env: { MCP_HOST_STDIO_PRINCIPAL: 'ops', MCP_HOST_STDIO_SCOPES: 'a, b', MCP_HOST_STDIO_ROLES: 'admin' } });
    expect(config.auth?.stdioPrincipal).toEqual({ id: 'ops', scopes: ['a', 'b'], roles: ['admin'] });
    await expect(loadConfig({ env: { MCP_HOST_STDIO_SCOPES: 'a' } })).rejects.toThrow(/MCP_HOST_STDIO_PRINCIPAL/);
  });

  it('takes the requestState secret from MCP_HOST_REQUEST_STATE_SECRET and refuses a short one', async () => {
    const config = await loadConfig({ env: { MCP_HOST_REQUEST_STATE_SECRET: 'a-long-enough-secret-value' } });
    expect(config.protocol.requestStateSecret).toBe('a-long-enough-secret-value');
    await expect(loadConfig({ env: { MCP_HOST_REQUEST_STATE_SECRET: 'short' } })).rejects.toThrow(/protocol\.requestStateSecret/);
  });

  it('uses the embedded default, pointing at the repository plugins, when no file is given', async () => {
    const config = await loadConfig({ env: {} });
    expect(config.plugins.paths).toEqual([
      path.join(repoRoot, 'plugins', 'example-notes'),
      path.join(repoRoot, 'plugins', 'example-plain'),
      path.join(repoRoot, 'plugins', 'filesystem'),
      path.join(repoRoot, 'plugins', 'tasks'),
    ]);
    for (const entry of config.plugins.paths) {
      expect(path.isAbsolute(entry)).toBe(true);
      expect(existsSync(path.dirname(entry))).toBe(true);
    }
  });

  it('does not layer the embedded default under a file', async () => {
    const file = await write('c.yaml', 'logLevel: debug\n');
    expect((await loadConfig({ file, env: {} })).plugins.paths).toEqual([]);
  });

  it('reads a YAML file', async () => {
    const file = await write(
      'c.yml',
      [
        'server:',
        '  port: 8080',
        '  allowedHosts: [mcp.example.com]',
        'logLevel: debug',
        'plugins:',
        '  settings:',
        '    notes: { enabled: false, prefix: n_, config: { dir: /tmp/notes } }',
      ].join('\n'),
    );
    const config = await loadConfig({ file, env: {} });
    expect(config.server.port).toBe(8080);
    expect(config.server.host).toBe('127.0.0.1');
    expect(config.server.allowedHosts).toEqual(['mcp.example.com']);
    expect(config.logLevel).toBe('debug');
    expect(config.plugins.settings.notes).toEqual({ enabled: false, prefix: 'n_', config: { dir: '/tmp/notes' } });
  });

  it('reads a JSON file', async () => {
    const file = await write('c.json', JSON.stringify({ stdio: true, plugins: { settings: { x: {} } } }));
    const config = await loadConfig({ file, env: {} });
    expect(config.stdio).toBe(true);
    expect(config.plugins.settings.x).toEqual({ enabled: true, config: {} });
  });

  it("resolves relative plugin paths against the file's folder, not the cwd", async () => {
    const file = await write('c.yaml', 'plugins:\n  paths: [./mine, ../other, /abs/p]\n');
    const config = await loadConfig({ file, env: {}, cwd: os.homedir() });
    expect(config.plugins.paths).toEqual([path.join(dir, 'mine'), path.resolve(dir, '../other'), path.resolve('/abs/p')]);
  });

  it('reports unknown keys with their full path', async () => {
    const file = await write('c.yaml', 'foo: 1\nserver:\n  prot: 80\nplugins:\n  settings:\n    x: { enabeld: false }\n');
    const error = await failure({ file, env: {} });
    expect(error.issues).toEqual(
      expect.arrayContaining([
        { path: 'foo', message: 'unrecognized key "foo"' },
        { path: 'server.prot', message: 'unrecognized key "prot"' },
        { path: 'plugins.settings.x.enabeld', message: 'unrecognized key "enabeld"' },
      ]),
    );
    expect(error.message).toContain(`invalid config ${file}: `);
    expect(error.message).toContain('server.prot: unrecognized key "prot"');
    expect(error.file).toBe(file);
  });

  it('reports a wrong type with its path', async () => {
    const file = await write('c.yaml', 'server:\n  port: eighty\n');
    const error = await failure({ file, env: {} });
    expect(error.issues).toEqual([{ path: 'server.port', message: 'expected number, received string' }]);
    expect(error.message).toBe(`invalid config ${file}: server.port: expected number, received string`);
  });

  it('refuses identities that could collide: an issuer with "#" (JWT ids are jwt:<iss>#<sub>), two service tokens of one name', async () => {
    const file = await write('c.json', JSON.stringify({ auth: { jwt: { issuer: 'https://id.example#x', jwksFile: 'k.json' }, serviceTokens: [{ name: 'ci', sha256: 'a'.repeat(64) }, { name: 'ci', sha256: 'b'.repeat(64) }] } }));
    const error = await failure({ file, env: {} });
    expect(error.issues).toEqual([
      { path: 'auth.jwt.issuer', message: 'an issuer identifier has no fragment: it may not contain "#"' },
      { path: 'auth.serviceTokens', message: 'two service tokens share a name (each name is one principal: its sessions, limits and audit lines)' },
    ]);
  });

  it('reports three problems as three issues on one line', async () => {
    const file = await write('c.yaml', 'server:\n  port: 70000\n  path: mcp\nlogLevel: verbose\n');
    const error = await failure({ file, env: {} });
    expect(error.issues.map((issue) => issue.path)).toEqual(['server.port', 'server.path', 'logLevel']);
    expect(error.message.split('; ')).toHaveLength(3);
    expect(error.message).not.toContain('\n');
  });

  it('lets flags override the file', async () => {
    const file = await write('c.yaml', 'server:\n  port: 8080\n  host: 0.0.0.0\nplugins:\n  paths: [./a]\n');
    const config = await loadConfig({
      file,
      env: {},
      cwd: dir,
      flags: { server: { port: 9090, host: undefined }, plugins: { paths: ['b'] } },
    });
    expect(config.server.port).toBe(9090);
    expect(config.server.host).toBe('0.0.0.0');
    // Flag plugin paths replace the file's and are resolved against the cwd.
    expect(config.plugins.paths).toEqual([path.join(dir, 'b')]);
  });

  it('lets the environment override flags', async () => {
    const config = await loadConfig({
      cwd: dir,
      flags: { server: { port: 9090, host: '0.0.0.0' }, logLevel: 'warn' },
      env: {
        MCP_HOST_PORT: '7070',
        MCP_HOST_LOG_LEVEL: 'trace',
        MCP_HOST_STDIO: 'true',
        MCP_HOST_ALLOWED_HOSTS: 'a.example, b.example',
        MCP_HOST_PLUGINS: ['p1', '/abs/p2'].join(path.delimiter),
      },
    });
    expect(config.server.port).toBe(7070);
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.logLevel).toBe('trace');
    expect(config.stdio).toBe(true);
    expect(config.server.allowedHosts).toEqual(['a.example', 'b.example']);
    expect(config.plugins.paths).toEqual([path.join(dir, 'p1'), path.resolve('/abs/p2')]);
  });

  it('names the variable when MCP_HOST_PORT is not an integer', async () => {
    const error = await failure({ env: { MCP_HOST_PORT: '80a' } });
    expect(error.code).toBe('ERR_CONFIG_ENV');
    expect(error.message).toBe('invalid environment: MCP_HOST_PORT: must be an integer, got "80a"');
  });

  it('attributes a bad environment value to the environment', async () => {
    const error = await failure({ env: { MCP_HOST_LOG_LEVEL: 'verbose' } });
    expect(error.message).toMatch(/^invalid config environment: logLevel: expected one of /);
  });

  it('reports a missing file with its absolute path', async () => {
    const error = await failure({ file: 'nope.yaml', cwd: dir, env: {} });
    expect(error.code).toBe('ERR_CONFIG_NOT_FOUND');
    expect(error.message).toBe(`config file not found: ${path.join(dir, 'nope.yaml')}`);
  });

  it('names the file and line of a YAML syntax error', async () => {
    const file = await write('c.yaml', 'server:\n  port: 1\n   host: [x\n');
    const error = await failure({ file, env: {} });
    expect(error.code).toBe('ERR_CONFIG_SYNTAX');
    expect(error.message).toContain(`invalid YAML in ${file}: line `);
    expect(error.message).not.toContain('\n');
  });

  it('names the file and line of a JSON syntax error', async () => {
    const file = await write('c.json', '{\n  "stdio": true,\n}\n');
    const error = await failure({ file, env: {} });
    expect(error.message).toMatch(new RegExp(`^invalid JSON in ${file.replace(/[.\\]/g, '\\$&')}: line 3, column 1: `));
  });

  it('completes a cluster across layers: the secret in a file, the Redis URL and replica id in the environment', async () => {
    const file = await write('cluster.json', JSON.stringify({ protocol: { requestStateSecret: 'a-secret-of-16-chars' }, server: { port: 0 } }));
    const config = await loadConfig({ file, env: { MCP_HOST_REDIS_URL: 'redis://127.0.0.1:6379', MCP_HOST_REPLICA_ID: 'r7' } });
    expect(config.cluster).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379', replicaId: 'r7', keyPrefix: 'mcp-host:', leaseMs: 10_000 });
  });

  it('refuses a cluster without its Redis URL or without a shared requestState secret, naming the layers together', async () => {
    const noUrl = await failure({ file: await write('c1.json', JSON.stringify({ protocol: { requestStateSecret: 'a-secret-of-16-chars' } })), env: { MCP_HOST_REPLICA_ID: 'r1' } });
    expect(noUrl.message).toContain('together');
    expect(noUrl.issues.map((i) => i.path)).toContain('cluster.redisUrl');
    const noSecret = await failure({ env: { MCP_HOST_REDIS_URL: 'redis://127.0.0.1:6379' } });
    expect(noSecret.issues.map((i) => `${i.path}: ${i.message}`).join('\n')).toMatch(/protocol\.requestStateSecret: cluster needs protocol\.requestStateSecret/);
    const badUrl = await failure({ env: { MCP_HOST_REDIS_URL: 'http://x', MCP_HOST_REQUEST_STATE_SECRET: 'a-secret-of-16-chars' } });
    expect(badUrl.issues.map((i) => i.path)).toContain('cluster.redisUrl');
  });
});

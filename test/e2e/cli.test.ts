import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttpClient, fixturePath, HOST_BIN, REPO_ROOT, runHostCli, startTestHost, type TestHost } from '../harness/index.js';

const VERSION: string = JSON.parse(readFileSync(join(REPO_ROOT, 'core/package.json'), 'utf8')).version;
const GOOD = fixturePath('good-fixture');

const scratch = mkdtempSync(join(tmpdir(), 'mcp-host-cli-e2e-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function writeFile(name: string, text: string): string {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

/** stderr lines that are not pino JSON log records: what the CLI itself says to the user. */
function cliLines(stderr: string): string[] {
  return lines(stderr).filter((l) => {
    try {
      return typeof JSON.parse(l)?.level !== 'number';
    } catch {
      return true;
    }
  });
}

/** Listens on an ephemeral loopback port; the port stays taken until the server is closed. */
async function occupyPort(): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  return server;
}
const portOf = (server: Server) => (server.address() as { port: number }).port;
const closeServer = (server: Server | undefined) => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));

/** A loopback port that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = await occupyPort();
  const port = portOf(server);
  await closeServer(server);
  return port;
}

/** Resolves once something accepts TCP connections on the loopback port; rejects after `timeoutMs`. */
async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function toolNames(client: Client): Promise<string[]> {
  const { tools } = await client.listTools();
  return tools.map((t) => t.name).sort();
}

describe('mcp-host command line: information', () => {
  it('--help prints the usage and exits 0', async () => {
    const r = await runHostCli(['--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: mcp-host \[options\]/);
    for (const flag of ['--port', '--host', '--stdio', '--plugins', '--config', '--log-level', '--help', '--version']) expect(r.stdout).toContain(flag);
    expect(r.stderr).toBe('');
  });

  it('--version prints the version of @mcp-host/core and exits 0', async () => {
    const r = await runHostCli(['--version']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${VERSION}\n`);
    expect(r.stderr).toBe('');
  });
});

describe('mcp-host command line: start-up failures print one line and exit non-zero', () => {
  it('an unknown flag: exit 2, one stderr line naming it', async () => {
    const r = await runHostCli(['--bogus-flag', '--port', '0']);
    expect(r.code).toBe(2);
    expect(lines(r.stderr), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(/^mcp-host: .*--bogus-flag/);
    expect(r.stdout).toBe('');
  });

  it('--port abc: exit 2, one line naming the flag and the value', async () => {
    const r = await runHostCli(['--port', 'abc', '--plugins', GOOD]);
    expect(r.code).toBe(2);
    expect(lines(r.stderr), r.stderr).toHaveLength(1);
    expect(r.stderr).toContain('--port');
    expect(r.stderr).toContain('"abc"');
  });

  it('a config file with an unknown key and a wrong type: exit 2, one line naming the file and both paths', async () => {
    const file = writeFile('bad-values.yaml', 'server:\n  prot: 8080\n  port: not-a-number\n');
    const r = await runHostCli(['--config', file, '--plugins', GOOD]);
    expect(r.code).toBe(2);
    expect(lines(r.stderr), r.stderr).toHaveLength(1);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toContain('server.prot');
    expect(r.stderr).toMatch(/server\.port: [^;]*number/);
  });

  it('a missing config file: exit 2, one line naming it', async () => {
    const file = join(scratch, 'no-such-config.yaml');
    const r = await runHostCli(['--config', file, '--plugins', GOOD]);
    expect(r.code).toBe(2);
    expect(lines(r.stderr), r.stderr).toHaveLength(1);
    expect(r.stderr).toContain(`not found: ${file}`);
  });

  it('a YAML syntax error: exit 2, one line naming the file and the position', async () => {
    const file = writeFile('syntax.yaml', 'server:\n  port: [3000, 3001\nlogLevel: info\n');
    const r = await runHostCli(['--config', file, '--plugins', GOOD]);
    expect(r.code).toBe(2);
    expect(lines(r.stderr), r.stderr).toHaveLength(1);
    expect(r.stderr).toContain(`invalid YAML in ${file}`);
    expect(r.stderr).toMatch(/line \d+, column \d+/);
  });

  it('a bad MCP_HOST_* value: exit 2, one line naming the variable', async () => {
    const r = await runHostCli(['--port', '0', '--plugins', GOOD], { MCP_HOST_PORT: 'eighty' });
    expect(r.code).toBe(2);
    expect(lines(r.stderr), r.stderr).toHaveLength(1);
    expect(r.stderr).toContain('MCP_HOST_PORT');
  });

  it('a missing plugin path: exit non-zero, one line naming the path', async () => {
    const missing = join(scratch, 'no-such-plugin');
    const r = await runHostCli(['--port', '0', '--plugins', missing]);
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBeNull();
    expect(lines(r.stderr), r.stderr).toHaveLength(1);
    expect(r.stderr).toContain(missing);
  });

  describe('a port already in use', () => {
    let occupied: Server;
    beforeAll(async () => {
      occupied = await occupyPort();
    });
    afterAll(() => closeServer(occupied));

    it('exit 1, one line saying the port is in use', async () => {
      const port = portOf(occupied);
      const r = await runHostCli(['--port', String(port), '--plugins', GOOD]);
      expect(r.code, r.stderr).toBe(1);
      // Log records (JSON) may precede it; the CLI's own message is one line.
      const said = cliLines(r.stderr);
      expect(said, r.stderr).toHaveLength(1);
      expect(said[0]).toContain(`port ${port}`);
      expect(said[0]).toContain('in use');
    });
  });
});

describe('mcp-host command line: precedence', () => {
  describe('flags override the config file', () => {
    let occupied: Server;
    let host: TestHost | undefined;
    beforeAll(async () => {
      occupied = await occupyPort();
    });
    afterAll(async () => {
      await host?.stop();
      await closeServer(occupied);
    });

    it('config port X (in use) with --port 0 listens elsewhere; --plugins replaces the file\'s paths', async () => {
      const port = portOf(occupied);
      const file = writeFile('occupied-port.yaml', `server:\n  port: ${port}\nplugins:\n  paths:\n    - ${JSON.stringify(fixturePath('duplicate-name'))}\n`);
      // startTestHost passes --port 0 (and --plugins for each entry).
      host = await startTestHost({ plugins: [GOOD], args: ['--config', file], timeoutMs: 15_000 });
      const url = new URL(host.url);
      expect(url.hostname).toBe('127.0.0.1');
      expect(Number(url.port)).not.toBe(port);
      expect(Number(url.port)).toBeGreaterThan(0);
      const { client } = await connectHttpClient(host.url);
      try {
        const result = await client.callTool({ name: 'fixture_echo', arguments: { text: 'hi' } });
        // good-fixture (from --plugins) serves, not duplicate-name (from the file).
        expect(result.content).toEqual([{ type: 'text', text: 'good-fixture: hi' }]);
      } finally {
        await client.close();
      }
    });
  });

  describe('MCP_HOST_PORT overrides --port', () => {
    let host: TestHost | undefined;
    afterAll(async () => {
      await host?.stop();
    });

    it('listens on the port from the environment', async () => {
      const port = await freePort();
      host = await startTestHost({ plugins: [GOOD], env: { MCP_HOST_PORT: String(port) }, timeoutMs: 15_000 });
      expect(host.url).toBe(`http://127.0.0.1:${port}/mcp`);
    });
  });

  describe('MCP_HOST_LOG_LEVEL overrides --log-level', () => {
    let host: TestHost | undefined;
    afterAll(async () => {
      await host?.stop();
    });

    it('--log-level warn with MCP_HOST_LOG_LEVEL=info logs info (the "listening" line) and nothing below', async () => {
      // With --log-level warn in effect the host would never log "listening" and this start would time out.
      host = await startTestHost({ plugins: [GOOD], args: ['--log-level', 'warn'], env: { MCP_HOST_LOG_LEVEL: 'info' }, timeoutMs: 10_000 });
      const levels = host.logs.map((l) => l.level);
      expect(levels).toContain(30);
      expect(levels.filter((l) => typeof l !== 'number' || l < 30), JSON.stringify(host.logs)).toEqual([]);
    });

    it('MCP_HOST_LOG_LEVEL=error with --log-level debug logs nothing below error', async () => {
      const port = await freePort();
      const child = spawn(process.execPath, [HOST_BIN, '--port', String(port), '--log-level', 'debug', '--plugins', fixturePath('throwing-setup'), '--plugins', GOOD], {
        env: { ...process.env, MCP_HOST_LOG_LEVEL: 'error' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      try {
        await waitForPort(port, 10_000);
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
      // The plugin problem (warn), "listening" and "shutting down" (info) must all be filtered out.
      const records = lines(stderr).map((l) => JSON.parse(l) as { level: number; msg: string });
      expect(records.filter((x) => x.level < 50), stderr).toEqual([]);
    });
  });
});

describe('mcp-host with no --plugins and no --config', () => {
  let host: TestHost;
  let client: Client;
  beforeAll(async () => {
    host = await startTestHost({ plugins: [], timeoutMs: 15_000 });
    ({ client } = await connectHttpClient(host.url));
  });
  afterAll(async () => {
    await client?.close();
    await host?.stop();
  });

  it('serves the example plugins from the embedded default config', async () => {
    const names = await toolNames(client);
    expect(names).toEqual(expect.arrayContaining(['add_note', 'echo']));
    expect(host.logs.filter((l) => typeof l.code === 'string'), JSON.stringify(host.logs)).toEqual([]);
    const echoed = await client.callTool({ name: 'echo', arguments: { text: 'default config' } });
    expect(echoed.content).toEqual([{ type: 'text', text: 'default config' }]);
  });
});

describe('mcp-host shutdown', () => {
  it('SIGTERM: logs "shutting down" and exits 0', async () => {
    const host = await startTestHost({ plugins: [GOOD], timeoutMs: 15_000 });
    const code = await Promise.race([host.stop(), new Promise<string>((r) => setTimeout(() => r('still running after 10 s'), 10_000).unref())]);
    if (code !== 0) host.process.kill('SIGKILL');
    expect(code).toBe(0);
    expect(host.logs.find((l) => String(l.msg).startsWith('shutting down'))).toMatchObject({ signal: 'SIGTERM', drainTimeoutMs: 10_000 });
  });

  it('SIGTERM with a connected client holding its SSE stream open: exits 0 promptly', async () => {
    const host = await startTestHost({ plugins: [GOOD], timeoutMs: 15_000 });
    const { client } = await connectHttpClient(host.url);
    try {
      expect(await toolNames(client)).toEqual(['fixture_echo', 'fixture_info']);
      const code = await Promise.race([host.stop(), new Promise<string>((r) => setTimeout(() => r('still running after 10 s'), 10_000).unref())]);
      if (code !== 0) host.process.kill('SIGKILL');
      expect(code).toBe(0);
    } finally {
      await client.close().catch(() => undefined);
    }
  });
});

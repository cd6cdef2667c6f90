import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttpClient, fixturePath, pluginPath, startTestHost, type TestHost } from '../harness/index.js';

/** The folder of fixture plugins: a folder of plugin folders, given to the host as one --plugins path. */
const FIXTURES = dirname(fixturePath('good-fixture'));

/** The problem codes as users see them in logs (the contract, so spelled out rather than imported). */
const CODE = {
  badManifest: 'MCPH_PLUGIN_BAD_MANIFEST',
  engineMismatch: 'MCPH_PLUGIN_ENGINE_MISMATCH',
  entryMissing: 'MCPH_PLUGIN_ENTRY_MISSING',
  importFailed: 'MCPH_PLUGIN_IMPORT_FAILED',
  notAPlugin: 'MCPH_PLUGIN_NOT_A_PLUGIN',
  setupFailed: 'MCPH_PLUGIN_SETUP_FAILED',
  constructFailed: 'MCPH_PLUGIN_CONSTRUCT_FAILED',
  duplicateName: 'MCPH_PLUGIN_DUPLICATE_NAME',
  duplicateId: 'MCPH_PLUGIN_DUPLICATE_ID',
} as const;

const WARN = 40;

interface ProblemLine {
  level: number;
  code: string;
  plugin?: string;
  path: string;
  msg: string;
}

/** The plugin problems a host logged: warn lines carrying a `code`. */
function problemsOf(host: TestHost): ProblemLine[] {
  return host.logs.filter((l) => typeof l.code === 'string' && String(l.code).startsWith('MCPH_PLUGIN_')) as unknown as ProblemLine[];
}

const byKey = (a: { path: string; code: string }, b: { path: string; code: string }) => `${a.path} ${a.code}`.localeCompare(`${b.path} ${b.code}`);

async function toolNames(client: Client): Promise<string[]> {
  const { tools } = await client.listTools();
  return tools.map((t) => t.name).sort();
}

async function callText(client: Client, name: string, args: Record<string, unknown> = {}): Promise<string> {
  const result = await client.callTool({ name, arguments: args });
  expect(result.isError, JSON.stringify(result)).toBeFalsy();
  const content = result.content as Array<{ type: string; text?: string }>;
  expect(content[0]?.type, JSON.stringify(result)).toBe('text');
  return content[0]!.text!;
}

/** A scratch folder for config files and plugin copies, removed in afterAll. */
const scratch = mkdtempSync(join(tmpdir(), 'mcp-host-plugins-e2e-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function writeConfig(name: string, yaml: string): string {
  const file = join(scratch, name);
  writeFileSync(file, yaml);
  return file;
}

/** Starts a host and connects an official SDK client; both are stopped by the returned `stop`. */
async function hostWithClient(options: Parameters<typeof startTestHost>[0]): Promise<{ host: TestHost; client: Client; stop: () => Promise<number | null> }> {
  const host = await startTestHost({ timeoutMs: 15_000, ...options });
  try {
    const { client } = await connectHttpClient(host.url);
    return { host, client, stop: async () => (await client.close().catch(() => undefined), host.stop()) };
  } catch (e) {
    await host.stop();
    throw e;
  }
}

describe('a host given the good fixture together with every broken one', () => {
  let host: TestHost;
  let client: Client;
  let stop: () => Promise<number | null>;

  // fixture_echo is declared by good-fixture and duplicate-name. The loader hands plugins to the
  // catalog in folder-path order and the catalog admits the first claim on a name, so the folder
  // that sorts first keeps the name and the other is rejected whole.
  const [winner, loser] = ['good-fixture', 'duplicate-name'].sort((a, b) => fixturePath(a).localeCompare(fixturePath(b)));

  beforeAll(async () => {
    ({ host, client, stop } = await hostWithClient({ plugins: [FIXTURES] }));
  });
  afterAll(async () => {
    await stop?.();
  });

  it('starts, and serves exactly the tools of the plugins that loaded', async () => {
    const loaded = winner === 'good-fixture' ? ['fixture_echo', 'fixture_info'] : ['fixture_echo'];
    expect(await toolNames(client)).toEqual(['fixture_config', ...loaded].sort());
    expect(await callText(client, 'fixture_echo', { text: 'hello' })).toBe(`${winner}: hello`);
  });

  it('logs one problem per broken plugin, with its code, plugin id and path', () => {
    const expected = [
      { code: CODE.badManifest, plugin: 'Bad Id!', path: fixturePath('broken-manifest') },
      { code: CODE.badManifest, plugin: 'Bad Id!', path: fixturePath('broken-manifest') },
      { code: CODE.badManifest, plugin: 'Bad Id!', path: fixturePath('broken-manifest') },
      { code: CODE.importFailed, plugin: 'syntax-error', path: fixturePath('syntax-error') },
      { code: CODE.constructFailed, plugin: 'throwing-constructor', path: fixturePath('throwing-constructor') },
      { code: CODE.setupFailed, plugin: 'throwing-setup', path: fixturePath('throwing-setup') },
      { code: CODE.notAPlugin, plugin: 'not-a-plugin', path: fixturePath('not-a-plugin') },
      { code: CODE.engineMismatch, plugin: 'engine-mismatch', path: fixturePath('engine-mismatch') },
      { code: CODE.entryMissing, plugin: 'missing-entry', path: fixturePath('missing-entry') },
      { code: CODE.duplicateName, plugin: loser, path: fixturePath(loser) },
    ].sort(byKey);
    const logged = problemsOf(host);
    expect(logged.map(({ code, plugin, path }) => ({ code, plugin, path })).sort(byKey)).toEqual(expected);
    for (const line of logged) {
      expect(line.level, JSON.stringify(line)).toBe(WARN);
      // One readable line: code, plugin, path, what is wrong and the fix.
      expect(line.msg, JSON.stringify(line)).toContain(`[${line.code}] plugin "${line.plugin}" (${line.path}): `);
      expect(line.msg, JSON.stringify(line)).toMatch(/ — fix: \S/);
    }
    const listening = host.logs.find((l) => String(l.msg).includes('listening on'));
    expect(listening).toMatchObject({ plugins: 2, problems: expected.length });
  });

  it('reports all three problems of the broken manifest, each with its own fix', () => {
    const msgs = problemsOf(host).filter((l) => l.path === fixturePath('broken-manifest')).map((l) => l.msg);
    expect(msgs).toHaveLength(3);
    expect(msgs.filter((m) => /"version" .* is not a semver version/.test(m))).toHaveLength(1);
    expect(msgs.filter((m) => m.includes('"mcpHost.id" "Bad Id!" is not a valid plugin id'))).toHaveLength(1);
    expect(msgs.filter((m) => m.includes('no "engines"."mcp-host" range') && m.includes('"mcp-host": "^1.0.0"'))).toHaveLength(1);
  });

  it('names the cause of each load failure', () => {
    const msg = (name: string) => problemsOf(host).find((l) => l.path === fixturePath(name))?.msg ?? '';
    expect(msg('syntax-error')).toContain(join(fixturePath('syntax-error'), 'index.js'));
    expect(msg('syntax-error')).toContain("Unexpected token ','");
    expect(msg('throwing-constructor')).toContain('fixture: constructor refuses to run');
    expect(msg('throwing-setup')).toContain('fixture: setup refuses to run');
    expect(msg('not-a-plugin')).toContain('definePlugin');
    expect(msg('engine-mismatch')).toContain('^99.0.0');
    expect(msg('missing-entry')).toContain('dist/index.js');
  });

  it('rejects the colliding plugin whole, naming the plugin that holds the name and the prefix fix', () => {
    const [line] = problemsOf(host).filter((l) => l.code === CODE.duplicateName);
    expect(line!.msg).toContain(`tool "fixture_echo" is already served by plugin "${winner}"`);
    expect(line!.msg).toContain(`plugins.settings.${loser}.prefix`);
  });

  it('gives a plugin without a config section an empty one', async () => {
    expect(JSON.parse(await callText(client, 'fixture_config'))).toEqual({ config: {}, pluginId: 'di-fixture', hasLogger: true });
  });
});

describe('plugin settings from the config file', () => {
  describe('a prefix resolves a name collision', () => {
    let client: Client;
    let host: TestHost;
    let stop: () => Promise<number | null>;
    beforeAll(async () => {
      const config = writeConfig('prefix.yaml', 'plugins:\n  settings:\n    duplicate-name:\n      prefix: dup_\n');
      ({ host, client, stop } = await hostWithClient({ plugins: [fixturePath('good-fixture'), fixturePath('duplicate-name')], args: ['--config', config] }));
    });
    afterAll(async () => {
      await stop?.();
    });

    it('loads both plugins and lists the prefixed tool', async () => {
      expect(problemsOf(host)).toEqual([]);
      expect(await toolNames(client)).toEqual(['dup_fixture_echo', 'fixture_echo', 'fixture_info']);
      expect(await callText(client, 'fixture_echo', { text: 'a' })).toBe('good-fixture: a');
      expect(await callText(client, 'dup_fixture_echo', { text: 'b' })).toBe('duplicate-name: b');
    });
  });

  describe('enabled: false skips a plugin', () => {
    let client: Client;
    let host: TestHost;
    let stop: () => Promise<number | null>;
    beforeAll(async () => {
      const config = writeConfig('disabled.yaml', 'plugins:\n  settings:\n    duplicate-name:\n      enabled: false\n');
      ({ host, client, stop } = await hostWithClient({ plugins: [FIXTURES], args: ['--config', config] }));
    });
    afterAll(async () => {
      await stop?.();
    });

    it('does not load it, says so, and the collision it caused is gone', async () => {
      expect(host.logs.filter((l) => l.msg === 'plugin disabled in config')).toMatchObject([{ plugin: 'duplicate-name', path: fixturePath('duplicate-name') }]);
      expect(problemsOf(host).filter((l) => l.plugin === 'duplicate-name' || l.code === CODE.duplicateName)).toEqual([]);
      expect(await toolNames(client)).toEqual(['fixture_config', 'fixture_echo', 'fixture_info']);
      expect(await callText(client, 'fixture_echo', { text: 'x' })).toBe('good-fixture: x');
    });
  });

  describe('a plugin receives its own config section by injection', () => {
    let client: Client;
    let stop: () => Promise<number | null>;
    const section = { greeting: 'hello', limits: { max: 3 }, tags: ['a', 'b'] };
    beforeAll(async () => {
      const config = writeConfig(
        'di.yaml',
        [
          'plugins:',
          '  settings:',
          '    di-fixture:',
          '      config:',
          '        greeting: hello',
          '        limits: { max: 3 }',
          '        tags: [a, b]',
          '    good-fixture:',
          '      config: { notMine: true }',
          '',
        ].join('\n'),
      );
      ({ client, stop } = await hostWithClient({ plugins: [fixturePath('di-fixture'), fixturePath('good-fixture')], args: ['--config', config] }));
    });
    afterAll(async () => {
      await stop?.();
    });

    it('fixture_config returns exactly the section of the host config file under its id', async () => {
      expect(JSON.parse(await callText(client, 'fixture_config'))).toEqual({ config: section, pluginId: 'di-fixture', hasLogger: true });
    });
  });
});

describe('a plugin folder outside the repository, without node_modules', () => {
  let client: Client;
  let host: TestHost;
  let stop: () => Promise<number | null>;
  const copy = join(scratch, 'notes-copy');

  beforeAll(async () => {
    const source = pluginPath('example-notes');
    if (!existsSync(join(source, 'dist/index.js'))) throw new Error('plugins/example-notes is not built: run `pnpm build`');
    mkdirSync(copy);
    cpSync(join(source, 'package.json'), join(copy, 'package.json'));
    cpSync(join(source, 'dist'), join(copy, 'dist'), { recursive: true });
    // The skill folders its manifest declares are part of the package, as its code is.
    cpSync(join(source, 'skills'), join(copy, 'skills'), { recursive: true });
    ({ host, client, stop } = await hostWithClient({ plugins: [copy] }));
  });
  afterAll(async () => {
    await stop?.();
  });

  it('has no node_modules anywhere above it (so only the host can supply sdk, tsyringe and zod)', () => {
    for (let dir = copy; ; dir = dirname(dir)) {
      expect(existsSync(join(dir, 'node_modules')), `${dir}/node_modules`).toBe(false);
      if (dirname(dir) === dir) break;
    }
    // The copied code really imports the shared packages.
    const code = ['index.js', 'NotesTools.js'].map((f) => readFileSync(join(copy, 'dist', f), 'utf8')).join('\n');
    expect(code).toContain("from '@mcp-host/sdk'");
    expect(code).toContain("from 'zod'");
  });

  it('loads, and its decorated, injected, zod-validated tools work', async () => {
    expect(problemsOf(host)).toEqual([]);
    expect(host.logs.find((l) => l.msg === 'plugin loaded')).toMatchObject({ plugin: 'notes', version: '1.0.0' });
    const names = await toolNames(client);
    expect(names).toEqual(expect.arrayContaining(['add_note', 'list_notes', 'search_notes']));

    const added = await client.callTool({ name: 'add_note', arguments: { title: 'copied plugin', body: 'works' } });
    expect(added.isError, JSON.stringify(added)).toBeFalsy();
    expect(added.structuredContent).toMatchObject({ title: 'copied plugin', id: expect.any(String) });
    expect(await callText(client, 'list_notes')).toContain('copied plugin');

    // zod validation through the host's zod: an empty title violates min(1).
    const invalid = await client.callTool({ name: 'add_note', arguments: { title: '', body: 'x' } }).catch((e: Error) => ({ isError: true, content: [{ type: 'text', text: e.message }] }));
    expect(invalid.isError).toBe(true);
  });
});

describe('several folders holding one plugin id', () => {
  let client: Client;
  let host: TestHost;
  let stop: () => Promise<number | null>;
  const root = join(scratch, 'same-id');
  // Versions chosen so that neither "first folder wins", "last folder wins" nor a string comparison
  // ("1.9.0" > "1.10.0") picks the right one: only a semver comparison does.
  const copies = { 'copy-a': '1.9.0', 'copy-b': '1.10.0', 'copy-c': '1.2.0' };

  beforeAll(async () => {
    for (const [name, version] of Object.entries(copies)) {
      const dir = join(root, name);
      mkdirSync(dir, { recursive: true });
      cpSync(join(fixturePath('good-fixture'), 'index.js'), join(dir, 'index.js'));
      const pkg = JSON.parse(readFileSync(join(fixturePath('good-fixture'), 'package.json'), 'utf8'));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...pkg, version }, null, 2));
    }
    ({ host, client, stop } = await hostWithClient({ plugins: [root] }));
  });
  afterAll(async () => {
    await stop?.();
  });

  it('serves the highest version', async () => {
    expect(JSON.parse(await callText(client, 'fixture_info'))).toEqual({ id: 'good-fixture', version: '1.10.0', root: join(root, 'copy-b') });
  });

  it('reports every other copy, naming the copy that serves', () => {
    const problems = problemsOf(host).sort(byKey);
    expect(problems.map(({ code, plugin, path }) => ({ code, plugin, path }))).toEqual([
      { code: CODE.duplicateId, plugin: 'good-fixture', path: join(root, 'copy-a') },
      { code: CODE.duplicateId, plugin: 'good-fixture', path: join(root, 'copy-c') },
    ]);
    for (const p of problems) {
      expect(p.level).toBe(WARN);
      expect(p.msg).toContain(`version 1.10.0 in ${join(root, 'copy-b')} serves instead of ${copies[p.path.endsWith('copy-a') ? 'copy-a' : 'copy-c']}`);
    }
  });
});

import 'reflect-metadata';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostConfigSchema } from '@mcp-host/config';
import type { RequestContext } from '@mcp-host/sdk';
import { pino, type Logger } from 'pino';
import { container } from 'tsyringe';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Catalog } from '../catalog/Catalog.js';
import type { ListChange } from '../catalog/diffCatalogs.js';
import { PluginProblemCode } from './PluginProblem.js';
import { failedReloadMessage, PluginSupervisor } from './PluginSupervisor.js';

/**
 * Real plugin folders written by the test, loaded in-process (the worker and process runtimes
 * have their own suites end to end). The entries are plain JavaScript with no imports: a plugin
 * definition is a frozen object with the sdk's brand, which is a global symbol.
 */
// Under vitest, plugin entries are imported through vitest's module runner, not Node's loader, so
// the loader hooks have nothing to do; and from source their file (`sdkResolveHooks.js`, built into
// dist) does not exist. Everything else is the real loading path.
vi.mock('./registerSharedModules.js', () => ({ registerSharedModules: () => {} }));

interface Events {
  disposed: string[];
}
const events = ((globalThis as { __supervisorTest?: Events }).__supervisorTest = { disposed: [] });

let root: string;
let supervisor: PluginSupervisor | undefined;
let swaps: Array<{ changed: ListChange[]; revision: number }>;

function writePlugin(name: string, version: string, entry: string, id = name): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `@test/${name}`, version, type: 'module', main: 'index.js', engines: { 'mcp-host': '^1.0.0' }, mcpHost: { id } }));
  writeFileSync(join(dir, 'index.js'), entry);
  return dir;
}

/** A plugin whose tool `<tool>` answers `answer`; its setup registers a clean-up that records `<id>@<version>`. */
const plugin = (id: string, version: string, answer: string, tool = `${id}_version`, inputSchema: object = { type: 'object' }) => `
const BRAND = Symbol.for('mcp-host:plugin-definition');
export default Object.freeze({
  [BRAND]: true,
  setup(scope) { scope.onDispose(() => globalThis.__supervisorTest.disposed.push('${id}@${version}')); },
  tools: [{ name: '${tool}', inputSchema: ${JSON.stringify(inputSchema)}, handler: () => '${answer}' }],
});
`;

function start(paths: string[], extra: Record<string, unknown> = {}, logger: Logger = pino({ level: 'silent' })): Promise<PluginSupervisor> {
  const config = hostConfigSchema.parse({ plugins: { paths, isolation: 'in-process', watch: false, ...extra } });
  const s = new PluginSupervisor({
    config: config.plugins,
    root: container.createChildContainer(),
    logger,
    logLevel: 'silent',
    hostVersion: '1.0.0',
    notifications: { resourceUpdated: () => {}, listChanged: () => {} },
    catalogOptions: {},
    drainTimeoutMs: 1_000,
    onSwap: (changed, after) => swaps.push({ changed: [...changed], revision: after.revision }),
  });
  supervisor = s;
  return s.start().then(() => s);
}

/** Calls a tool of the catalog as the engine would (these handlers ignore the context). */
const call = (catalog: Catalog, tool: string) => catalog.tools.get(tool)!.invoke({}, {} as RequestContext);

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mcp-host-supervisor-'));
  swaps = [];
  events.disposed = [];
});

afterEach(async () => {
  await supervisor?.close();
  supervisor = undefined;
  rmSync(root, { recursive: true, force: true });
});

describe('PluginSupervisor.start', () => {
  it('loads every plugin folder into the first catalog; a broken one is a problem record, not a crash', async () => {
    const alpha = writePlugin('alpha', '1.0.0', plugin('alpha', '1.0.0', 'v1'));
    const broken = writePlugin('broken', '1.0.0', 'export default {');
    const s = await start([alpha, broken]);
    expect(s.catalog.revision).toBe(1);
    expect(s.catalog.generations.map((g) => `${g.info.id}@${g.info.version}`)).toEqual(['alpha@1.0.0']);
    expect(await call(s.catalog, 'alpha_version')).toBe('v1');
    expect(s.problems).toEqual([expect.objectContaining({ code: PluginProblemCode.ImportFailed, pluginId: 'broken', path: broken })]);
  });

  it('disposes every generation on close', async () => {
    const s = await start([writePlugin('alpha', '1.0.0', plugin('alpha', '1.0.0', 'v1')), writePlugin('beta', '1.0.0', plugin('beta', '1.0.0', 'b'))]);
    await s.close();
    supervisor = undefined;
    expect(events.disposed).toEqual(['beta@1.0.0', 'alpha@1.0.0']);
  });
});

describe('PluginSupervisor.reload', () => {
  it('replaces a changed folder with a new generation, swaps the catalog, publishes the change and disposes the old one', async () => {
    const dir = writePlugin('alpha', '1.0.0', plugin('alpha', '1.0.0', 'v1'));
    const s = await start([dir]);
    const before = s.catalog;
    writePlugin('alpha', '1.1.0', plugin('alpha', '1.1.0', 'v2'));
    const record = await s.reload(dir);
    expect(record).toMatchObject({ path: dir, pluginId: 'alpha', version: '1.1.0', outcome: 'replaced', problems: [], revision: 2 });
    expect(s.catalog).not.toBe(before);
    expect(s.catalog.revision).toBe(2);
    expect(await call(s.catalog, 'alpha_version')).toBe('v2');
    // The old snapshot is immutable: a call that already holds it still finds the old generation.
    expect(before.generations[0]!.info.version).toBe('1.0.0');
    // The list itself is the same (only the code changed): there is nothing to publish.
    expect(swaps).toEqual([{ changed: [], revision: 2 }]);
    await expect.poll(() => events.disposed).toEqual(['alpha@1.0.0']);
    expect(s.history.at(-1)).toBe(record);

    // A version that changes the list (a rename: a major version) publishes that list once.
    writePlugin('alpha', '2.0.0', plugin('alpha', '2.0.0', 'v3', 'alpha_renamed'));
    expect(await s.reload(dir)).toMatchObject({ outcome: 'replaced', revision: 3 });
    expect(swaps.at(-1)).toEqual({ changed: ['tools'], revision: 3 });
    expect(await call(s.catalog, 'alpha_renamed')).toBe('v3');
  });

  it('keeps the old generation serving when the reload fails to import, and records why', async () => {
    const dir = writePlugin('alpha', '1.0.0', plugin('alpha', '1.0.0', 'v1'));
    const s = await start([dir]);
    const before = s.catalog;
    writePlugin('alpha', '1.1.0', 'export default definePlugin({ oops');
    const record = await s.reload(dir);
    expect(record).toMatchObject({ outcome: 'failed', pluginId: 'alpha', version: '1.1.0', revision: 1, problems: [expect.objectContaining({ code: PluginProblemCode.ImportFailed, pluginId: 'alpha', path: dir })] });
    expect(s.catalog).toBe(before);
    expect(await call(s.catalog, 'alpha_version')).toBe('v1');
    expect(swaps).toEqual([]);
    expect(events.disposed).toEqual([]);

    // Fixed, it loads on the next reload.
    writePlugin('alpha', '1.1.1', plugin('alpha', '1.1.1', 'v3'));
    expect(await s.reload(dir)).toMatchObject({ outcome: 'replaced', version: '1.1.1', revision: 2 });
    expect(await call(s.catalog, 'alpha_version')).toBe('v3');
  });

  it('keeps the old generation when the new setup throws, disposing what the failed one acquired', async () => {
    const dir = writePlugin('alpha', '1.0.0', plugin('alpha', '1.0.0', 'v1'));
    const s = await start([dir]);
    writePlugin('alpha', '1.1.0', plugin('alpha', '1.1.0', 'v2').replace("scope.onDispose(() => globalThis.__supervisorTest.disposed.push('alpha@1.1.0'));", "scope.onDispose(() => globalThis.__supervisorTest.disposed.push('alpha@1.1.0')); throw new Error('no database');"));
    const record = await s.reload(dir);
    expect(record).toMatchObject({ outcome: 'failed', problems: [expect.objectContaining({ code: PluginProblemCode.SetupFailed, message: expect.stringContaining('no database') })] });
    expect(await call(s.catalog, 'alpha_version')).toBe('v1');
    expect(events.disposed).toEqual(['alpha@1.1.0']);
  });

  it('refuses a breaking change without a major version bump, and takes it with one', async () => {
    const dir = writePlugin('alpha', '1.0.0', plugin('alpha', '1.0.0', 'v1'));
    const s = await start([dir]);
    const stricter = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] };
    writePlugin('alpha', '1.1.0', plugin('alpha', '1.1.0', 'v2', 'alpha_version', stricter));
    expect(await s.reload(dir)).toMatchObject({ outcome: 'failed', problems: [expect.objectContaining({ code: PluginProblemCode.BreakingChange, fix: expect.stringContaining('2.0.0') })] });
    expect(await call(s.catalog, 'alpha_version')).toBe('v1');
    writePlugin('alpha', '2.0.0', plugin('alpha', '2.0.0', 'v2', 'alpha_version', stricter));
    expect(await s.reload(dir)).toMatchObject({ outcome: 'replaced', version: '2.0.0' });
  });

  it('refuses a new plugin whose names are taken, and loads one whose names are free', async () => {
    const s = await start([writePlugin('alpha', '1.0.0', plugin('alpha', '1.0.0', 'v1'))]);
    const clash = writePlugin('copycat', '1.0.0', plugin('copycat', '1.0.0', 'mine', 'alpha_version'));
    expect(await s.reload(clash)).toMatchObject({ outcome: 'failed', problems: [expect.objectContaining({ code: PluginProblemCode.DuplicateName, pluginId: 'copycat' })] });
    expect(await call(s.catalog, 'alpha_version')).toBe('v1');
    expect(events.disposed).toEqual(['copycat@1.0.0']);
    const beta = writePlugin('beta', '1.0.0', plugin('beta', '1.0.0', 'b'));
    expect(await s.reload(beta)).toMatchObject({ outcome: 'loaded', pluginId: 'beta', revision: 2 });
    expect([...s.catalog.tools.keys()]).toEqual(['alpha_version', 'beta_version']);
  });

  it('unloads a plugin whose folder no longer holds one', async () => {
    const dir = writePlugin('alpha', '1.0.0', plugin('alpha', '1.0.0', 'v1'));
    const s = await start([dir]);
    rmSync(join(dir, 'package.json'));
    expect(await s.reload(dir)).toMatchObject({ outcome: 'unloaded', pluginId: 'alpha', revision: 2 });
    expect(s.catalog.tools.size).toBe(0);
    await expect.poll(() => events.disposed).toEqual(['alpha@1.0.0']);
  });

  it('coalesces a burst of reloads of one folder into the running one and one more that reads the latest files', async () => {
    const dir = writePlugin('alpha', '1.0.0', plugin('alpha', '1.0.0', 'v1'));
    const s = await start([dir]);
    writePlugin('alpha', '1.0.1', plugin('alpha', '1.0.1', 'v2'));
    const running = s.reload(dir);
    const waiting = [s.reload(dir), s.reload(dir), s.reload(dir)];
    writePlugin('alpha', '1.0.2', plugin('alpha', '1.0.2', 'v3'));
    await running;
    const records = await Promise.all(waiting);
    expect(new Set(records).size).toBe(1);
    expect(s.catalog.revision).toBe(3);
    expect(await call(s.catalog, 'alpha_version')).toBe('v3');
  });
});

/** A pino logger keeping its lines, to read what the supervisor told the operator. */
function recordingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, logger: pino({ level: 'trace' }, { write: (l: string) => void lines.push(JSON.parse(l)) }) };
}

describe('what a failed or vanished reload says', () => {
  it('promises "the previous generation keeps serving" only when one does', () => {
    const problem = { code: PluginProblemCode.ImportFailed, pluginId: 'a', path: '/p/a', message: 'boom', fix: 'fix it' };
    expect(failedReloadMessage(problem, true)).toMatch(/^reload failed, the previous generation keeps serving: \[MCPH_PLUGIN_IMPORT_FAILED\]/);
    expect(failedReloadMessage(problem, false)).toMatch(/^load failed, the plugin is not served: /);
    expect(failedReloadMessage(problem, false)).not.toMatch(/previous generation/);
  });

  it('a reload of a plugin that never loaded says it is not served; one that serves says the old one keeps serving', async () => {
    const { logger, lines } = recordingLogger();
    const alpha = writePlugin('alpha', '1.0.0', plugin('alpha', '1.0.0', 'v1'));
    const broken = writePlugin('broken', '1.0.0', 'export default {');
    const s = await start([alpha, broken], {}, logger);
    await s.reload(broken);
    writeFileSync(join(alpha, 'index.js'), 'export default {');
    await s.reload(alpha);
    const failed = lines.filter((l) => l.level === 50).map((l) => String(l.msg));
    expect(failed).toEqual([expect.stringMatching(/^load failed, the plugin is not served: .*"broken"/), expect.stringMatching(/^reload failed, the previous generation keeps serving: .*"alpha"/)]);
  });

  it('a folder deleted before it ever loaded is said once, as info, without a stack', async () => {
    const { logger, lines } = recordingLogger();
    const broken = writePlugin('broken', '1.0.0', 'export default {');
    const s = await start([root], {}, logger);
    rmSync(broken, { recursive: true, force: true });
    // The watcher may report a deletion more than once (files, then the folder).
    const records = [await s.reload(broken), await s.reload(broken)];
    expect(records.map((r) => r.outcome)).toEqual(['unchanged', 'unchanged']);
    const said = lines.filter((l) => l.path === broken && (l.level as number) >= 30);
    expect(said).toEqual([expect.objectContaining({ level: 30, msg: 'plugin folder removed before it ever loaded; nothing to unload' })]);
    expect(said[0]).not.toHaveProperty('err');
  });
});

/**
 * A plugin author's first hour, end to end, as docs/plugins.md tells it: `mcp-host new plugin` into
 * a temp folder outside this repository, `pnpm install` (the author kit linked from this checkout,
 * the tools from the npm registry), `pnpm test` (tsc, then its own unit and in-host tests), then the
 * plugin served by `mcp-host dev` with real clients while its `.ts` source is edited: the save
 * reaches the client as `list_changed` and new behaviour, and a compile error leaves the last good
 * generation serving with file:line:column in the host's log.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { startTestHost, type TestHost } from '@mcp-host/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runHostCli } from '../harness/index.js';

/** The hot-reload target (README, "Hot reload"): a save is served within 2 s. */
const RELOAD_TARGET_MS = 2_000;

/** The child processes run as an author's shell would: without the variables of the vitest run around this test. */
const authorEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VITEST|TEST$)/.test(k))) as Record<string, string>;

/** Runs a command to completion in `cwd`; rejects with its output when it fails. */
function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: authorEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}

const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'mcp-host-author-')));
const pluginDir = join(tmp, 'weather-desk');
const source = join(pluginDir, 'src/GreetingTools.ts');
let host: TestHost | undefined;

beforeAll(() => {
  // The point is a plugin that stands on its own: nothing may resolve through this repository's tree.
  expect(relative(REPO_ROOT, tmp).startsWith('..')).toBe(true);
});

// A failure under the dev host says what the host said.
afterEach((context) => {
  if (host && context.task.result?.state === 'fail') console.log(host.logs.map((l) => JSON.stringify(l)).join('\n'));
});

afterAll(async () => {
  await host?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('author scaffold', () => {
  it('mcp-host new plugin writes a TypeScript plugin with its engine range, tsconfig, tests and README', async () => {
    const { code, stdout, stderr } = await runHostCli(['new', 'plugin', pluginDir]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('pnpm install');
    const pkg = JSON.parse(readFileSync(join(pluginDir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ main: 'dist/index.js', engines: { 'mcp-host': '^1.0.0' }, mcpHost: { id: 'weather-desk' } });
    expect(pkg.devDependencies['@mcp-host/sdk']).toBe(`link:${join(REPO_ROOT, 'sdk')}`);
    const tsconfig = readFileSync(join(pluginDir, 'tsconfig.json'), 'utf8');
    for (const option of ['"experimentalDecorators": true', '"emitDecoratorMetadata": true', '"rootDir": "src"']) expect(tsconfig).toContain(option);
    expect(readFileSync(join(pluginDir, 'README.md'), 'utf8')).toContain('weather-desk');
  });

  it('installs the way the guide says, builds, and passes its own tests (unit + in a real host)', async () => {
    await run('pnpm', ['install', '--prefer-offline'], pluginDir, 180_000);
    const output = await run('pnpm', ['test'], pluginDir, 180_000);
    expect(output).toMatch(/Test Files\s+.*2 passed/);
    expect(output).toMatch(/Tests\s+.*4 passed/);
  }, 360_000);

  it('under mcp-host dev, a save of a .ts file is a list_changed and new behaviour within the reload target', async () => {
    host = await startTestHost({ plugins: [pluginDir], dev: true });
    const greet = async (client: 'legacy' | 'modern') => ((await host![client].callTool({ name: 'greet', arguments: { name: 'Ada' } })).content as Array<{ text: string }>)[0]!.text;
    expect(await greet('legacy')).toBe('Hello, Ada!');
    await host.waitForLog((l) => l.msg === 'dev: compiling TypeScript plugins on save');

    let changed: () => void = () => {};
    const listChanged = new Promise<void>((resolve) => (changed = resolve));
    host.legacy.setNotificationHandler(ToolListChangedNotificationSchema, () => changed());
    const saved = performance.now();
    writeFileSync(source, readFileSync(source, 'utf8').replace('Hello, ', 'Howdy, ').replace("'Greets someone by name.'", "'Greets someone by name, warmly.'"));
    await listChanged;
    expect(performance.now() - saved).toBeLessThan(RELOAD_TARGET_MS);
    expect(await greet('legacy')).toBe('Howdy, Ada!');
    expect(await greet('modern')).toBe('Howdy, Ada!');
    const { tools } = await host.modern.listTools();
    expect(tools.find((t) => t.name === 'greet')?.description).toBe('Greets someone by name, warmly.');
  });

  it('a compile error names file:line:column and the last good generation keeps serving', async () => {
    const text = readFileSync(source, 'utf8').replace('return `Howdy, ${name}!`;', 'return ( `Howdy, ${name}!`;');
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('return ( `Howdy')) + 1;
    const column = lines[line - 1]!.lastIndexOf(';') + 1;
    const reloads = () => host!.logs.filter((l) => l.msg === 'plugin replaced').length;
    const before = reloads();
    writeFileSync(source, text);
    const error = await host!.waitForLog((l) => String(l.msg).startsWith('dev: compile error'));
    expect(error.msg).toContain(`src/GreetingTools.ts:${line}:${column}: `);
    expect(error.msg).toContain('the last good version keeps serving');
    expect(error).toMatchObject({ file: 'src/GreetingTools.ts', line, column });
    await new Promise((r) => setTimeout(r, 500));
    expect(reloads()).toBe(before);
    expect(((await host!.legacy.callTool({ name: 'greet', arguments: { name: 'Lin' } })).content as Array<{ text: string }>)[0]!.text).toBe('Howdy, Lin!');

    // Fixed, the next save serves again.
    writeFileSync(source, text.replace('return ( `Howdy, ${name}!`;', 'return `Hi, ${name}!`;'));
    await expect.poll(async () => ((await host!.legacy.callTool({ name: 'greet', arguments: { name: 'Lin' } })).content as Array<{ text: string }>)[0]!.text, { timeout: RELOAD_TARGET_MS * 2 }).toBe('Hi, Lin!');
  });

  it('a tsconfig without experimentalDecorators: the host names the decorators and the tsconfig fix', async () => {
    await host?.stop();
    host = undefined;
    const tsconfig = join(pluginDir, 'tsconfig.json');
    writeFileSync(tsconfig, readFileSync(tsconfig, 'utf8').replace(/^\s*"(experimentalDecorators|emitDecoratorMetadata)": true,\n/gm, ''));
    // What an author sees first: tsc complains (TS1241 on each decorator) and still writes dist/.
    const built = await run('pnpm', ['build'], pluginDir, 120_000).then(() => '', (e: Error) => e.message);
    expect(built).toMatch(/TS1241|TS1206/);
    host = await startTestHost({ plugins: [pluginDir] });
    const problem = await host.waitForLog((l) => l.code === 'MCPH_PLUGIN_IMPORT_FAILED');
    expect(problem.msg).toMatch(/decorators were compiled as standard \(TC39\) decorators in .*dist\/GreetingTools\.js/);
    expect(problem.msg).toMatch(/fix: compile the decorators: set "experimentalDecorators": true and "emitDecoratorMetadata": true/);
  }, 120_000);

  it('the plain JavaScript scaffold (--js) installs and passes its own tests without a build step', async () => {
    const jsDir = join(tmp, 'plain-desk');
    expect((await runHostCli(['new', 'plugin', jsDir, '--js'])).code).toBe(0);
    expect(JSON.parse(readFileSync(join(jsDir, 'package.json'), 'utf8'))).toMatchObject({ main: 'index.js', mcpHost: { id: 'plain-desk' } });
    await run('pnpm', ['install', '--prefer-offline'], jsDir, 180_000);
    expect(await run('pnpm', ['test'], jsDir, 180_000)).toMatch(/Tests\s+.*2 passed/);

    // Saved with a syntax error while served: the reload names file:line:column, the old one serves on.
    await host?.stop();
    host = await startTestHost({ plugins: [jsDir] });
    const entry = join(jsDir, 'index.js');
    const broken = readFileSync(entry, 'utf8').replace("return `Hello, ${name}!`;", 'return ( `Hello, ${name}!`;');
    writeFileSync(entry, broken);
    const line = broken.split('\n').findIndex((l) => l.includes('return ( `Hello')) + 1;
    const column = broken.split('\n')[line - 1]!.lastIndexOf(';') + 1;
    const failed = await host.waitForLog((l) => l.code === 'MCPH_PLUGIN_IMPORT_FAILED');
    expect(failed.msg).toContain(`reload failed, the previous generation keeps serving: [MCPH_PLUGIN_IMPORT_FAILED] plugin "plain-desk"`);
    expect(failed.msg).toContain(`syntax error at ${entry}:${line}:${column}: Unexpected token ';'`);
    expect(((await host.legacy.callTool({ name: 'greet', arguments: { name: 'Ada' } })).content as Array<{ text: string }>)[0]!.text).toBe('Hello, Ada!');
  }, 360_000);
});

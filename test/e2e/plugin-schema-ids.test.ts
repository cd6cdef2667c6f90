/**
 * Tool schemas are compiled per plugin generation: a real host serving plugins that a test writes
 * into a temp folder, reloaded by rewriting their files. A schema `$id` survives reloads (a
 * host-wide Ajv refused the second generation's copy of it) and two plugins may use the same one;
 * a schema that does not compile is reported as MCPH_PLUGIN_BAD_SCHEMA naming the tool and the
 * error, and the worker or process of that failed generation is ended, not orphaned.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectHttpClient, startTestHost, type TestHost } from '../harness/index.js';

const RELOADS = 20;
const WAIT = { timeout: 15_000, interval: 20 } as const;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      await fn();
    } catch {
      // best effort: a clean-up failing must not hide the test's own result
    }
  }
});

type Isolation = 'in-process' | 'worker' | 'process';

/** A temp folder of plugin folders, and a host serving it with `plugins.isolation` set. */
async function startHost(isolation: Isolation, plugins: Record<string, string>): Promise<{ host: TestHost; client: Client; dirs: Record<string, string> }> {
  const root = mkdtempSync(join(tmpdir(), 'mcp-host-schema-ids-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const dirs: Record<string, string> = {};
  for (const [id, source] of Object.entries(plugins)) {
    const dir = (dirs[id] = join(root, 'plugins', id));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `@schema-ids-e2e/${id}`, version: '1.0.0', private: true, type: 'module', main: 'index.js', engines: { 'mcp-host': '^1.0.0' }, mcpHost: { id } }));
    writeFileSync(join(dir, 'index.js'), source);
  }
  writeFileSync(join(root, 'config.yaml'), `plugins:\n  isolation: ${isolation}\n`);
  const host = await startTestHost({ plugins: [join(root, 'plugins')], args: ['--config', join(root, 'config.yaml')], timeoutMs: 20_000 });
  cleanups.push(() => host.stop());
  const { client } = await connectHttpClient(host.url);
  cleanups.push(() => client.close());
  return { host, client, dirs };
}

let saves = 0;
/** An editor's atomic save: write beside, rename over. */
function rewrite(dir: string, source: string): void {
  const tmp = join(dir, `index.js.tmp-${++saves}`);
  writeFileSync(tmp, source);
  renameSync(tmp, join(dir, 'index.js'));
}

const reloadRecords = (host: TestHost, plugin: string, outcome: string) => host.logs.filter((l) => l.plugin === plugin && l.outcome === outcome);

/** Waits for the plugin's `count`-th record of `outcome`; a failed reload on the way fails the test with its message. */
async function reloaded(host: TestHost, plugin: string, count: number, outcome = 'replaced'): Promise<void> {
  await vi.waitFor(() => {
    if (outcome !== 'failed') expect(reloadRecords(host, plugin, 'failed').map((l) => l.msg)).toEqual([]);
    expect(reloadRecords(host, plugin, outcome)).toHaveLength(count);
  }, WAIT);
}

const QUERY_ID = 'https://schemas.example/query.json';

/** A plugin whose two tools share one input schema with an $id (one constant) and whose output schema has one too. */
function idsPlugin(generation: number): string {
  return `
import { definePlugin } from '@mcp-host/sdk';
const QUERY = { $id: '${QUERY_ID}', type: 'object', properties: { q: { type: 'string', minLength: 1 } }, required: ['q'], additionalProperties: false };
const RESULT = { $id: 'https://schemas.example/result.json', type: 'object', properties: { echo: { type: 'string' }, generation: { type: 'integer' } }, required: ['echo', 'generation'] };
export default definePlugin({
  tools: [
    { name: 'ids_search', description: 'generation ${generation}', inputSchema: QUERY, outputSchema: RESULT,
      handler: async ({ q }) => ({ content: [{ type: 'text', text: '${generation}:' + q }], structuredContent: { echo: q, generation: ${generation} } }) },
    { name: 'ids_lookup', description: 'lookup', inputSchema: QUERY, handler: async ({ q }) => ({ content: [{ type: 'text', text: 'lookup:' + q }] }) },
  ],
});
`;
}

/** Another plugin, the same $id for a different schema. */
const TWIN = `
import { definePlugin } from '@mcp-host/sdk';
export default definePlugin({
  tools: [{ name: 'twin_count', description: 'twin', inputSchema: { $id: '${QUERY_ID}', type: 'object', properties: { q: { type: 'integer' } }, required: ['q'] }, handler: async ({ q }) => ({ content: [{ type: 'text', text: 'twin:' + q }] }) }],
});
`;

/** A JSON Schema the plugin's own load refuses (Ajv in its worker or process, or in the host when in-process). */
const BAD_JSON_SCHEMA = `
import { definePlugin } from '@mcp-host/sdk';
export default definePlugin({ tools: [{ name: 'ids_search', inputSchema: { type: 'object', properties: { q: { type: 'text' } } }, handler: async () => ({ content: [] }) }] });
`;

/** A zod schema the plugin's worker serves happily but whose JSON Schema (published, and compiled on the host) is not valid. */
const BAD_ON_HOST = `
import { definePlugin } from '@mcp-host/sdk';
import { z } from 'zod';
export default definePlugin({ tools: [{ name: 'ids_search', input: z.object({ q: z.string() }).meta({ type: 'nope' }), handler: async () => ({ content: [] }) }] });
`;

type ToolResult = { isError?: boolean; content?: Array<{ type: string; text?: string }>; structuredContent?: unknown };
const call = async (client: Client, name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as ToolResult;

describe.each<Isolation>(['in-process', 'worker'])('schema $id across generations, isolation %s', (isolation) => {
  it(`reloads a plugin whose tool schemas use $id ${RELOADS} times, valid and invalid calls after each, beside a second plugin with the same $id`, async () => {
    const { host, client, dirs } = await startHost(isolation, { ids: idsPlugin(0), twin: TWIN });
    for (let generation = 1; generation <= RELOADS; generation++) {
      rewrite(dirs.ids!, idsPlugin(generation));
      await reloaded(host, 'ids', generation);

      const ok = await call(client, 'ids_search', { q: `call ${generation}` });
      expect(ok, `generation ${generation}`).toMatchObject({ content: [{ type: 'text', text: `${generation}:call ${generation}` }], structuredContent: { echo: `call ${generation}`, generation } });
      expect(ok.isError).toBeFalsy();
      expect(await call(client, 'ids_lookup', { q: 'x' })).toMatchObject({ content: [{ text: 'lookup:x' }] });
      const bad = await call(client, 'ids_search', { q: '' });
      expect(bad).toMatchObject({ isError: true, content: [{ type: 'text', text: 'Invalid arguments for tool ids_search: arguments/q must NOT have fewer than 1 characters' }] });
      const extra = await call(client, 'ids_lookup', { q: 'x', other: 1 });
      expect(extra).toMatchObject({ isError: true, content: [{ text: 'Invalid arguments for tool ids_lookup: arguments must NOT have additional properties' }] });
    }
    // The twin's schema under the same $id is its own throughout.
    expect(await call(client, 'twin_count', { q: 3 })).toMatchObject({ content: [{ text: 'twin:3' }] });
    expect(await call(client, 'twin_count', { q: 'three' })).toMatchObject({ isError: true, content: [{ text: 'Invalid arguments for tool twin_count: arguments/q must be integer' }] });
    expect(reloadRecords(host, 'ids', 'failed')).toEqual([]);

    // A schema that does not compile names the tool and the error, and the last good generation keeps serving.
    rewrite(dirs.ids!, BAD_JSON_SCHEMA);
    await reloaded(host, 'ids', 1, 'failed');
    const failed = reloadRecords(host, 'ids', 'failed')[0]!;
    expect(failed).toMatchObject({ code: 'MCPH_PLUGIN_BAD_SCHEMA' });
    expect(String(failed.msg)).toContain('tool "ids_search": its input schema does not compile: schema is invalid: data/properties/q/type must be equal to one of the allowed values');
    expect(await call(client, 'ids_search', { q: 'still' })).toMatchObject({ content: [{ text: `${RELOADS}:still` }] });
  }, 120_000);
});

/** OS threads of a process (a worker thread is one more), and its child processes. */
const threadsOf = (pid: number) => Number(/^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
const childrenOf = (pid: number) => readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean)).length;

describe.each<Isolation>(['worker', 'process'])('a generation whose schemas do not compile ends its %s', (isolation) => {
  it('is MCPH_PLUGIN_BAD_SCHEMA naming the tool and the error (compiled in the plugin, or only on the host), and leaves no thread or process behind', async () => {
    const { host, client, dirs } = await startHost(isolation, { ids: idsPlugin(0) });
    const pid = host.process.pid!;
    const live = () => (isolation === 'worker' ? threadsOf(pid) : childrenOf(pid));
    // Once with a good generation: the pool's spare is started, the host's thread pools are up.
    rewrite(dirs.ids!, idsPlugin(1));
    await reloaded(host, 'ids', 1);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const before = live();

    const failures = [BAD_JSON_SCHEMA, BAD_ON_HOST, BAD_ON_HOST, BAD_JSON_SCHEMA];
    for (const [i, source] of failures.entries()) {
      rewrite(dirs.ids!, source);
      await reloaded(host, 'ids', i + 1, 'failed');
    }
    const problems = reloadRecords(host, 'ids', 'failed');
    expect(problems.map((p) => p.code)).toEqual(failures.map(() => 'MCPH_PLUGIN_BAD_SCHEMA'));
    expect(String(problems[0]!.msg)).toContain('tool "ids_search": its input schema does not compile: schema is invalid: data/properties/q/type must be equal to one of the allowed values');
    expect(String(problems[1]!.msg)).toContain('tool "ids_search": its input schema does not compile: schema is invalid: data/type must be equal to one of the allowed values');
    expect(String(problems[1]!.msg)).toContain('(compiled on the host)');

    // Each failed generation's worker or process is gone; only the serving one and the pool's spare remain.
    await vi.waitFor(() => expect(live(), `live ${isolation === 'worker' ? 'OS threads' : 'child processes'} of the host`).toBe(before), { timeout: 10_000, interval: 100 });
    expect(await call(client, 'ids_search', { q: 'served' })).toMatchObject({ content: [{ text: '1:served' }] });
  }, 120_000);
});

// 3. tools/list of a 500-tool catalog (the generated catalog-500 plugin), modern era: mcp-host vs
// raw fastify answering the same bytes mcp-host answered.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHost, startServer } from '../lib/children.mjs';
import { compare, pairedRatio } from '../lib/load.mjs';
import { finalOf, modernRequest, post } from '../lib/mcp.mjs';
import { pluginDir, serverScript } from '../lib/paths.mjs';
import { loadRow, target } from '../lib/report.mjs';

export const id = 'tools-list';
const NAME = '3 tools/list, 500 tools';
const TOOLS = 500;

export async function run({ tmpDir }) {
  const request = modernRequest('tools/list');
  const prepare = (what) => async (url) => ({
    request,
    check: async () => {
      const r = await post(url, request);
      const n = finalOf(r.messages)?.result?.tools?.length;
      if (r.status !== 200 || n !== TOOLS) throw new Error(`${what}: expected ${TOOLS} tools, got ${n} (HTTP ${r.status}): ${r.text.slice(0, 200)}`);
      return r;
    },
  });
  const canned = join(tmpDir, 'tools-list-response.json');
  const { host, raw } = await compare([
    { key: 'host', start: () => startHost('mcp-host', [pluginDir('catalog-500')]), prepare: prepare('mcp-host') },
    {
      key: 'raw',
      start: (samples) => (writeFileSync(canned, samples.host.text), startServer('raw-fastify', serverScript('raw-fastify'), [canned])),
      prepare: prepare('raw fastify'),
    },
  ]);
  const kb = `${(Buffer.byteLength(host.sample.text) / 1024).toFixed(0)} KB body`;
  return {
    rows: [loadRow(NAME, 'mcp-host', host.m, kb), loadRow(NAME, 'raw fastify (canned)', raw.m, 'ceiling, same bytes')],
    targets: [target('tools/list 500: mcp-host / raw fastify', pairedRatio(host.m, raw.m), { min: 0.5 })],
  };
}

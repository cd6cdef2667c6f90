// 1. tools/call echo, modern era (2026-07-28, stateless): mcp-host vs the SDK 2.x handler vs raw
// fastify answering mcp-host's own response bytes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHost, startServer } from '../lib/children.mjs';
import { compare, pairedRatio } from '../lib/load.mjs';
import { expectToolText, modernToolCall } from '../lib/mcp.mjs';
import { pluginDir, serverScript } from '../lib/paths.mjs';
import { loadRow, target } from '../lib/report.mjs';

export const id = 'modern-call';
const NAME = '1 modern tools/call echo';

export async function run({ tmpDir }) {
  const request = modernToolCall('echo', { text: 'hello' });
  const prepare = (what) => async (url) => ({ request, check: () => expectToolText(url, request, 'hello', what) });
  const canned = join(tmpDir, 'modern-call-response.json');
  const r = await compare([
    { key: 'host', start: () => startHost('mcp-host', [pluginDir('bench-tools')]), prepare: prepare('mcp-host') },
    { key: 'sdk2', start: () => startServer('sdk2-handler', serverScript('sdk2-handler')), prepare: prepare('SDK 2.x createMcpHandler') },
    {
      key: 'raw',
      start: (samples) => (writeFileSync(canned, samples.host.text), startServer('raw-fastify', serverScript('raw-fastify'), [canned])),
      prepare: prepare('raw fastify'),
    },
  ]);
  return {
    rows: [loadRow(NAME, 'mcp-host', r.host.m), loadRow(NAME, 'SDK 2.x createMcpHandler', r.sdk2.m), loadRow(NAME, 'raw fastify (canned)', r.raw.m, `ceiling: ${pairedRatio(r.raw.m, r.sdk2.m).toFixed(1)}x SDK 2.x`)],
    targets: [
      target('modern tools/call: mcp-host / SDK 2.x (x)', pairedRatio(r.host.m, r.sdk2.m), { min: 10 }),
      target('modern tools/call: mcp-host / raw fastify', pairedRatio(r.host.m, r.raw.m), { min: 0.6 }),
    ],
  };
}

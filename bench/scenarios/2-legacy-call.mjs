// 2. tools/call echo on one legacy 2025-11-25 session (initialize + notifications/initialized
// first, then load with Mcp-Session-Id and MCP-Protocol-Version): mcp-host vs the SDK 1.x stateful
// server. Two shapes: JSON responses (mcp-host answers JSON when nothing is streamed; SDK 1.x with
// enableJsonResponse) and SSE responses (echo_progress sends one progress notification because the
// request carries a progressToken, which forces a stream; SDK 1.x in its default SSE mode).
import { startHost, startServer } from '../lib/children.mjs';
import { compare, pairedRatio } from '../lib/load.mjs';
import { expectToolText, legacyRequest, openLegacySession } from '../lib/mcp.mjs';
import { pluginDir, serverScript } from '../lib/paths.mjs';
import { loadRow, target } from '../lib/report.mjs';

export const id = 'legacy-call';
const ID = '[<id>]'; // autocannon puts a fresh unique id here on every request

const SHAPES = {
  json: { tool: 'echo', meta: undefined, contentType: 'application/json', sdk1Args: ['--json-response'] },
  sse: { tool: 'echo_progress', meta: { progressToken: 'p' }, contentType: 'text/event-stream', sdk1Args: [] },
};

function prepare(what, shape) {
  const { tool, meta, contentType } = SHAPES[shape];
  return async (url) => {
    const session = await openLegacySession(url);
    const params = { name: tool, arguments: { text: 'hello' }, ...(meta ? { _meta: meta } : {}) };
    const request = legacyRequest(session, 'tools/call', params, { id: ID });
    let n = 0;
    const check = async () => {
      const r = await expectToolText(url, { ...request, body: request.body.replace(ID, `check-${++n}`) }, 'hello', what);
      if (!r.contentType.includes(contentType)) throw new Error(`${what}: expected a ${contentType} response, got ${r.contentType}`);
      if (shape === 'sse' && !r.messages.some((m) => m.method === 'notifications/progress')) throw new Error(`${what}: no progress notification in the stream`);
      return r;
    };
    return { request, check };
  };
}

export async function run() {
  const rows = [];
  const targets = [];
  for (const shape of ['json', 'sse']) {
    const name = `2 legacy tools/call (${shape.toUpperCase()})`;
    const options = { idReplacement: true };
    const r = await compare([
      { key: 'host', start: () => startHost('mcp-host', [pluginDir('bench-tools')]), prepare: prepare('mcp-host', shape), options },
      { key: 'sdk1', start: () => startServer('sdk1-stateful', serverScript('sdk1-stateful'), SHAPES[shape].sdk1Args), prepare: prepare('SDK 1.x stateful', shape), options },
    ]);
    rows.push(loadRow(name, 'mcp-host', r.host.m), loadRow(name, 'SDK 1.x stateful', r.sdk1.m, shape === 'json' ? 'enableJsonResponse' : 'default (SSE)'));
    targets.push(target(`legacy tools/call ${shape.toUpperCase()}: mcp-host / SDK 1.x (x)`, pairedRatio(r.host.m, r.sdk1.m), { min: 3 }));
  }
  return { rows, targets };
}

// The ceiling: fastify parsing the JSON body and answering a canned, pre-serialized JSON-RPC
// response (no MCP at all). The response body is read once from a file and sent as bytes (encoded
// once, as mcp-host sends its cached list pages), so no server in the run sends those bytes cheaper.
// Usage: node raw-fastify.mjs <response-body-file>
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const body = readFileSync(process.argv[2]);
const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 });
app.post('/mcp', (_req, reply) => {
  reply.type('application/json; charset=utf-8').send(body);
});

const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stderr.write(`${JSON.stringify({ msg: `raw-fastify listening on ${address}/mcp`, url: `${address}/mcp` })}\n`);
for (const sig of ['SIGTERM', 'SIGINT']) process.once(sig, () => process.exit(0));

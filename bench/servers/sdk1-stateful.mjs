// The official SDK 1.x stateful server, wired as its docs show: one McpServer + one
// StreamableHTTPServerTransport per session, kept in a map by session id; a POST without a session
// id must be initialize. Mounted on fastify (the same HTTP framework as mcp-host) with its parsed
// body handed to the transport. `--json-response` sets enableJsonResponse (JSON instead of SSE).
// Usage: node sdk1-stateful.mjs [--json-response]
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

const enableJsonResponse = process.argv.includes('--json-response');

function createServer() {
  const server = new McpServer({ name: 'sdk1-bench', version: '1.0.0' });
  server.registerTool('echo', { description: 'Returns the given text unchanged.', inputSchema: { text: z.string() } }, async ({ text }) => ({
    content: [{ type: 'text', text }],
  }));
  server.registerTool(
    'echo_progress',
    { description: 'Returns the given text; first sends one progress notification when asked.', inputSchema: { text: z.string() } },
    async ({ text }, extra) => {
      const progressToken = extra._meta?.progressToken;
      if (progressToken !== undefined) await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: 1, total: 1 } });
      return { content: [{ type: 'text', text }] };
    },
  );
  return server;
}

/** @type {Map<string, StreamableHTTPServerTransport>} */
const transports = new Map();
const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 });

const rpcError = (reply, status, message) => reply.code(status).send({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });

app.post('/mcp', async (req, reply) => {
  const sessionId = req.headers['mcp-session-id'];
  let transport = typeof sessionId === 'string' ? transports.get(sessionId) : undefined;
  if (!transport) {
    if (sessionId !== undefined || !isInitializeRequest(req.body)) return rpcError(reply, 400, 'Bad Request: No valid session ID provided');
    transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse,
      onsessioninitialized: (id) => transports.set(id, transport),
    });
    transport.onclose = () => transport.sessionId && transports.delete(transport.sessionId);
    await createServer().connect(transport);
  }
  reply.hijack();
  await transport.handleRequest(req.raw, reply.raw, req.body);
});

const sessionRequest = async (req, reply) => {
  const transport = transports.get(req.headers['mcp-session-id']);
  if (!transport) return rpcError(reply, 400, 'Invalid or missing session ID');
  reply.hijack();
  await transport.handleRequest(req.raw, reply.raw);
};
app.get('/mcp', sessionRequest);
app.delete('/mcp', sessionRequest);

const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stderr.write(`${JSON.stringify({ msg: `sdk1-stateful listening on ${address}/mcp`, url: `${address}/mcp` })}\n`);
for (const sig of ['SIGTERM', 'SIGINT']) process.once(sig, () => process.exit(0));

// The official SDK 2.x entry: `createMcpHandler(factory)` (a fresh McpServer per HTTP request, as
// the SDK designs it), mounted on a fastify route. The handler is web-standard (fetch-shaped), so
// the route builds a `Request` from fastify's request (passing fastify's parsed JSON body as
// `parsedBody`, the SDK's documented fast path) and writes the `Response` back: buffered for JSON,
// piped for SSE. This is what `toNodeHandler` of @modelcontextprotocol/node does for node:http.
// Usage: node sdk2-handler.mjs
import { Readable } from 'node:stream';
import Fastify from 'fastify';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

const textInput = z.object({ text: z.string() });

const handler = createMcpHandler(() => {
  const server = new McpServer({ name: 'sdk2-bench', version: '1.0.0' });
  server.registerTool('echo', { description: 'Returns the given text unchanged.', inputSchema: textInput }, async ({ text }) => ({
    content: [{ type: 'text', text }],
  }));
  return server;
});

const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 });

async function serve(req, reply) {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  const controller = new AbortController();
  reply.raw.once('close', () => controller.abort());
  const request = new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url}`, { method: req.method, headers, signal: controller.signal });
  const response = await handler.fetch(request, req.body === undefined ? undefined : { parsedBody: req.body });
  reply.code(response.status);
  for (const [k, v] of response.headers) reply.header(k, v);
  if (!response.body) return reply.send();
  if ((response.headers.get('content-type') ?? '').includes('text/event-stream')) return reply.send(Readable.fromWeb(response.body));
  return reply.send(Buffer.from(await response.arrayBuffer()));
}
app.post('/mcp', serve);
app.get('/mcp', serve);
app.delete('/mcp', serve);

const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stderr.write(`${JSON.stringify({ msg: `sdk2-handler listening on ${address}/mcp`, url: `${address}/mcp` })}\n`);
for (const sig of ['SIGTERM', 'SIGINT']) process.once(sig, () => process.exit(0));

/**
 * A local API for the http plugin's tests (unit and end-to-end): a fastify server on 127.0.0.1
 * with a free port, serving an OpenAPI 3 document of its own operations and a few hostile
 * endpoints (redirects, oversized and compressed bodies, slow answers). It records the headers of
 * every request, so tests can see what the plugin sent.
 */
import { gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';

export const API_KEY = 'k-123';
export const BEARER = 't-456';

export interface ApiServer {
  readonly app: FastifyInstance;
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  readonly port: number;
  /** Every request received: path (with query) and headers. */
  readonly seen: Array<{ url: string; headers: Record<string, unknown> }>;
  /** The OpenAPI document served at /openapi.json. */
  readonly document: Record<string, unknown>;
  close(): Promise<void>;
}

export function openApiDocument(origin: string): Record<string, any> {
  return {
    openapi: '3.0.3',
    info: { title: 'Pets', version: '1.0.0' },
    servers: [{ url: `${origin}/v1` }],
    security: [{ api_key: [] }],
    components: {
      securitySchemes: {
        api_key: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        query_key: { type: 'apiKey', in: 'query', name: 'api_key' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
      schemas: {
        Pet: {
          type: 'object',
          required: ['id', 'name'],
          properties: { id: { type: 'integer', format: 'int64' }, name: { type: 'string' }, tag: { type: 'string', nullable: true }, owner: { $ref: '#/components/schemas/Owner' } },
        },
        Owner: { type: 'object', properties: { name: { type: 'string' }, pets: { type: 'array', items: { $ref: '#/components/schemas/Pet' } } } },
        NewPet: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 }, tag: { type: 'string' } }, additionalProperties: false },
      },
      parameters: { Limit: { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 0, exclusiveMinimum: true, maximum: 100 }, description: 'How many pets' } },
    },
    paths: {
      '/pets': {
        get: {
          operationId: 'listPets',
          summary: 'List pets',
          parameters: [{ $ref: '#/components/parameters/Limit' }, { name: 'tags', in: 'query', schema: { type: 'array', items: { type: 'string' } } }, { name: 'X-Trace', in: 'header', schema: { type: 'string' } }],
          responses: { '200': { description: 'pets', content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Pet' } } } } } },
        },
        post: {
          operationId: 'createPet',
          summary: 'Create a pet',
          security: [{ bearer: [] }],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/NewPet' } } } },
          responses: { '201': { description: 'created', content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } } },
        },
      },
      '/pets/{petId}': {
        parameters: [{ name: 'petId', in: 'path', required: true, schema: { type: 'integer' } }],
        get: {
          operationId: 'getPet',
          security: [],
          responses: { '200': { description: 'a pet', content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } }, '404': { description: 'none' } },
        },
        delete: { operationId: 'deletePet', security: [{ bearer: [] }, { api_key: [] }], responses: { '204': { description: 'gone' } } },
      },
      '/search': {
        get: { operationId: 'search', security: [{ query_key: [] }], parameters: [{ name: 'q', in: 'query', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'echo' } } },
      },
      '/notes': {
        post: {
          operationId: 'addNote',
          security: [],
          requestBody: { content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', properties: { text: { type: 'string' } } } } } },
          responses: { '200': { description: 'echo' } },
        },
      },
      '/upload': { put: { operationId: 'upload', requestBody: { content: { 'multipart/form-data': { schema: { type: 'object' } } } }, responses: { '200': { description: 'ok' } } } },
      '/moved': { get: { operationId: 'moved', security: [], parameters: [{ name: 'to', in: 'query', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'whatever is there' } } } },
      '/huge': { get: { operationId: 'huge', security: [], responses: { '200': { description: 'a lot' } } } },
    },
  };
}

export async function startApiServer(): Promise<ApiServer> {
  const app = Fastify({ logger: false });
  const seen: ApiServer['seen'] = [];
  const pets = [
    { id: 1, name: 'Rex', tag: 'dog' },
    { id: 2, name: 'Tom', tag: 'cat' },
    { id: 3, name: 'Nemo', tag: null },
  ];
  let document: Record<string, unknown> = {};
  app.addHook('onRequest', async (req) => void seen.push({ url: req.url, headers: { ...req.headers } }));
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))));

  app.get('/openapi.json', async () => document);
  app.get('/v1/pets', async (req, reply) => {
    if (req.headers['x-api-key'] !== API_KEY) return reply.code(401).send({ error: 'bad api key' });
    const q = req.query as { limit?: string; tags?: string | string[] };
    const tags = q.tags === undefined ? undefined : ([] as string[]).concat(q.tags);
    const list = pets.filter((p) => !tags || tags.includes(String(p.tag)));
    return list.slice(0, q.limit ? Number(q.limit) : undefined);
  });
  app.post('/v1/pets', async (req, reply) => {
    if (req.headers.authorization !== `Bearer ${BEARER}`) return reply.code(401).send({ error: 'bad token' });
    const pet = { id: pets.length + 1, ...(req.body as { name: string; tag?: string }) };
    return reply.code(201).send(pet);
  });
  app.get('/v1/pets/:petId', async (req, reply) => {
    const pet = pets.find((p) => p.id === Number((req.params as { petId: string }).petId));
    return pet ?? reply.code(404).send({ error: 'no such pet' });
  });
  app.delete('/v1/pets/:petId', async (_req, reply) => reply.code(204).send());
  app.get('/v1/search', async (req) => ({ query: req.query }));
  app.post('/v1/notes', async (req) => ({ received: req.body, contentType: req.headers['content-type'] }));
  app.get('/v1/moved', async (req, reply) => reply.redirect((req.query as { to: string }).to, 302));
  app.get('/v1/huge', async (_req, reply) => reply.type('text/plain').send('x'.repeat(3_000_000)));

  app.get('/echo-headers', async (req) => ({ headers: req.headers }));
  app.get('/redirect', async (req, reply) => reply.redirect((req.query as { to: string }).to, 302));
  app.post('/see-other', async (_req, reply) => reply.redirect('/echo-method', 303));
  app.all('/echo-method', async (req) => ({ method: req.method }));
  app.get('/loop', async (_req, reply) => reply.redirect('/loop', 302));
  app.get('/big', async (_req, reply) => reply.type('text/plain').send('y'.repeat(2_000_000)));
  app.get('/big-chunked', async (_req, reply) => {
    reply.raw.writeHead(200, { 'content-type': 'text/plain' });
    for (let i = 0; i < 40; i++) reply.raw.write('z'.repeat(100_000));
    reply.raw.end();
    return reply;
  });
  app.get('/gzip-bomb', async (_req, reply) => reply.header('content-encoding', 'gzip').type('text/plain').send(gzipSync(Buffer.alloc(20_000_000))));
  app.get('/gzip-small', async (_req, reply) => reply.header('content-encoding', 'gzip').type('application/json').send(gzipSync(JSON.stringify({ zipped: true }))));
  app.get('/slow', async (_req, reply) => {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    return reply.send('late');
  });
  app.get('/binary', async (_req, reply) => reply.type('application/octet-stream').send(Buffer.from([0, 1, 2, 255])));
  app.get('/missing', async (_req, reply) => reply.code(404).type('text/plain').send('nothing here'));

  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  const origin = `http://127.0.0.1:${port}`;
  document = openApiDocument(origin);
  return { app, origin, port, seen, document, close: () => app.close() };
}

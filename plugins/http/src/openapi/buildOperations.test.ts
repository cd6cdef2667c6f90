import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../test/apiServer.js';
import { buildOperations, toolNameOf } from './buildOperations.js';
import type { OpenApiDocument } from './loadDocument.js';

const doc = openApiDocument('http://api.test') as OpenApiDocument;
const build = (options: { toolPrefix?: string; include?: string[]; exclude?: string[] } = {}) => buildOperations(doc, { toolPrefix: '', exclude: [], ...options });

describe('buildOperations', () => {
  it('makes one tool per operation, named after its operationId, and leaves out what it cannot send', () => {
    const { operations, skipped } = build();
    expect(operations.map((o) => o.toolName)).toEqual(['listPets', 'createPet', 'getPet', 'deletePet', 'search', 'addNote', 'moved', 'huge']);
    expect(skipped).toEqual(['PUT /upload: request body media types multipart/form-data are not supported (JSON, form and text are)']);
  });

  it('builds the input schema from parameters (path-level ones too) and the body', () => {
    const { operations } = build();
    const list = operations.find((o) => o.toolName === 'listPets')!;
    expect(list.inputSchema).toEqual({
      type: 'object',
      properties: {
        limit: { type: 'integer', exclusiveMinimum: 0, maximum: 100, description: 'How many pets (query parameter)' },
        tags: { type: 'array', items: { type: 'string' }, description: '(query parameter)' },
        'X-Trace': { type: 'string', description: '(header parameter)' },
      },
      additionalProperties: false,
    });
    expect(list.params.map((p) => [p.arg, p.in, p.explode])).toEqual([
      ['limit', 'query', true],
      ['tags', 'query', true],
      ['X-Trace', 'header', true],
    ]);
    const get = operations.find((o) => o.toolName === 'getPet')!;
    expect(get.inputSchema).toMatchObject({ properties: { petId: { type: 'integer' } }, required: ['petId'] });
    const create = operations.find((o) => o.toolName === 'createPet')!;
    expect(create.inputSchema).toMatchObject({ required: ['body'], properties: { body: { type: 'object', required: ['name'], additionalProperties: false } } });
    expect(create.body).toEqual({ arg: 'body', mediaType: 'application/json', required: true });
  });

  it('derives the output schema from the success response, wrapped with the status', () => {
    const { operations } = build();
    const list = operations.find((o) => o.toolName === 'listPets')!;
    expect(list.outputSchema).toMatchObject({ type: 'object', required: ['status'], properties: { status: { type: 'integer' }, body: { type: 'array', items: { required: ['id', 'name'] } } } });
    expect((list.outputSchema as any).properties.body.items.properties.tag).toEqual({ type: ['string', 'null'] });
    expect(operations.find((o) => o.toolName === 'deletePet')!.outputSchema).toBeUndefined();
  });

  it('takes security from the operation, else the document', () => {
    const { operations } = build();
    const by = (n: string) => operations.find((o) => o.toolName === n)!.security;
    expect(by('listPets')).toEqual([{ api_key: [] }]);
    expect(by('getPet')).toEqual([]);
    expect(by('deletePet')).toEqual([{ bearer: [] }, { api_key: [] }]);
  });

  it('sets hints from the method, and the description from summary, description and route', () => {
    const { operations } = build();
    expect(operations.find((o) => o.toolName === 'listPets')).toMatchObject({ title: 'List pets', description: 'List pets\n\nGET /pets', annotations: { readOnlyHint: true, destructiveHint: false, openWorldHint: true } });
    expect(operations.find((o) => o.toolName === 'deletePet')!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: true });
  });

  it('filters with include/exclude and prefixes names', () => {
    expect(build({ include: ['listPets', 'pets_getPet'], toolPrefix: 'pets_' }).operations.map((o) => o.toolName)).toEqual(['pets_listPets', 'pets_getPet']);
    expect(build({ exclude: ['search', 'huge', 'moved', 'addNote'] }).operations).toHaveLength(4);
  });

  it('names operations without an operationId after method and path', () => {
    expect(toolNameOf('', undefined, 'get', '/users/{id}/posts')).toBe('get_users_id_posts');
  });

  it('skips operations whose path template and parameters disagree', () => {
    const bad = { openapi: '3.1.0', paths: { '/x/{id}': { get: { responses: {} } } } } as unknown as OpenApiDocument;
    expect(buildOperations(bad, { toolPrefix: '', exclude: [] }).skipped).toEqual(['GET /x/{id}: path template variable {id} has no parameter']);
  });
});

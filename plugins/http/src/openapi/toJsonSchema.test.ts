import { describe, expect, it } from 'vitest';
import type { OpenApiDocument } from './loadDocument.js';
import { deref, resolveRef, toJsonSchema } from './toJsonSchema.js';

const doc = {
  openapi: '3.0.3',
  paths: {},
  components: {
    schemas: {
      Node: { type: 'object', properties: { value: { type: 'string' }, next: { $ref: '#/components/schemas/Node' } } },
      'a/b': { type: 'integer' },
      Id: { type: 'integer', format: 'int64', example: 7 },
    },
    parameters: { P: { $ref: '#/components/parameters/Q' }, Q: { name: 'q', in: 'query' } },
  },
} as unknown as OpenApiDocument;

describe('toJsonSchema', () => {
  it('turns OpenAPI 3.0 keywords into JSON Schema 2020-12', () => {
    expect(
      toJsonSchema(doc, {
        type: 'object',
        properties: {
          n: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 10, exclusiveMaximum: false },
          s: { type: 'string', nullable: true, enum: ['a', 'b'], format: 'phone', example: 'a', 'x-internal': true },
          d: { type: 'string', format: 'date-time', discriminator: { propertyName: 'x' }, xml: { name: 'd' } },
        },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        n: { type: 'number', exclusiveMinimum: 0, maximum: 10 },
        s: { type: ['string', 'null'], enum: ['a', 'b', null], examples: ['a'] },
        d: { type: 'string', format: 'date-time' },
      },
    });
  });

  it('inlines local $refs and cuts cycles', () => {
    const node = toJsonSchema(doc, { $ref: '#/components/schemas/Node' }) as Record<string, any>;
    expect(node.properties.value).toEqual({ type: 'string' });
    expect(node.properties.next).toEqual({ description: '(recursive: Node)' });
    expect(toJsonSchema(doc, { $ref: '#/components/schemas/a~1b' })).toEqual({ type: 'integer' });
    expect(toJsonSchema(doc, { $ref: '#/components/schemas/Id', description: 'the id' })).toEqual({ type: 'integer', format: 'int64', examples: [7], description: 'the id' });
  });

  it('keeps boolean schemas and 3.1 forms', () => {
    expect(toJsonSchema(doc, { type: 'array', items: false, prefixItems: [{ type: 'string' }] })).toEqual({ type: 'array', items: false, prefixItems: [{ type: 'string' }] });
    expect(toJsonSchema(doc, { type: ['string', 'null'], $schema: 'x', $id: 'y' })).toEqual({ type: ['string', 'null'] });
  });

  it('refuses remote and broken $refs', () => {
    expect(() => toJsonSchema(doc, { $ref: 'https://example.com/schema.json' })).toThrow('only local $refs are supported');
    expect(() => resolveRef(doc, '#/components/schemas/Missing')).toThrow('does not resolve');
    expect(deref(doc, { $ref: '#/components/parameters/P' })).toEqual({ name: 'q', in: 'query' });
  });
});

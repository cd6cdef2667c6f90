import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDocument } from './loadDocument.js';

const dir = mkdtempSync(join(tmpdir(), 'mcp-http-doc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadDocument', () => {
  it('reads YAML and JSON files relative to the given folder, and takes inline documents', () => {
    writeFileSync(join(dir, 'api.yaml'), 'openapi: 3.1.0\ninfo: { title: T, version: "1" }\npaths:\n  /a: {}\n');
    writeFileSync(join(dir, 'api.json'), JSON.stringify({ openapi: '3.0.3', paths: {} }));
    expect(loadDocument('api.yaml', dir).paths).toEqual({ '/a': {} });
    expect(loadDocument(join(dir, 'api.json')).openapi).toBe('3.0.3');
    expect(loadDocument({ openapi: '3.0.0', paths: {} }).openapi).toBe('3.0.0');
  });

  it('says what is wrong with a document it cannot use', () => {
    writeFileSync(join(dir, 'bad.json'), '{ nope');
    expect(() => loadDocument('missing.yaml', dir)).toThrow(/cannot read the OpenAPI document .*missing\.yaml/);
    expect(() => loadDocument('bad.json', dir)).toThrow(/bad\.json is not valid JSON/);
    expect(() => loadDocument({ swagger: '2.0', paths: {} })).toThrow('Swagger 2.0 documents are not supported');
    expect(() => loadDocument({ openapi: '2.9', paths: {} })).toThrow('not an OpenAPI 3 document');
    expect(() => loadDocument({ openapi: '3.0.0' })).toThrow('has no paths');
  });
});

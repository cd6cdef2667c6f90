import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

/** An OpenAPI 3 document, as parsed (only the parts the plugin reads are typed). */
export interface OpenApiDocument {
  openapi: string;
  info?: { title?: string; version?: string };
  servers?: Array<{ url: string; variables?: Record<string, { default: string }> }>;
  paths?: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  security?: Array<Record<string, string[]>>;
  [key: string]: unknown;
}

/**
 * Reads the document from a path (JSON, or YAML for any other extension) or takes it inline, and
 * checks that it is OpenAPI 3.x with paths. `$ref`s are resolved later, within the document only:
 * nothing is fetched.
 */
export function loadDocument(source: string | Record<string, unknown>, cwd = process.cwd()): OpenApiDocument {
  let doc: unknown = source;
  if (typeof source === 'string') {
    const file = path.resolve(cwd, source);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(`cannot read the OpenAPI document ${file}: ${(e as Error).message}`);
    }
    try {
      doc = path.extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
    } catch (e) {
      throw new Error(`the OpenAPI document ${file} is not valid ${path.extname(file).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(e as Error).message}`);
    }
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('the OpenAPI document is not an object');
  const d = doc as Record<string, unknown>;
  if (typeof d.swagger === 'string') throw new Error(`Swagger ${d.swagger} documents are not supported; convert it to OpenAPI 3`);
  if (typeof d.openapi !== 'string' || !d.openapi.startsWith('3.')) throw new Error(`not an OpenAPI 3 document (openapi: ${JSON.stringify(d.openapi)})`);
  if (typeof d.paths !== 'object' || d.paths === null) throw new Error('the OpenAPI document has no paths');
  return d as OpenApiDocument;
}

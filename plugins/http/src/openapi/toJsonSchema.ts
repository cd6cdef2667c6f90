import type { OpenApiDocument } from './loadDocument.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Formats the host's validator knows (ajv-formats, OpenAPI's included); others are dropped rather than rejected. */
const KNOWN_FORMATS = new Set([
  'date', 'time', 'date-time', 'iso-time', 'iso-date-time', 'duration', 'uri', 'uri-reference', 'uri-template', 'url', 'email', 'hostname',
  'ipv4', 'ipv6', 'regex', 'uuid', 'json-pointer', 'json-pointer-uri-fragment', 'relative-json-pointer', 'byte', 'int32', 'int64', 'float', 'double', 'password', 'binary',
]);
const DROPPED = new Set(['nullable', 'discriminator', 'xml', 'externalDocs', 'example', '$id', '$schema', '$anchor', '$dynamicAnchor', '$dynamicRef', '$comment']);
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'dependentSchemas', '$defs', 'definitions']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const SCHEMA_VALUES = new Set(['items', 'additionalProperties', 'not', 'contains', 'propertyNames', 'if', 'then', 'else', 'unevaluatedProperties', 'unevaluatedItems', 'additionalItems']);
const MAX_DEPTH = 32;

/** Follows a local `$ref` (`#/components/schemas/Pet`); anything else is an error (nothing is fetched). */
export function resolveRef(doc: OpenApiDocument, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, not ${ref}`);
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(node) && !Array.isArray(node)) throw new Error(`$ref ${ref} does not resolve`);
    node = (node as Json)[key];
    if (node === undefined) throw new Error(`$ref ${ref} does not resolve`);
  }
  return node;
}

/** Resolves an object that may be a `$ref` (parameters, request bodies, responses). */
export function deref<T>(doc: OpenApiDocument, value: unknown): T {
  let v = value;
  for (let i = 0; i < MAX_DEPTH && isObject(v) && typeof v.$ref === 'string'; i++) v = resolveRef(doc, v.$ref);
  return v as T;
}

/**
 * Turns an OpenAPI schema (3.0 dialect or 3.1 = JSON Schema 2020-12) into a self-contained JSON
 * Schema 2020-12: local `$ref`s inlined (a cycle becomes an open schema), `nullable` into a type
 * union, 3.0's boolean `exclusiveMinimum/Maximum` into numbers, `example` into `examples`, and
 * keywords that only mean something to OpenAPI tooling dropped.
 */
export function toJsonSchema(doc: OpenApiDocument, schema: unknown, trail: string[] = []): Json | boolean {
  if (typeof schema === 'boolean') return schema;
  if (!isObject(schema)) return {};
  if (typeof schema.$ref === 'string') {
    const ref = schema.$ref;
    if (trail.includes(ref) || trail.length >= MAX_DEPTH) return { description: `(recursive: ${ref.split('/').pop()})` };
    const target = toJsonSchema(doc, resolveRef(doc, ref), [...trail, ref]);
    // 3.1 allows keywords beside $ref (a description, most often): they apply too.
    const siblings = Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$ref'));
    if (Object.keys(siblings).length === 0 || typeof target === 'boolean') return target;
    const extra = toJsonSchema(doc, siblings, trail) as Json;
    return { ...target, ...extra };
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED.has(key) || key.startsWith('x-')) continue;
    if (SCHEMA_MAPS.has(key) && isObject(value)) out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(doc, v, trail)]));
    else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) out[key] = value.map((v) => toJsonSchema(doc, v, trail));
    else if (SCHEMA_VALUES.has(key) && (isObject(value) || typeof value === 'boolean')) out[key] = toJsonSchema(doc, value, trail);
    else if (key === 'items' && Array.isArray(value)) out.prefixItems = value.map((v) => toJsonSchema(doc, v, trail));
    else if (key === 'format') {
      if (typeof value === 'string' && KNOWN_FORMATS.has(value)) out.format = value;
    } else if (key === 'exclusiveMinimum' || key === 'exclusiveMaximum') {
      if (typeof value === 'number') out[key] = value;
      else if (value === true) {
        const bound = key === 'exclusiveMinimum' ? 'minimum' : 'maximum';
        if (typeof schema[bound] === 'number') out[key] = schema[bound];
      }
    } else out[key] = value;
  }
  if (schema.exclusiveMinimum === true) delete out.minimum;
  if (schema.exclusiveMaximum === true) delete out.maximum;
  if (schema.example !== undefined && out.examples === undefined) out.examples = [schema.example];
  if (schema.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (Array.isArray(out.type) && !out.type.includes('null')) out.type = [...out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  return out;
}

import { describe, expect, it } from 'vitest';
import { RawJson, responseParts, serializeMessage, spliceResult } from './RawJson.js';

const PREFIX = `{"resultType":"complete","_meta":${JSON.stringify({ 'io.modelcontextprotocol/serverInfo': { name: 'mcp-host', version: '1.0.0' } })}`;
const META = { 'io.modelcontextprotocol/serverInfo': { name: 'mcp-host', version: '1.0.0' } };

describe('spliceResult', () => {
  it('puts the prefix fields beside the result fields, as valid JSON', () => {
    const spliced = spliceResult(PREFIX, { content: [{ type: 'text', text: 'a "quoted" \u2028 line' }], isError: false });
    expect(JSON.parse(spliced!.json)).toEqual({ resultType: 'complete', _meta: META, content: [{ type: 'text', text: 'a "quoted" \u2028 line' }], isError: false });
  });

  it('an empty result becomes just the prefix fields', () => {
    expect(JSON.parse(spliceResult(PREFIX, {})!.json)).toEqual({ resultType: 'complete', _meta: META });
  });

  it('gives up (undefined) on a value that does not serialize to an object', () => {
    expect(spliceResult(PREFIX, { toJSON: () => 'text' })).toBeUndefined();
    expect(spliceResult(PREFIX, { toJSON: () => undefined })).toBeUndefined();
    expect(spliceResult(PREFIX, [1, 2] as unknown as object)).toBeUndefined();
  });

  it('is spliced into a JSON-RPC response by serializeMessage', () => {
    const message = { jsonrpc: '2.0' as const, id: 'r-1', result: spliceResult(PREFIX, { content: [] }) };
    expect(JSON.parse(serializeMessage(message))).toEqual({ jsonrpc: '2.0', id: 'r-1', result: { resultType: 'complete', _meta: META, content: [] } });
    expect(JSON.parse(serializeMessage({ jsonrpc: '2.0', id: 7, result: new RawJson('{"tools":[]}') }))).toEqual({ jsonrpc: '2.0', id: 7, result: { tools: [] } });
  });
});

describe('responseParts', () => {
  it('frames a large cached result as a JSON-RPC response, handing out its cached bytes uncopied', () => {
    const page = new RawJson(JSON.stringify({ tools: [{ name: 'déjà', description: '✓ 数据 🚀'.repeat(2000) }] }));
    const first = responseParts('req-1', page);
    const second = responseParts(7, page);
    expect(JSON.parse(Buffer.concat(first).toString('utf8'))).toEqual({ jsonrpc: '2.0', id: 'req-1', result: JSON.parse(page.json) });
    expect(JSON.parse(Buffer.concat(second).toString('utf8')).id).toBe(7);
    // The same Buffer each time: encoded once per page, never copied per response.
    expect(first[1]).toBe(page.bytes);
    expect(second[1]).toBe(page.bytes);
  });
});

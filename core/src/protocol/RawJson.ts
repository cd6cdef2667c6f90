/**
 * A result that is already serialized. List results are serialized once per catalog revision and
 * spliced into each response, so the hot path never re-serializes the catalog.
 */
export class RawJson {
  private encoded: Buffer | undefined;

  constructor(readonly json: string) {}

  /** The JSON as UTF-8 bytes, encoded on first use and kept: a cached list page is sent many times. */
  get bytes(): Buffer {
    return (this.encoded ??= Buffer.from(this.json));
  }
}

/** From this size on, a pre-serialized result is sent as bytes (see `responseParts`). */
export const LARGE_RAW_JSON = 16 * 1024;
const CLOSE = Buffer.from('}');

/**
 * A JSON-RPC response around a large pre-serialized result, as the byte chunks to write in order:
 * the envelope's head, the result's cached bytes, the closing brace. Sending the result as a
 * string would copy it into a new string (the envelope around it) and encode it to UTF-8 again on
 * every request; concatenating the bytes would still copy them (and allocate the whole body) every
 * time. Written to a corked socket, the chunks leave in one write with nothing copied.
 */
export function responseParts(id: unknown, result: RawJson): [Buffer, Buffer, Buffer] {
  return [Buffer.from(`{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":`), result.bytes, CLOSE];
}

/**
 * A handler's result serialized once, with fields spliced in front: `prefix` is the serialized
 * start of an object holding them (`{"resultType":"complete","_meta":{…}`). Rather than copying the
 * result into a new object to add two fields, the hot path serializes it as it is. Undefined when
 * the result does not serialize to an object (a `toJSON` returning something else).
 */
export function spliceResult(prefix: string, result: object): RawJson | undefined {
  const json = JSON.stringify(result);
  if (json === undefined || json.charCodeAt(0) !== 123 /* { */) return undefined;
  return new RawJson(json.length === 2 ? `${prefix}}` : `${prefix},${json.slice(1)}`);
}

/** Serializes a JSON-RPC message, splicing in a pre-serialized result. */
export function serializeMessage(message: { jsonrpc: '2.0'; id?: unknown; result?: unknown }): string {
  const result = message.result;
  if (result instanceof RawJson) return `{"jsonrpc":"2.0","id":${JSON.stringify(message.id)},"result":${result.json}}`;
  return JSON.stringify(message);
}

/**
 * A result that is already serialized. List results are serialized once per catalog revision and
 * spliced into each response, so the hot path never re-serializes the catalog.
 */
export class RawJson {
  constructor(readonly json: string) {}
}

/** Serializes a JSON-RPC message, splicing in a pre-serialized result. */
export function serializeMessage(message: { jsonrpc: '2.0'; id?: unknown; result?: unknown }): string {
  const result = message.result;
  if (result instanceof RawJson) return `{"jsonrpc":"2.0","id":${JSON.stringify(message.id)},"result":${result.json}}`;
  return JSON.stringify(message);
}

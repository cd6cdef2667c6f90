import type { ToolBinding } from '../catalog/bindings.js';

/** Turns what handlers return into protocol results; handlers may return the short forms the sdk documents. */

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isContentBlock = (v: unknown) => isObject(v) && typeof v.type === 'string';

export function toolResult(value: unknown, binding: ToolBinding): Record<string, unknown> {
  if (typeof value === 'string') return { content: [{ type: 'text', text: value }] };
  if (value === undefined || value === null) return { content: [] };
  if (Array.isArray(value) && value.every(isContentBlock)) return { content: value };
  if (isObject(value) && Array.isArray(value.content)) {
    if (binding.output && value.structuredContent !== undefined && value.isError !== true) checkOutput(value.structuredContent, binding);
    return value;
  }
  // Any other value is the tool's structured output; the text mirror keeps clients without structured support working.
  if (binding.output) return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: checkOutput(value, binding) };
  return { content: [{ type: 'text', text: JSON.stringify(value) }] };
}

function checkOutput(value: unknown, binding: ToolBinding): unknown {
  const checked = binding.output!.validate(value);
  if (!checked.ok) throw new OutputSchemaError(`tool "${binding.name}" returned structured content that does not match its output schema: ${checked.message}`);
  return checked.value;
}

/** A tool broke its own output contract: reported to the client as a tool error, logged as a plugin bug. */
export class OutputSchemaError extends Error {}

export function resourceResult(value: unknown, uri: string, mimeType: unknown): Record<string, unknown> {
  const mime = typeof mimeType === 'string' ? { mimeType } : {};
  if (typeof value === 'string') return { contents: [{ uri, ...mime, text: value }] };
  if (value instanceof Uint8Array) return { contents: [{ uri, ...mime, blob: Buffer.from(value).toString('base64') }] };
  if (Array.isArray(value)) return { contents: value };
  if (isObject(value) && Array.isArray(value.contents)) return value;
  if (isObject(value) && ('text' in value || 'blob' in value)) return { contents: [{ uri, ...mime, ...value }] };
  throw new TypeError(`resource handler for ${uri} returned ${value === null ? 'null' : typeof value}; return a string, bytes, or ResourceContents`);
}

export function promptResult(value: unknown, description: unknown): Record<string, unknown> {
  const desc = typeof description === 'string' ? { description } : {};
  if (typeof value === 'string') return { ...desc, messages: [{ role: 'user', content: { type: 'text', text: value } }] };
  if (Array.isArray(value)) return { ...desc, messages: value };
  if (isObject(value) && Array.isArray(value.messages)) return value;
  throw new TypeError(`prompt handler returned ${value === null ? 'null' : typeof value}; return a string, PromptMessage[] or GetPromptResult`);
}

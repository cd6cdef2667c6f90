/**
 * Fixed data of the conformance fixtures, copied from the reference server of
 * @modelcontextprotocol/conformance@0.1.16 (`examples/servers/typescript/everything-server.ts`).
 */
import type { JsonSchema } from '@mcp-host/sdk';

/** A 1x1 red PNG pixel (same bytes as the reference server). */
export const TEST_IMAGE_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

/** A minimal WAV file (same bytes as the reference server). */
export const TEST_AUDIO_BASE64 = 'UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=';

/**
 * SEP-1613: a raw JSON Schema 2020-12 input schema. The `json-schema-2020-12` scenario checks that
 * `$schema`, `$defs` (with `address`) and `additionalProperties: false` survive into `tools/list`.
 */
export const JSON_SCHEMA_2020_12_INPUT_SCHEMA: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  $defs: {
    address: {
      $anchor: 'address',
      type: 'object',
      properties: {
        street: { type: 'string' },
        city: { type: 'string' },
      },
    },
  },
  properties: {
    name: { type: 'string' },
    address: { $ref: '#/$defs/address' },
    contact: { type: 'string' },
    kind: { type: 'string' },
  },
  // SEP-2106: composition and conditional keywords must reach clients untouched.
  allOf: [{ anyOf: [{ required: ['name'] }, { required: ['contact'] }] }],
  if: { properties: { kind: { const: 'business' } } },
  then: { required: ['address'] },
  else: {},
  additionalProperties: false,
};

/** Exact texts the scenarios describe. */
export const TEXTS = {
  simpleText: 'This is a simple text response for testing.',
  embeddedResource: 'This is an embedded resource content.',
  multipleContent: 'Multiple content types test:',
  toolError: 'This tool intentionally returns an error for testing',
  logStarted: 'Tool execution started',
  logProcessing: 'Tool processing data',
  logCompleted: 'Tool execution completed',
  staticText: 'This is the content of the static text resource.',
  watchedResource: 'Watched resource content',
  simplePrompt: 'This is a simple prompt for testing.',
  promptEmbeddedResource: 'Embedded resource content for testing.',
  promptEmbeddedResourceAsk: 'Please process the embedded resource above.',
  promptImageAsk: 'Please analyze the image above.',
} as const;

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A readable message for a caught error. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The text of the model's answer in a `sampling/createMessage` result (single block or array). */
export function samplingText(result: { content: unknown }): string {
  const blocks = Array.isArray(result.content) ? result.content : [result.content];
  for (const block of blocks) {
    if (block && typeof block === 'object' && (block as { type?: unknown }).type === 'text') {
      return String((block as { text?: unknown }).text ?? '');
    }
  }
  return 'No response';
}

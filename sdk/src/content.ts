import type { ContentBlock } from './protocolTypes.js';

/** A text content block. */
export function text(value: string): ContentBlock {
  return { type: 'text', text: value };
}

/** An image content block from base64 data. */
export function image(base64: string, mimeType: string): ContentBlock {
  return { type: 'image', data: base64, mimeType };
}

/** An audio content block from base64 data. */
export function audio(base64: string, mimeType: string): ContentBlock {
  return { type: 'audio', data: base64, mimeType };
}

/** An embedded text resource content block. */
export function embeddedText(uri: string, value: string, mimeType = 'text/plain'): ContentBlock {
  return { type: 'resource', resource: { uri, mimeType, text: value } };
}

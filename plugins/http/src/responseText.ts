import type { HttpResponse } from './HttpClient.js';

/** Media types whose bodies are shown as text. */
export function isTextual(contentType: string): boolean {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type.startsWith('text/') || /json|xml|javascript|ecmascript|x-www-form-urlencoded|yaml|csv|graphql/.test(type);
}

/** A response body for a person or a model to read: its text, or what it is when it is binary. */
export function describeResponse(response: HttpResponse): string {
  const type = String(response.headers['content-type'] ?? '');
  if (response.body.length === 0) return '(empty body)';
  if (isTextual(type) || type === '') return response.body.toString('utf8');
  return `(${response.body.length} bytes of ${type})`;
}

/**
 * A `WWW-Authenticate: Bearer` value (RFC 6750 §3). Values are quoted strings, and the error
 * description may hold only printable ASCII without `"` and `\`, so those are replaced, not escaped.
 */
export function bearerChallenge(params: Record<string, string | undefined>): string {
  const parts = Object.entries(params)
    .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
    .map(([k, v]) => `${k}="${v.replace(/"/g, "'").replace(/[\\\x00-\x1f\x7f-\uffff]/g, '')}"`);
  return parts.length > 0 ? `Bearer ${parts.join(', ')}` : 'Bearer';
}

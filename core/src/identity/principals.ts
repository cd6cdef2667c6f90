import type { Principal } from '@mcp-host/sdk';

const NONE: readonly string[] = Object.freeze([]);

/**
 * Who a principal is, by source: the parts its id is made of. Each source has its own id space
 * (`jwt:`, `service:`, `stdio:`, or the bare `anonymous`), so no two sources can yield one id.
 */
export type Identity =
  | { readonly source: 'jwt'; readonly issuer: string; readonly subject: string }
  | { readonly source: 'service' | 'stdio'; readonly subject: string }
  | { readonly source: 'anonymous' };

/** The id of an identity; see `Principal.id` for the formats. */
function idOf(who: Identity): string {
  switch (who.source) {
    case 'jwt':
      // The first '#' must end the issuer, or `jwt:a#b#c` could be two callers (issuer a or a#b).
      if (who.issuer.includes('#')) throw new Error(`a JWT issuer cannot contain '#' (RFC 8414 §2: no fragment): ${JSON.stringify(who.issuer)}`);
      return `jwt:${who.issuer}#${who.subject}`;
    case 'service':
    case 'stdio':
      return `${who.source}:${who.subject}`;
    case 'anonymous':
      return 'anonymous';
  }
}

/**
 * The one way to make a principal: frozen (principals are shared by every call of a session, so
 * nothing may change them), with an id that names its source.
 */
export function principal(who: Identity, scopes: readonly string[] = NONE, roles: readonly string[] = NONE): Principal {
  const subject = who.source === 'anonymous' ? 'anonymous' : who.subject;
  return Object.freeze({
    id: idOf(who),
    source: who.source,
    subject,
    ...(who.source === 'jwt' ? { issuer: who.issuer } : {}),
    scopes: scopes === NONE ? NONE : Object.freeze([...scopes]),
    roles: roles === NONE ? NONE : Object.freeze([...roles]),
  });
}

/** The caller when no one authenticated: the local user without auth, or a tokenless caller with `auth.anonymous`. */
export const ANONYMOUS: Principal = principal({ source: 'anonymous' });

import type { Principal } from '@mcp-host/sdk';

const NONE: readonly string[] = Object.freeze([]);

/** The caller when no one authenticated: the local user without auth, or a tokenless caller with `auth.anonymous`. */
export const ANONYMOUS: Principal = Object.freeze({ id: 'anonymous', scopes: NONE, roles: NONE });

/** A frozen principal (principals are shared by every call of a session, so nothing may change them). */
export function principal(id: string, scopes: readonly string[] = NONE, roles: readonly string[] = NONE): Principal {
  return Object.freeze({ id, scopes: Object.freeze([...scopes]), roles: Object.freeze([...roles]) });
}

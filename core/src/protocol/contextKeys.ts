import { CONTEXT_ID_META, type Principal } from '@mcp-host/sdk';
import type { ContextAudience } from './ports/ContextPorts.js';

/**
 * How a caller's session scope is named, the same for the context service (which stores under it)
 * and the notifier (which finds the subscribers of it): a legacy HTTP session by its id, the stdio
 * client as `stdio`, a 2026-07-28 caller by the context id it sends in `_meta` — each kind in its
 * own space, so a context id cannot name a legacy session.
 */

/** A context key, a context id: letters, digits, `. _ - :`, 1–128, starting with a letter or digit (no `/`, so URIs stay unambiguous). */
export const CONTEXT_KEY = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** A legacy session's scope name (`id` undefined: the stdio session, the only one without an id). */
export const legacySessionKey = (sessionId: string | undefined): string => (sessionId === undefined ? 'stdio' : `h:${sessionId}`);

/**
 * A 2026-07-28 request's scope name from its `_meta`: undefined when it names none, null when what
 * it names is not a valid context id.
 */
export function modernContextKey(meta: Readonly<Record<string, unknown>> | undefined): string | undefined | null {
  const id = meta?.[CONTEXT_ID_META];
  if (id === undefined) return undefined;
  return typeof id === 'string' && CONTEXT_KEY.test(id) ? `c:${id}` : null;
}

/** Whether a client of `principal`, in session scope `session`, is among `audience`. */
export function inAudience(audience: ContextAudience, principal: Principal, session: string | undefined, mayReadNamespace: (principal: Principal, namespace: string) => boolean): boolean {
  if ('namespace' in audience) return mayReadNamespace(principal, audience.namespace);
  return audience.principal === principal.id && (audience.session === undefined || audience.session === session);
}

import type { Principal } from '@mcp-host/sdk';

/**
 * Who may see and use one item: every scope in `scopes`, and for each set in `roleSets` at least
 * one of its roles (the declaration's roles are one set, the plugin-wide configured roles another).
 */
export interface Requirement {
  readonly scopes: readonly string[];
  readonly roleSets: ReadonlyArray<readonly string[]>;
  /** Equal requirements have equal keys, so a catalog evaluates each distinct one once per principal. */
  readonly key: string;
}

export function requirement(scopes: Iterable<string>, roleSets: ReadonlyArray<readonly string[]>): Requirement | undefined {
  const s = [...new Set(scopes)].sort();
  const r = roleSets.filter((set) => set.length > 0).map((set) => [...new Set(set)].sort());
  if (s.length === 0 && r.length === 0) return undefined;
  return { scopes: s, roleSets: r, key: `${s.join(' ')}|${r.map((set) => set.join(' ')).sort().join('|')}` };
}

export function satisfies(principal: Principal, req: Requirement): boolean {
  for (const scope of req.scopes) if (!principal.scopes.includes(scope)) return false;
  for (const set of req.roleSets) if (!set.some((role) => principal.roles.includes(role))) return false;
  return true;
}

/** In words, for a 403: what is missing. */
export function describeMissing(principal: Principal, req: Requirement): string {
  const scopes = req.scopes.filter((s) => !principal.scopes.includes(s));
  const roles = req.roleSets.filter((set) => !set.some((r) => principal.roles.includes(r)));
  return [
    scopes.length > 0 ? `scope ${scopes.join(' ')}` : '',
    ...roles.map((set) => `one of the roles ${set.join(', ')}`),
  ].filter(Boolean).join(' and ');
}

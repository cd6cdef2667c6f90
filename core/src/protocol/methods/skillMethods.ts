import type { Principal } from '@mcp-host/sdk';
import type { Catalog } from '../../catalog/Catalog.js';
import type { SkillBinding } from '../../catalog/bindings.js';
import type { CallScope } from '../CallScope.js';
import { invalidParams } from '../ProtocolError.js';
import type { EngineDeps, MethodTable } from './MethodHandler.js';

/** The skills extension (SEP-2640): its id in `capabilities.extensions`. */
export const SKILLS_EXTENSION = 'io.modelcontextprotocol/skills';
/** Skills per `skills/list` page (an entry is never split across pages). */
const PAGE = 100;

/** A skill as `skills/list` and `skills/get` show it. */
const entryOf = (skill: SkillBinding) => ({ uri: skill.uri, frontmatter: skill.frontmatter, resources: skill.files });

/** Who may see a skill may see its SKILL.md (its files share its requirement). */
const visible = (catalog: Catalog, principal: Principal, skill: SkillBinding) => catalog.canSee(principal, skill.skillMd);

/** The modern era's cache hints on a result (2026-07-28 `CacheableResult`); nothing in the legacy era. */
function cacheHints(deps: EngineDeps, call: CallScope, ttlMs: number): Record<string, unknown> {
  return call.era === 'modern' ? { ttlMs, cacheScope: deps.cache.cacheScope } : {};
}

/**
 * The skills extension's methods, in both eras: `skills/list` (paged; each entry with its
 * frontmatter and every file's digest and size), `skills/get` (one entry by its SKILL.md URI) and
 * `resources/directory/read` (the direct children of a skill's folder, subfolders as
 * `inode/directory`). A skill the caller may not see is absent from lists and unknown (-32602)
 * to `skills/get` and `resources/directory/read`, like any resource it may not see.
 */
export function skillMethods(deps: EngineDeps): MethodTable {
  return {
    'skills/list'(call) {
      const catalog = deps.catalog();
      const { cursor } = call.params;
      let start = 0;
      if (cursor !== undefined) {
        start = typeof cursor === 'string' && /^\d{1,9}$/.test(cursor) ? Number(cursor) : -1;
        if (start < 0) throw invalidParams('Invalid params: skills/list "cursor" is not one this server gave', { cursor: typeof cursor === 'string' ? cursor.slice(0, 64) : cursor });
      }
      const mine = [...catalog.skills.values()].filter((s) => visible(catalog, call.principal, s));
      const page = mine.slice(start, start + PAGE);
      const next = start + PAGE < mine.length ? { nextCursor: String(start + PAGE) } : {};
      return { skills: page.map(entryOf), ...next, ...cacheHints(deps, call, deps.cache.listTtlMs) };
    },
    'skills/get'(call) {
      const { uri } = call.params;
      if (typeof uri !== 'string') throw invalidParams('Invalid params: skills/get needs "uri", a string');
      const catalog = deps.catalog();
      const skill = catalog.skills.get(uri);
      if (!skill || !visible(catalog, call.principal, skill)) throw invalidParams(`Invalid params: no skill at ${JSON.stringify(uri.slice(0, 512))}`, { uri: uri.slice(0, 512) });
      return { skill: entryOf(skill), ...cacheHints(deps, call, deps.cache.readTtlMs) };
    },
    'resources/directory/read'(call) {
      const { uri, cursor } = call.params;
      if (typeof uri !== 'string') throw invalidParams('Invalid params: resources/directory/read needs "uri", a string');
      const catalog = deps.catalog();
      const dir = catalog.directories.get(uri.endsWith('/') ? uri.slice(0, -1) : uri);
      if (!dir || !visible(catalog, call.principal, dir.skill)) throw invalidParams(`Invalid params: ${JSON.stringify(uri.slice(0, 512))} is not a directory this server serves`, { uri: uri.slice(0, 512) });
      // One page holds every child (a skill has at most 512 files); so no cursor is ever given, and none is accepted.
      if (cursor !== undefined) throw invalidParams('Invalid params: resources/directory/read "cursor" is not one this server gave');
      return { resources: dir.children };
    },
  };
}

import type { Principal } from '@mcp-host/sdk';
import type { Catalog, ListKind } from './Catalog.js';

/** A list whose change clients are told of (`notifications/<kind>/list_changed`). */
export type ListChange = 'tools' | 'prompts' | 'resources';

const serialize = (items: Iterable<{ descriptor: unknown }>) => JSON.stringify([...items].map((b) => b.descriptor));

/**
 * Which published lists differ between two catalog revisions. Only these get a `list_changed`
 * notification, so a reload that changed nothing a client can see stays silent.
 */
export function diffCatalogs(before: Catalog, after: Catalog): Set<ListChange> {
  const changed = new Set<ListChange>();
  if (serialize(before.tools.values()) !== serialize(after.tools.values())) changed.add('tools');
  if (serialize(before.prompts.values()) !== serialize(after.prompts.values())) changed.add('prompts');
  if (serialize(before.resources.values()) !== serialize(after.resources.values()) || serialize(before.templates) !== serialize(after.templates)) changed.add('resources');
  return changed;
}

const LISTS: Record<ListChange, ListKind[]> = { tools: ['tools'], prompts: ['prompts'], resources: ['resources', 'resourceTemplates'] };

/**
 * Which of the `changed` lists differ as one principal sees them: a principal who cannot see a
 * changed item is not told. Principals with the same views before and after share one answer, so
 * a swap costs one comparison per distinct pair of views, not per client.
 */
export function diffVisible(before: Catalog, after: Catalog, changed: ReadonlySet<ListChange>): (principal: Principal) => ReadonlySet<ListChange> {
  const memo = new Map<string, Set<ListChange>>();
  return (principal) => {
    const from = before.viewOf(principal);
    const to = after.viewOf(principal);
    const key = `${from}|${to}`;
    let seen = memo.get(key);
    if (!seen) {
      seen = new Set([...changed].filter((kind) => LISTS[kind].some((list) => serialize(before.visible(list, from)) !== serialize(after.visible(list, to)))));
      memo.set(key, seen);
    }
    return seen;
  };
}

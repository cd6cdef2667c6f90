import type { ListChange } from '../protocol/Notifier.js';
import type { Catalog } from './Catalog.js';

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

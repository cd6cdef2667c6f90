import type { Catalog } from './Catalog.js';

/** What one list gained, lost and changed (by name, URI or URI template), as operators read a reload. */
export interface ListDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Kept, with a different published declaration (description, schema, annotations…). */
  readonly changed: readonly string[];
}

export interface ItemDiff {
  readonly tools: ListDiff;
  readonly prompts: ListDiff;
  readonly resources: ListDiff;
  readonly templates: ListDiff;
}

/** Names kept per list and kind of change: a reload of a 5,000-tool plugin is summarized, not copied into every record. */
const MAX_NAMES = 50;

function diffList(before: Iterable<[string, { descriptor: unknown }]>, after: Iterable<[string, { descriptor: unknown }]>): ListDiff {
  const old = new Map(before);
  const added: string[] = [];
  const changed: string[] = [];
  for (const [key, b] of after) {
    const was = old.get(key);
    if (!was) added.push(key);
    // Same binding object: the generation did not change. Otherwise compare what clients are shown.
    else if (was !== b && JSON.stringify(was.descriptor) !== JSON.stringify(b.descriptor)) changed.push(key);
    old.delete(key);
  }
  const cut = (names: string[]) => (names.length > MAX_NAMES ? [...names.slice(0, MAX_NAMES), `… ${names.length - MAX_NAMES} more`] : names);
  return { added: cut(added), removed: cut([...old.keys()]), changed: cut(changed) };
}

/**
 * The items two catalog revisions differ by, for the reload history and the admin feed (what
 * `list_changed` only says of whole lists). Runs once per reload, never per request.
 */
export function diffItems(before: Catalog, after: Catalog): ItemDiff {
  const templates = (c: Catalog) => c.templates.map((t) => [String(t.descriptor.uriTemplate), t] as [string, { descriptor: unknown }]);
  return {
    tools: diffList(before.tools, after.tools),
    prompts: diffList(before.prompts, after.prompts),
    resources: diffList(before.resources, after.resources),
    templates: diffList(templates(before), templates(after)),
  };
}

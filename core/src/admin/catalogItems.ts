import type { AnyBinding } from '../catalog/bindings.js';
import type { Catalog } from '../catalog/Catalog.js';

/** One published item as the admin UI lists it: what it is, who serves it, who may use it. */
export interface CatalogItem {
  readonly kind: AnyBinding['kind'];
  /** The tool or prompt name, the resource URI, or the template's URI template. */
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly plugin: string;
  readonly version: string;
  /** Every scope needed, and for each role set at least one of its roles (as the catalog enforces them). */
  readonly scopes: readonly string[];
  readonly roleSets: ReadonlyArray<readonly string[]>;
}

/**
 * Every tool, resource, template and prompt of the serving catalog, with its plugin@version and the
 * requirement the catalog enforces for it: the one AccessPolicy computed from the declaration and
 * `plugins.settings.<id>.permissions` when the snapshot was built. Without `auth`, nothing is
 * enforced and `enforced` says so (the declared scopes are shown, for what they would require).
 */
export function catalogItems(catalog: Catalog): { revision: number; enforced: boolean; items: CatalogItem[] } {
  const enforced = catalog.restricted;
  const all: AnyBinding[] = [...catalog.tools.values(), ...catalog.resources.values(), ...catalog.templates, ...catalog.prompts.values()];
  const items = all.map((b): CatalogItem => {
    const req = catalog.requirementOf(b);
    const d = b.descriptor as { title?: unknown; description?: unknown; name?: unknown; uriTemplate?: unknown };
    return {
      kind: b.kind,
      name: b.kind === 'resource' ? b.uri : b.kind === 'template' ? String(d.uriTemplate) : b.name,
      ...(typeof d.title === 'string' ? { title: d.title } : {}),
      ...(typeof d.description === 'string' ? { description: d.description } : {}),
      plugin: b.plugin.id,
      version: b.plugin.version,
      scopes: req?.scopes ?? (enforced ? [] : (b.declared?.scopes ?? [])),
      roleSets: req?.roleSets ?? (enforced ? [] : b.declared?.roles?.length ? [b.declared.roles] : []),
    };
  });
  return { revision: catalog.revision, enforced, items };
}

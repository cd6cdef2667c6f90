import type { PluginGeneration } from '../plugins/loadPlugin.js';
import { PluginProblemCode, type PluginProblem } from '../plugins/PluginProblem.js';
import { RawJson } from '../protocol/RawJson.js';
import { invalidParams } from '../protocol/ProtocolError.js';
import type { Era } from '../protocol/CallScope.js';
import type { PromptBinding, ResourceBinding, TemplateBinding, ToolBinding } from './bindings.js';

export type ListKind = 'tools' | 'resources' | 'resourceTemplates' | 'prompts';

export interface CatalogOptions {
  readonly pageSize: number;
  /** Serialized fields appended to every modern-era list page: resultType, cache hints, serverInfo. */
  readonly modernListFields: string;
}
const DEFAULT_OPTIONS: CatalogOptions = { pageSize: 1000, modernListFields: '"resultType":"complete","ttlMs":0,"cacheScope":"private"' };

/**
 * An immutable snapshot of everything the host serves, at one revision. Lookups are map reads; list
 * pages are serialized on first use and then reused until the next revision replaces the snapshot.
 */
export class Catalog {
  readonly tools = new Map<string, ToolBinding>();
  readonly resources = new Map<string, ResourceBinding>();
  readonly templates: TemplateBinding[] = [];
  readonly prompts = new Map<string, PromptBinding>();
  private readonly pages = new Map<string, RawJson>();

  private constructor(
    readonly revision: number,
    readonly generations: readonly PluginGeneration[],
    private readonly options: CatalogOptions,
  ) {}

  /**
   * Builds a snapshot from loaded generations in order. A generation whose names collide with one
   * already taken is left out whole (serving half a plugin would be worse) and reported.
   */
  static build(revision: number, generations: readonly PluginGeneration[], options: CatalogOptions = DEFAULT_OPTIONS): { catalog: Catalog; rejected: Array<{ generation: PluginGeneration; problem: PluginProblem }> } {
    const accepted: PluginGeneration[] = [];
    const rejected: Array<{ generation: PluginGeneration; problem: PluginProblem }> = [];
    const owners = new Map<string, string>();
    for (const g of generations) {
      const keys = [
        ...g.bindings.tools.map((b) => `tool "${b.name}"`),
        ...g.bindings.resources.map((b) => `resource "${b.uri}"`),
        ...g.bindings.templates.map((b) => `resource template "${b.descriptor.uriTemplate as string}"`),
        ...g.bindings.prompts.map((b) => `prompt "${b.name}"`),
      ];
      const clashes = keys.filter((k) => owners.has(k));
      const selfDupes = keys.filter((k, i) => keys.indexOf(k) !== i);
      if (clashes.length > 0 || selfDupes.length > 0) {
        const detail = [...clashes.map((k) => `${k} is already served by plugin "${owners.get(k)}"`), ...selfDupes.map((k) => `${k} is declared twice`)].join('; ');
        rejected.push({
          generation: g,
          problem: {
            code: PluginProblemCode.DuplicateName,
            pluginId: g.info.id,
            path: g.info.root,
            message: `name collision: ${detail}`,
            fix: `give one plugin a prefix in the config (plugins.settings.${g.info.id}.prefix) or rename`,
          },
        });
        continue;
      }
      for (const k of keys) owners.set(k, g.info.id);
      accepted.push(g);
    }
    const catalog = new Catalog(revision, accepted, options);
    for (const g of accepted) {
      for (const b of g.bindings.tools) catalog.tools.set(b.name, b);
      for (const b of g.bindings.resources) catalog.resources.set(b.uri, b);
      catalog.templates.push(...g.bindings.templates);
      for (const b of g.bindings.prompts) catalog.prompts.set(b.name, b);
    }
    return { catalog, rejected };
  }

  /** One page of a list result, pre-serialized. `cursor` is the opaque value from a previous page's `nextCursor`. */
  listPage(kind: ListKind, cursor: unknown, era: Era = 'legacy'): RawJson {
    const key = `${era}:${kind}:${cursor ?? ''}`;
    const cached = this.pages.get(key);
    if (cached) return cached;
    let offset = 0;
    if (cursor !== undefined) {
      offset = typeof cursor === 'string' ? Number.parseInt(Buffer.from(cursor, 'base64url').toString(), 10) : Number.NaN;
      if (!Number.isInteger(offset) || offset < 0) throw invalidParams(`Invalid cursor: ${JSON.stringify(cursor)}`);
    }
    const all = this.descriptors(kind);
    const { pageSize, modernListFields } = this.options;
    const items = all.slice(offset, offset + pageSize);
    const next = offset + pageSize < all.length ? Buffer.from(String(offset + pageSize)).toString('base64url') : undefined;
    const json = JSON.stringify({ [kind]: items, ...(next ? { nextCursor: next } : {}) });
    const page = new RawJson(era === 'modern' ? `${json.slice(0, -1)},${modernListFields}}` : json);
    // Only pages reached through valid cursors are cached, so the cache is bounded by the catalog size.
    this.pages.set(key, page);
    return page;
  }

  private descriptors(kind: ListKind): unknown[] {
    switch (kind) {
      case 'tools':
        return [...this.tools.values()].map((b) => b.descriptor);
      case 'resources':
        return [...this.resources.values()].map((b) => b.descriptor);
      case 'resourceTemplates':
        return this.templates.map((b) => b.descriptor);
      case 'prompts':
        return [...this.prompts.values()].map((b) => b.descriptor);
    }
  }

  /** Finds the template serving a URI, with its variables. */
  matchTemplate(uri: string): { binding: TemplateBinding; variables: Record<string, string | string[]> } | undefined {
    for (const binding of this.templates) {
      const variables = binding.template.match(uri);
      if (variables) return { binding, variables };
    }
    return undefined;
  }
}

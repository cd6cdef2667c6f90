import type { PluginGeneration } from '../plugins/loadPlugin.js';
import { PluginProblemCode, type PluginProblem } from '../plugins/PluginProblem.js';
import { RawJson } from '../protocol/RawJson.js';
import { invalidParams } from '../protocol/ProtocolError.js';
import type { Era } from '../protocol/CallScope.js';
import type { Principal } from '@mcp-host/sdk';
import { ANONYMOUS } from '../identity/principals.js';
import { satisfies, type Requirement } from './Requirement.js';
import type { AnyBinding, PromptBinding, ResourceBinding, TemplateBinding, ToolBinding } from './bindings.js';

export type ListKind = 'tools' | 'resources' | 'resourceTemplates' | 'prompts';

export interface CatalogOptions {
  readonly pageSize: number;
  /** Serialized fields appended to every modern-era list page: resultType, cache hints, serverInfo. */
  readonly modernListFields: string;
  /** Who may see each item (undefined: everyone). Absent when no permissions are enforced. */
  readonly access?: (binding: AnyBinding) => Requirement | undefined;
}
const DEFAULT_OPTIONS: CatalogOptions = { pageSize: 1000, modernListFields: '"resultType":"complete","ttlMs":0,"cacheScope":"private"' };

/** Pages kept per snapshot; views multiply pages, and past this they are served uncached. */
const MAX_CACHED_PAGES = 10_000;

/**
 * An immutable snapshot of everything the host serves, at one revision. Lookups are map reads; list
 * pages are serialized on first use and then reused until the next revision replaces the snapshot.
 *
 * With permissions, each principal sees a view: the items whose requirement it satisfies. A view
 * is named by which of the snapshot's distinct requirements the principal meets (a string of 0/1),
 * so every principal with the same view shares the same cached pages; with no requirements at all
 * there is one view, '', and lists cost what they did before permissions existed.
 */
export class Catalog {
  readonly tools = new Map<string, ToolBinding>();
  readonly resources = new Map<string, ResourceBinding>();
  readonly templates: TemplateBinding[] = [];
  readonly prompts = new Map<string, PromptBinding>();
  private readonly pages = new Map<string, RawJson>();
  /** The distinct requirements of this snapshot's items, and which one guards each guarded binding. */
  private readonly requirements: Requirement[] = [];
  private readonly guard = new Map<AnyBinding, number>();
  private readonly views = new WeakMap<Principal, string>();

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
    if (options.access) catalog.guardAll(options.access);
    return { catalog, rejected };
  }

  private guardAll(access: (binding: AnyBinding) => Requirement | undefined): void {
    const index = new Map<string, number>();
    const all: AnyBinding[] = [...this.tools.values(), ...this.resources.values(), ...this.templates, ...this.prompts.values()];
    for (const b of all) {
      const req = access(b);
      if (!req) continue;
      let i = index.get(req.key);
      if (i === undefined) index.set(req.key, (i = this.requirements.push(req) - 1));
      this.guard.set(b, i);
    }
  }

  /** Whether any item here is restricted (else every principal has the same view). */
  get restricted(): boolean {
    return this.requirements.length > 0;
  }

  /** The name of what `principal` may see in this snapshot ('' when nothing is restricted). */
  viewOf(principal: Principal): string {
    if (this.requirements.length === 0) return '';
    let view = this.views.get(principal);
    if (view === undefined) this.views.set(principal, (view = this.requirements.map((r) => (satisfies(principal, r) ? '1' : '0')).join('')));
    return view;
  }

  /** What a binding requires (undefined: open to everyone). */
  requirementOf(binding: AnyBinding): Requirement | undefined {
    const i = this.guard.get(binding);
    return i === undefined ? undefined : this.requirements[i];
  }

  canSee(principal: Principal, binding: AnyBinding): boolean {
    const i = this.guard.get(binding);
    return i === undefined || this.viewOf(principal)[i] === '1';
  }

  /** The bindings of a list that a view shows, in list order. */
  visible(kind: ListKind, view: string): AnyBinding[] {
    const all: AnyBinding[] = kind === 'tools' ? [...this.tools.values()] : kind === 'resources' ? [...this.resources.values()] : kind === 'resourceTemplates' ? this.templates : [...this.prompts.values()];
    if (view === '') return all;
    return all.filter((b) => {
      const i = this.guard.get(b);
      return i === undefined || view[i] === '1';
    });
  }

  /**
   * One page of a list result as `principal` sees it, pre-serialized. `cursor` is the opaque value
   * from a previous page's `nextCursor` (an offset into the same view's list).
   */
  listPage(kind: ListKind, cursor: unknown, era: Era = 'legacy', principal: Principal = ANONYMOUS): RawJson {
    const view = this.viewOf(principal);
    const key = `${view}:${era}:${kind}:${cursor ?? ''}`;
    const cached = this.pages.get(key);
    if (cached) return cached;
    let offset = 0;
    if (cursor !== undefined) {
      offset = typeof cursor === 'string' ? Number.parseInt(Buffer.from(cursor, 'base64url').toString(), 10) : Number.NaN;
      if (!Number.isInteger(offset) || offset < 0) throw invalidParams(`Invalid cursor: ${JSON.stringify(cursor)}`);
    }
    const all = this.visible(kind, view).map((b) => b.descriptor);
    const { pageSize, modernListFields } = this.options;
    const items = all.slice(offset, offset + pageSize);
    const next = offset + pageSize < all.length ? Buffer.from(String(offset + pageSize)).toString('base64url') : undefined;
    const json = JSON.stringify({ [kind]: items, ...(next ? { nextCursor: next } : {}) });
    const page = new RawJson(era === 'modern' ? `${json.slice(0, -1)},${modernListFields}}` : json);
    // Only pages reached through valid cursors are cached, so the cache is bounded by the catalog size (times the views).
    if (this.pages.size < MAX_CACHED_PAGES) this.pages.set(key, page);
    return page;
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

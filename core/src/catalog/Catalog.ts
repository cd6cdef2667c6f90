import type { Principal } from '@mcp-host/sdk';
import { satisfies, type Requirement } from './Requirement.js';
import type { AnyBinding, BoundGeneration, DirectoryEntry, PromptBinding, ResourceBinding, SkillBinding, TemplateBinding, ToolBinding } from './bindings.js';

export type ListKind = 'tools' | 'resources' | 'resourceTemplates' | 'prompts';

export interface CatalogOptions {
  /** Who may see each item (undefined: everyone). Absent when no permissions are enforced. */
  readonly access?: (binding: AnyBinding) => Requirement | undefined;
  /**
   * What the host serves itself (shared context as resources), in every snapshot: its names are
   * taken first and its templates match first, so a plugin can neither shadow nor capture them.
   * Not among `generations`.
   */
  readonly host?: readonly BoundGeneration[];
}

/** A generation left out of a snapshot because its names collide: what collides, in words. */
export interface NameClash<G> {
  readonly generation: G;
  readonly detail: string;
}

/**
 * An immutable snapshot of everything the host serves, at one revision: bindings by name, and who
 * may see each. Lookups are map reads. It knows nothing of JSON-RPC: the protocol renders (and
 * caches) its list pages.
 *
 * With permissions, each principal sees a view: the items whose requirement it satisfies. A view
 * is named by which of the snapshot's distinct requirements the principal meets (a string of 0/1),
 * so every principal with the same view shares the same cached pages; with no requirements at all
 * there is one view, '', and lists cost what they did before permissions existed.
 */
export class Catalog<G extends BoundGeneration = BoundGeneration> {
  readonly tools = new Map<string, ToolBinding>();
  readonly resources = new Map<string, ResourceBinding>();
  readonly templates: TemplateBinding[] = [];
  readonly prompts = new Map<string, PromptBinding>();
  /** Skills by their SKILL.md URI. */
  readonly skills = new Map<string, SkillBinding>();
  /** Skill directories by URI: the skill they belong to and their direct children. */
  readonly directories = new Map<string, { readonly skill: SkillBinding; readonly children: readonly DirectoryEntry[] }>();
  /** The distinct requirements of this snapshot's items, and which one guards each guarded binding. */
  private readonly requirements: Requirement[] = [];
  private readonly guard = new Map<AnyBinding, number>();
  private readonly views = new WeakMap<Principal, string>();

  private constructor(
    readonly revision: number,
    readonly generations: readonly G[],
  ) {}

  /**
   * Builds a snapshot from loaded generations in order. A generation whose names collide with one
   * already taken is left out whole (serving half a plugin would be worse) and reported.
   */
  static build<G extends BoundGeneration>(revision: number, generations: readonly G[], options: CatalogOptions = {}): { catalog: Catalog<G>; rejected: Array<NameClash<G>> } {
    const accepted: G[] = [];
    const rejected: Array<NameClash<G>> = [];
    const owners = new Map<string, string>();
    const keysOf = (g: BoundGeneration) => [
      ...g.bindings.tools.map((b) => `tool "${b.name}"`),
      ...g.bindings.resources.map((b) => `resource "${b.uri}"`),
      ...g.bindings.templates.map((b) => `resource template "${b.descriptor.uriTemplate as string}"`),
      ...g.bindings.prompts.map((b) => `prompt "${b.name}"`),
    ];
    for (const h of options.host ?? []) for (const k of keysOf(h)) owners.set(k, h.info.id);
    for (const g of generations) {
      const keys = keysOf(g);
      const clashes = keys.filter((k) => owners.has(k));
      const selfDupes = keys.filter((k, i) => keys.indexOf(k) !== i);
      if (clashes.length > 0 || selfDupes.length > 0) {
        const detail = [...clashes.map((k) => `${k} is already served by plugin "${owners.get(k)}"`), ...selfDupes.map((k) => `${k} is declared twice`)].join('; ');
        rejected.push({ generation: g, detail });
        continue;
      }
      for (const k of keys) owners.set(k, g.info.id);
      accepted.push(g);
    }
    const catalog = new Catalog<G>(revision, accepted);
    const host = options.host ?? [];
    // The host's templates match first (a plugin's template cannot capture their URIs); its fixed
    // resources (matched exactly) are listed after the plugins', which clients see first.
    for (const g of host) catalog.templates.push(...g.bindings.templates);
    for (const g of [...accepted, ...host]) {
      for (const b of g.bindings.tools) catalog.tools.set(b.name, b);
      for (const b of g.bindings.resources) catalog.resources.set(b.uri, b);
      if (!host.includes(g)) catalog.templates.push(...g.bindings.templates);
      for (const b of g.bindings.prompts) catalog.prompts.set(b.name, b);
      for (const skill of g.bindings.skills ?? []) {
        catalog.skills.set(skill.uri, skill);
        for (const [uri, children] of skill.directories) catalog.directories.set(uri, { skill, children });
      }
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

  /** Finds the template serving a URI, with its variables. */
  matchTemplate(uri: string): { binding: TemplateBinding; variables: Record<string, string | string[]> } | undefined {
    for (const binding of this.templates) {
      const variables = binding.template.match(uri);
      if (variables) return { binding, variables };
    }
    return undefined;
  }
}

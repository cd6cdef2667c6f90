import type { PromptDefinition, ResourceDefinition, ResourceTemplateDefinition, ToolDefinition } from './declarations.js';

/** A class the host can construct through the plugin's container. */
export type PluginClass = new (...args: any[]) => object;

/** What a plugin serves: decorated classes and plain objects, mixed freely. */
export interface PluginItems {
  /** Classes whose methods carry `@Tool`, `@Resource`, `@ResourceTemplate` or `@Prompt`; each is resolved once from the plugin's container. */
  classes?: readonly PluginClass[];
  /** Tools as plain objects (wrap one in `defineTool` to type its handler where it is not written inline). */
  tools?: readonly ToolDefinition<any>[];
  /** Fixed resources as plain objects. */
  resources?: readonly ResourceDefinition[];
  /** Resource templates as plain objects. */
  resourceTemplates?: readonly ResourceTemplateDefinition[];
  /** Prompts as plain objects. */
  prompts?: readonly PromptDefinition<any>[];
}


/** Names of items to remove: tools, prompts and templates by name, resources by URI. */
export interface ItemNames {
  tools?: string[];
  resources?: string[];
  resourceTemplates?: string[];
  prompts?: string[];
}

/**
 * Updates what the running plugin serves. Each change resolves once the host serves it (or at once
 * while the plugin is still loading: it then serves from the start), and rejects, changing nothing,
 * when the host refuses it (a name another plugin serves, a schema that does not compile).
 */
export interface PluginItemsService {
  /** The dynamic items now served: the `items` provider's result, then every change since. */
  readonly current: Readonly<PluginItems>;
  /** Replaces the dynamic items. */
  set(items: PluginItems): Promise<void>;
  /** Adds items (an item named like a current one replaces it). */
  add(items: PluginItems): Promise<void>;
  /** Removes items by name (resources by URI). */
  remove(names: ItemNames): Promise<void>;
}

const byName = <T extends { name?: unknown }>(list: readonly T[] | undefined, add: readonly T[] | undefined): T[] | undefined => {
  if (!add?.length) return list ? [...list] : undefined;
  const names = new Set(add.map((x) => x.name));
  return [...(list ?? []).filter((x) => !names.has(x.name)), ...add];
};

/** `items` with `more` added; an added item named like an existing one replaces it. */
export function addItems(items: PluginItems, more: PluginItems): PluginItems {
  const classes = more.classes?.length ? [...new Set([...(items.classes ?? []), ...more.classes])] : items.classes;
  const resources = more.resources?.length ? [...(items.resources ?? []).filter((r) => !more.resources!.some((m) => m.uri === r.uri)), ...more.resources] : items.resources;
  return { classes, tools: byName(items.tools, more.tools), resources, resourceTemplates: byName(items.resourceTemplates, more.resourceTemplates), prompts: byName(items.prompts, more.prompts) };
}

/** `items` without the named ones (classes stay: replace them with `set`). */
export function removeItems(items: PluginItems, names: ItemNames): PluginItems {
  const drop = <T>(list: readonly T[] | undefined, key: (x: T) => unknown, gone: string[] | undefined) => (gone?.length && list ? list.filter((x) => !gone.includes(key(x) as string)) : list);
  return {
    classes: items.classes,
    tools: drop(items.tools, (t) => t.name, names.tools),
    resources: drop(items.resources, (r) => r.uri, names.resources),
    resourceTemplates: drop(items.resourceTemplates, (t) => t.name, names.resourceTemplates),
    prompts: drop(items.prompts, (p) => p.name, names.prompts),
  };
}

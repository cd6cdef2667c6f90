import type { HostConfig, PermissionsConfig } from '@mcp-host/config';
import type { AnyBinding, PromptBinding, ResourceBinding, TemplateBinding, ToolBinding } from '../catalog/bindings.js';
import { requirement, type Requirement } from '../catalog/Requirement.js';

export type { AnyBinding };
type ItemRule = { scopes?: string[]; roles?: string[] };

/**
 * Who may see and use each item, from its declaration and `plugins.settings.<id>.permissions`:
 * a configured entry for the item replaces what the plugin declared (per field: scopes, roles),
 * and the plugin-wide scopes and roles apply on top, to every item of the plugin. Computed once
 * per binding (bindings live as long as their generation).
 */
export class AccessPolicy {
  private readonly cache = new WeakMap<AnyBinding, Requirement | null>();

  constructor(private readonly settings: HostConfig['plugins']['settings']) {}

  requirementOf(binding: AnyBinding): Requirement | undefined {
    let req = this.cache.get(binding);
    if (req === undefined) this.cache.set(binding, (req = this.compute(binding) ?? null));
    return req ?? undefined;
  }

  private compute(b: AnyBinding): Requirement | undefined {
    const settings = this.settings[b.plugin.id];
    const perms = settings?.permissions;
    const item = perms ? itemRule(b, perms, settings.prefix ?? '') : undefined;
    const scopes = [...(item?.scopes ?? b.declared?.scopes ?? []), ...(perms?.scopes ?? [])];
    return requirement(scopes, [item?.roles ?? b.declared?.roles ?? [], perms?.roles ?? []]);
  }
}

/** The configured entry for an item: by published name (or URI / URI template), or by its name without the plugin's prefix. */
function itemRule(b: AnyBinding, perms: PermissionsConfig, prefix: string): ItemRule | undefined {
  const table = b.kind === 'tool' ? perms.tools : b.kind === 'prompt' ? perms.prompts : b.kind === 'resource' ? perms.resources : perms.resourceTemplates;
  if (!table) return undefined;
  const name = String(b.descriptor.name);
  const keys = [b.kind === 'resource' ? b.uri : b.kind === 'template' ? String(b.descriptor.uriTemplate) : undefined, name, prefix && name.startsWith(prefix) ? name.slice(prefix.length) : undefined];
  for (const key of keys) if (key !== undefined && Object.hasOwn(table, key)) return table[key];
  return undefined;
}

import type { HostConfig } from '@mcp-host/config';

type PluginsConfig = HostConfig['plugins'];

/** What an operator changed for one plugin at run time (admin API), on top of its configured settings. */
export interface PluginOverride {
  /** Enabled or disabled by an operator, whatever the config says. */
  readonly enabled?: boolean;
  /** The exact version to serve, even if it is not the newest found. */
  readonly pinned?: string;
}

/**
 * The operator's runtime changes to the plugins config: enable/disable and pins. Held in memory,
 * on purpose: the config file stays the one source of truth across restarts, so restarting a
 * single host drops every override (the admin API says so in each answer). In a cluster the
 * replicas also keep it in Redis (admin/SharedPlugins, on cluster/RedisOverlay), so a replica that starts later serves
 * with the overlay the others have; it lasts as long as that Redis keeps it. `apply` gives the
 * config the supervisor loads with, so every path (watcher, crash restart, admin action) sees the
 * same rules.
 */
export class PluginOverlay {
  private readonly overrides = new Map<string, PluginOverride>();
  /** The version each plugin served before its current generation (for rollback), with its folder. */
  private readonly previous = new Map<string, { version: string; dir: string }>();
  private cache: { base: PluginsConfig; applied: PluginsConfig } | undefined;

  of(id: string): PluginOverride {
    return this.overrides.get(id) ?? {};
  }

  /** The plugins with an override now. */
  ids(): string[] {
    return [...this.overrides.keys()];
  }

  set(id: string, change: PluginOverride): void {
    const next = { ...this.of(id), ...change };
    // An override equal to nothing is removed, so `of` and the admin API show only real changes.
    const clean = Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined)) as PluginOverride;
    if (Object.keys(clean).length === 0) this.overrides.delete(id);
    else this.overrides.set(id, clean);
    this.cache = undefined;
  }

  /** True when `version` of `id` serves because an operator pinned it (newer versions then wait). */
  pins(id: string, version: string): boolean {
    return this.overrides.get(id)?.pinned === version;
  }

  replaced(id: string, version: string, dir: string): void {
    this.previous.set(id, { version, dir });
  }

  previousOf(id: string): { version: string; dir: string } | undefined {
    return this.previous.get(id);
  }

  /** `base` with the overrides folded into `settings` (the same object while nothing changes). */
  apply(base: PluginsConfig): PluginsConfig {
    if (this.overrides.size === 0) return base;
    if (this.cache?.base === base) return this.cache.applied;
    const settings = { ...base.settings };
    for (const [id, o] of this.overrides) {
      const s = settings[id] ?? { enabled: true, config: {} };
      settings[id] = { ...s, ...(o.enabled !== undefined ? { enabled: o.enabled } : {}), ...(o.pinned !== undefined ? { version: o.pinned } : {}) };
    }
    const applied = { ...base, settings };
    this.cache = { base, applied };
    return applied;
  }
}

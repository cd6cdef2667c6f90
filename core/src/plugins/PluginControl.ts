import semver from 'semver';
import { discoverPluginDirs } from './discoverPluginDirs.js';
import type { PluginOverride } from './PluginOverlay.js';
import type { PluginSupervisor, ReloadRecord } from './PluginSupervisor.js';
import { readManifest, type PluginManifest } from './readManifest.js';

/** What an operator's action did: done or not, in words, with the reload it caused (if any). */
export interface ControlOutcome {
  readonly ok: boolean;
  readonly message: string;
  readonly record?: ReloadRecord;
}

/**
 * How an action done here reaches the other replicas (with a `cluster`: admin/SharedPlugins on
 * Redis; a single host has none). Called in the action's own turn, after it succeeded, so nothing
 * the other replicas send can interleave between the action and what is shared of it.
 */
export interface ControlShare {
  /** Whether the other replicas can be told now. */
  readonly up: boolean;
  /** Keeps the plugin's overlay where every replica reads it and tells the others; false when that failed. */
  acted(action: string, id: string, by: string | undefined): Promise<boolean>;
}

/** An action that cannot be done as asked (no such version, nothing to roll back to): answered 409, nothing changed. */
export class ControlRefusal extends Error {}

/**
 * The operator's actions on one plugin (admin API): reload now, enable, disable, pin a version,
 * unpin, roll back. Each sets the supervisor's runtime overlay (memory only on a single host: a
 * restart serves what the config says again; in a cluster also kept in Redis) and then reloads the
 * folder that should serve, so the change goes through the same path as a file change: load
 * beside, swap, drain, list_changed. In a cluster each action is shared once done (`share`), and
 * the other replicas' actions arrive as `reloadHere` and `converge`, in the same one-at-a-time turn.
 */
export class PluginControl {
  /** Actions run one at a time: a pin and an unpin racing would each reload a different folder, and either could win. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly supervisor: PluginSupervisor,
    /** In a cluster: the other replicas, who apply every action too. */
    readonly share?: ControlShare,
  ) {}

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** An operator's action, in its turn; in a cluster, shared with the other replicas once it succeeded. */
  private action(action: string, id: string, by: string | undefined, run: () => Promise<ControlOutcome>): Promise<ControlOutcome> {
    return this.serial(async () => {
      const out = await run();
      if (!out.ok || !this.share || (await this.share.acted(action, id, by))) return out;
      return { ...out, message: `${out.message}; applied on this replica only (Redis unreachable): the other replicas were not told, and the overlay kept in Redis prevails once it is back` };
    });
  }

  /** Every version of `id` found under the configured plugin paths now (manifests read, no code loaded). */
  async versionsOf(id: string): Promise<PluginManifest[]> {
    return (await this.manifests()).filter((m) => m.id === id);
  }

  /** Every readable manifest under the configured plugin paths. */
  async manifests(): Promise<PluginManifest[]> {
    const { dirs } = discoverPluginDirs(this.supervisor.config.paths);
    const read = await Promise.all(dirs.map((d) => readManifest(d, this.supervisor.hostVersion)));
    return read.flatMap((r) => (r.manifest ? [r.manifest] : []));
  }

  serving(id: string) {
    return this.supervisor.catalog.generations.find((g) => g.info.id === id);
  }

  reload(id: string, by?: string): Promise<ControlOutcome> {
    return this.action('reload', id, by, () => this.reloadNow(id));
  }

  private async reloadNow(id: string): Promise<ControlOutcome> {
    const dir = this.serving(id)?.manifest.dir ?? (await this.best(id))?.dir;
    if (!dir) throw new ControlRefusal(`no version of ${id} can serve under the current settings`);
    return this.outcome(await this.supervisor.reload(dir), `reloaded ${id} from ${dir}`);
  }

  disable(id: string, by?: string): Promise<ControlOutcome> {
    return this.action('disable', id, by, () => this.disableNow(id));
  }

  private async disableNow(id: string): Promise<ControlOutcome> {
    this.supervisor.overlay.set(id, { enabled: false });
    const serving = this.serving(id);
    if (!serving) return { ok: true, message: `${id} disabled (it was not serving); until restart or enable` };
    return this.outcome(await this.supervisor.reload(serving.manifest.dir), `${id} disabled until restart or enable`);
  }

  enable(id: string, by?: string): Promise<ControlOutcome> {
    return this.action('enable', id, by, () => this.enableNow(id));
  }

  private async enableNow(id: string): Promise<ControlOutcome> {
    // An override only where the config disables it: otherwise enabling just undoes a runtime disable.
    this.supervisor.overlay.set(id, { enabled: undefined });
    if (this.supervisor.config.settings[id]?.enabled === false) this.supervisor.overlay.set(id, { enabled: true });
    if (this.serving(id)) return { ok: true, message: `${id} is enabled and serving` };
    const best = await this.best(id);
    if (!best) throw new ControlRefusal(`${id} is enabled, but no version of it can serve under the current settings`);
    return this.outcome(await this.supervisor.reload(best.dir), `${id} enabled, serving ${best.version}`);
  }

  /** Serves `version` (a folder holding it must exist under the plugin paths) until unpinned, even if it is not the newest. */
  pin(id: string, version: string, by?: string): Promise<ControlOutcome> {
    return this.action('pin', id, by, () => this.pinNow(id, version));
  }

  private async pinNow(id: string, version: string): Promise<ControlOutcome> {
    const found = (await this.versionsOf(id)).find((m) => m.version === version);
    if (!found) throw new ControlRefusal(`no folder under plugins.paths holds ${id}@${version} (found: ${(await this.versionsOf(id)).map((m) => m.version).join(', ') || 'none'})`);
    const before = this.supervisor.overlay.of(id).pinned;
    this.supervisor.overlay.set(id, { pinned: version });
    const out = this.outcome(await this.supervisor.reload(found.dir), `${id} pinned to ${version} until unpinned or restart`);
    // A pin whose version did not load would keep every other version out: undo it.
    if (!out.ok) this.supervisor.overlay.set(id, { pinned: before });
    return out;
  }

  unpin(id: string, by?: string): Promise<ControlOutcome> {
    return this.action('unpin', id, by, () => this.unpinNow(id));
  }

  private async unpinNow(id: string): Promise<ControlOutcome> {
    this.supervisor.overlay.set(id, { pinned: undefined });
    const best = await this.best(id);
    if (!best) return { ok: true, message: `${id} unpinned; no version of it can serve under the current settings` };
    if (this.serving(id)?.manifest.dir === best.dir && this.serving(id)?.info.version === best.version) return { ok: true, message: `${id} unpinned; ${best.version} keeps serving` };
    return this.outcome(await this.supervisor.reload(best.dir), `${id} unpinned, serving ${best.version}`);
  }

  /** Another replica's reload of `id`, done here (not shared again). */
  reloadHere(id: string): Promise<ControlOutcome> {
    return this.serial(() => this.reloadNow(id));
  }

  /**
   * Makes `id` serve as the override `read` gives says, whoever set it (another replica's action,
   * the overlay kept in Redis): read in this action's turn, so it is the latest; the overlay of
   * `id` becomes exactly that, and the folder that should serve then is reloaded — or the serving
   * one, to unload it. Undefined when the overlay already was that (nothing reloads, no
   * list_changed).
   */
  converge(id: string, read: () => Promise<PluginOverride>): Promise<ControlOutcome | undefined> {
    return this.serial(async () => this.convergeNow(id, await read()));
  }

  /** `converge`, in one turn, for every plugin with an override here or in what `read` gives (absent there = none); the outcomes of those that changed. */
  convergeAll(read: () => Promise<ReadonlyMap<string, PluginOverride>>): Promise<Array<{ id: string; outcome: ControlOutcome }>> {
    return this.serial(async () => {
      const overrides = await read();
      const done: Array<{ id: string; outcome: ControlOutcome }> = [];
      for (const id of new Set([...this.supervisor.overlay.ids(), ...overrides.keys()])) {
        const outcome = await this.convergeNow(id, overrides.get(id) ?? {});
        if (outcome) done.push({ id, outcome });
      }
      return done;
    });
  }

  private async convergeNow(id: string, override: PluginOverride): Promise<ControlOutcome | undefined> {
    const { overlay } = this.supervisor;
    const now = overlay.of(id);
    if (now.enabled === override.enabled && now.pinned === override.pinned) return undefined;
    overlay.set(id, { enabled: override.enabled, pinned: override.pinned });
    const serving = this.serving(id);
    const best = await this.best(id);
    if (!best) return serving ? this.outcome(await this.supervisor.reload(serving.manifest.dir), `${id} no longer serves`) : { ok: true, message: `${id} does not serve` };
    if (serving?.manifest.dir === best.dir && serving.info.version === best.version) return { ok: true, message: `${id} keeps serving ${best.version}` };
    return this.outcome(await this.supervisor.reload(best.dir), `${id} serving ${best.version}`);
  }

  /** Back to the version the previous generation served, as a pin, if a folder still holds that version. */
  rollback(id: string, by?: string): Promise<ControlOutcome> {
    return this.action('rollback', id, by, () => this.rollbackNow(id));
  }

  private async rollbackNow(id: string): Promise<ControlOutcome> {
    const previous = this.supervisor.overlay.previousOf(id);
    if (!previous) throw new ControlRefusal(`cannot roll back ${id}: no previous generation of it has served since the host started`);
    const found = (await this.versionsOf(id)).find((m) => m.version === previous.version);
    if (!found) throw new ControlRefusal(`cannot roll back ${id} to ${previous.version}: no folder under plugins.paths holds that version any more (${previous.dir} was replaced or removed)`);
    const out = await this.pinNow(id, previous.version);
    return { ...out, message: out.ok ? `${id} rolled back to ${previous.version} (pinned until unpinned or restart)` : out.message };
  }

  /** The version that should serve now: the pinned one, else the newest allowed by the settings. */
  private async best(id: string): Promise<PluginManifest | undefined> {
    const settings = this.supervisor.config.settings[id];
    if (settings?.enabled === false) return undefined;
    const allowed = (await this.versionsOf(id)).filter((m) => !settings?.version || semver.satisfies(m.version, settings.version, { includePrerelease: true }));
    return allowed.sort((a, b) => semver.rcompare(a.version, b.version))[0];
  }

  private outcome(record: ReloadRecord, done: string): ControlOutcome {
    const ok = record.outcome !== 'failed';
    return { ok, message: ok ? done : `failed, the previous state keeps serving: ${record.problems.map((p) => p.message).join('; ')}`, record };
  }
}

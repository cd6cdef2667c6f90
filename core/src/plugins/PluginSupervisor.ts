import { existsSync } from 'node:fs';
import type { HostConfig } from '@mcp-host/config';
import { Catalog, type CatalogOptions } from '../catalog/Catalog.js';
import { diffCatalogs } from '../catalog/diffCatalogs.js';
import { diffItems, type ItemDiff } from '../catalog/diffItems.js';
import { findBreakingChanges } from '../catalog/findBreakingChanges.js';
import semver from 'semver';
import type { ListChange } from '../catalog/diffCatalogs.js';
import type { PluginGeneration } from './loadPlugin.js';
import { loadConfigured, loadPlugins, refusal, type LoadPluginsOptions } from './loadPlugins.js';
import { formatProblem, nameClashProblem, PluginLoadError, PluginProblemCode, type PluginProblem } from './PluginProblem.js';
import { PluginOverlay } from './PluginOverlay.js';
import { readManifest } from './readManifest.js';
import { closeWorkerPool } from './runtime/workerPool.js';

/** One reload attempt, kept in the reload history. */
export interface ReloadRecord {
  readonly at: string;
  readonly path: string;
  readonly pluginId?: string;
  readonly version?: string;
  readonly outcome: 'loaded' | 'replaced' | 'unloaded' | 'failed' | 'unchanged';
  readonly problems: readonly PluginProblem[];
  readonly revision: number;
  /** How long the attempt took, from the change to the swap (or the refusal). */
  readonly durationMs: number;
  /** The lists the attempt changed (empty when nothing was swapped). */
  readonly changed: readonly ListChange[];
  /** The items it added, removed and changed, by name or URI (when it swapped the catalog). */
  readonly items?: ItemDiff;
}

/** What the supervisor tells the host's telemetry and admin feed. */
export interface SupervisorEvents {
  /** After every reload attempt, with its record (also kept in `history`). */
  reloaded(record: ReloadRecord): void;
  /** A generation whose worker or process died is about to be restarted; `reason` is the runtime's words. */
  restarting(generation: PluginGeneration, reason: string): void;
}

/** What loading needs (the supervisor supplies `onCrash` itself), plus what swapping needs. */
export interface PluginSupervisorOptions extends Omit<LoadPluginsOptions, 'onCrash'> {
  readonly config: HostConfig['plugins'];
  readonly catalogOptions: CatalogOptions;
  /** Called after every catalog swap with the lists that changed, the new catalog and the one it replaced. */
  readonly onSwap: (changed: Set<ListChange>, catalog: Catalog, before: Catalog) => void;
  /** How long a replaced generation's in-flight calls may run before it is disposed anyway. */
  readonly drainTimeoutMs: number;
  readonly events?: SupervisorEvents;
}

type RecordFields = Omit<ReloadRecord, 'at' | 'revision' | 'durationMs' | 'changed' | 'items'>;

/** How a failed reload is logged: whether a generation still serves decides what the line may promise. */
export function failedReloadMessage(problem: PluginProblem, serving: boolean): string {
  return serving ? `reload failed, the previous generation keeps serving: ${formatProblem(problem)}` : `load failed, the plugin is not served: ${formatProblem(problem)}`;
}

const HISTORY = 100;

/**
 * Owns the plugin generations: the first load, and every reload after it. A reload builds the new
 * generation beside the old one, swaps the catalog atomically when it is ready, then drains and
 * disposes the old one. Any failure leaves the old generation serving and is recorded with the
 * plugin id, version, path and cause. Reloads of one folder are serialized and coalesced.
 */
export class PluginSupervisor {
  private generations: PluginGeneration[] = [];
  private current: Catalog<PluginGeneration>;
  private revision = 0;
  private readonly queues = new Map<string, { running?: Promise<ReloadRecord>; waiting?: Promise<ReloadRecord> }>();
  readonly history: ReloadRecord[] = [];
  problems: PluginProblem[] = [];
  /** Operators' runtime enable/disable and pins (admin API), folded into the config of every load; a single host does not keep them across restarts. */
  readonly overlay = new PluginOverlay();

  private readonly options: PluginSupervisorOptions & LoadPluginsOptions;
  private readonly crashes = new Map<string, { count: number; last: number }>();
  private closed = false;
  private lastChanged: ListChange[] = [];
  private lastItems: ItemDiff | undefined;
  /** Replaced or unloaded generations finishing their calls before they are disposed. */
  private retiringCount = 0;
  /** Folders seen deleted before they ever loaded: said once, not at every event of the deletion. */
  private readonly goneNeverLoaded = new Set<string>();

  constructor(options: PluginSupervisorOptions) {
    this.options = { ...options, onCrash: (generation: PluginGeneration, reason: string) => this.restart(generation, reason) };
    // Empty until the first load ends: a stdio host answers before its plugins have loaded.
    this.current = Catalog.build(0, [], options.catalogOptions).catalog;
  }

  /**
   * Restarts a generation whose worker or process died, with exponential backoff (0.5 s doubling to 30 s; the
   * count resets after a minute without a crash). Calls meanwhile fail with the reason.
   */
  private restart(generation: PluginGeneration, reason: string): void {
    if (this.closed || !this.generations.includes(generation)) return;
    this.options.events?.restarting(generation, reason);
    const dir = generation.manifest.dir;
    const now = Date.now();
    const prior = this.crashes.get(dir);
    const count = prior && now - prior.last < 60_000 ? prior.count + 1 : 1;
    this.crashes.set(dir, { count, last: now });
    const delay = Math.min(30_000, 500 * 2 ** (count - 1));
    this.options.logger.warn({ plugin: generation.info.id, version: generation.info.version, attempt: count, delayMs: delay }, 'restarting crashed plugin');
    setTimeout(() => {
      if (!this.closed && this.generations.includes(generation)) void this.reload(dir);
    }, delay).unref();
  }

  /** The plugins config with the operators' runtime overlay applied: what every reload loads with. */
  get config(): HostConfig['plugins'] {
    return this.overlay.apply(this.options.config);
  }

  /** The host version plugins' engine ranges are checked against. */
  get hostVersion(): string {
    return this.options.hostVersion;
  }

  get catalog(): Catalog<PluginGeneration> {
    return this.current;
  }

  /** Whether the first load has ended (until then the catalog is the empty revision 0). */
  get loaded(): boolean {
    return this.current.revision > 0;
  }

  /** Plugin generations by state: serving (in the catalog) and draining (replaced, finishing calls). */
  get generationStates(): { serving: number; draining: number } {
    return { serving: this.current?.generations.length ?? 0, draining: this.retiringCount };
  }

  /**
   * The first load of every configured plugin. `announce` is asked once it ends: true when clients
   * may already have been served the empty catalog (stdio answers at once), and are then told of
   * the lists that changed as after any reload.
   */
  async start(announce?: () => boolean): Promise<void> {
    // With the overlay: a replica of a cluster starts with the one the others serve with (empty otherwise).
    const { generations, problems } = await loadPlugins(this.config, this.options);
    const { catalog, rejected } = Catalog.build(++this.revision, generations, this.options.catalogOptions);
    for (const r of rejected) {
      problems.push(nameClashProblem(r));
      await r.generation.dispose();
    }
    const before = this.current;
    this.generations = [...catalog.generations];
    this.current = catalog;
    this.problems = problems;
    if (announce?.()) this.options.onSwap(diffCatalogs(before, catalog), catalog, before);
    for (const g of this.generations) this.serve(g);
  }

  /** From now on, the generation's own changes to its items (PLUGIN_ITEMS) go through `update`. */
  private serve(generation: PluginGeneration): void {
    generation.serveBindings = (next) => this.update(generation, next);
  }

  /**
   * A served generation changed its items: the catalog is rebuilt with its new bindings, as a
   * reload's would be (name clashes refused, permissions applied), and the swap tells `list_changed`
   * to the clients who can see the change. A refusal throws and leaves everything as it was. It
   * runs synchronously, so it never interleaves with a reload's swap.
   */
  private async update(generation: PluginGeneration, next: PluginGeneration['bindings']): Promise<void> {
    if (this.closed || !this.generations.includes(generation)) {
      // Replaced, unloaded or closing: nothing of it is served any more.
      generation.bindings = next;
      return;
    }
    const before = generation.bindings;
    generation.bindings = next;
    const { catalog, rejected } = Catalog.build(this.revision + 1, this.generations, this.options.catalogOptions);
    if (rejected.length > 0) {
      generation.bindings = before;
      // The clash is the changed plugin's doing, whichever side the catalog left out.
      const clash = rejected.find((r) => r.generation === generation) ?? { generation, detail: rejected.map((r) => r.detail).join('; ') };
      throw new PluginLoadError(nameClashProblem(clash));
    }
    this.swap(catalog);
    this.options.logger.info({ plugin: generation.info.id, version: generation.info.version, revision: this.revision, changed: this.lastChanged }, 'plugin items updated');
  }

  /**
   * Loads, replaces or unloads the plugin in `dir` (by whether it holds a plugin now). Per folder,
   * one reload runs and at most one waits: a burst of changes coalesces into a single reload that
   * reads the latest files, and nothing new starts once the host is closing.
   */
  reload(dir: string): Promise<ReloadRecord> {
    let queue = this.queues.get(dir);
    if (!queue) this.queues.set(dir, (queue = {}));
    if (queue.waiting) return queue.waiting;
    const q = queue;
    const run = (): Promise<ReloadRecord> => {
      const p = this.closed ? Promise.resolve<ReloadRecord>({ at: new Date().toISOString(), path: dir, outcome: 'unchanged', problems: [], revision: this.revision, durationMs: 0, changed: [] }) : this.reloadNow(dir, performance.now());
      q.running = p;
      return p.finally(() => {
        if (q.running === p) q.running = undefined;
      });
    };
    if (!q.running) return run();
    q.waiting = q.running.catch(() => undefined).then(() => {
      q.waiting = undefined;
      return run();
    });
    return q.waiting;
  }

  private async reloadNow(dir: string, started: number): Promise<ReloadRecord> {
    const config = this.config;
    const record = (r: RecordFields) => this.record(r, started);
    let old = this.generations.find((g) => g.manifest.dir === dir);
    const { manifest, problems } = await readManifest(dir, this.options.hostVersion);
    if (!manifest) {
      if (problems[0]?.code === PluginProblemCode.NoManifest && old) return this.unload(old, dir, started);
      // A folder removed before it ever loaded (a failed build, a scratch copy): nothing to unload, nothing
      // failed. One info line per deletion, without the ENOENT's stack.
      if (!old && !existsSync(dir)) {
        const first = !this.goneNeverLoaded.has(dir);
        this.goneNeverLoaded.add(dir);
        if (first) this.options.logger.info({ path: dir }, 'plugin folder removed before it ever loaded; nothing to unload');
        return this.record({ path: dir, outcome: 'unchanged', problems: [] }, started, false);
      }
      return record({ path: dir, pluginId: old?.info.id, outcome: 'failed', problems });
    }
    this.goneNeverLoaded.delete(dir);
    const about = { path: dir, pluginId: manifest.id, version: manifest.version };
    const refused = refusal(manifest, config);
    if (refused === 'disabled') return old ? this.unload(old, dir, started) : record({ ...about, outcome: 'unchanged', problems: [] });
    if (refused) return record({ ...about, outcome: 'failed', problems: [refused] });

    // A new version dropped beside the serving one (another folder, same id) replaces it only if it is newer.
    const serving = this.generations.find((g) => g.info.id === manifest.id && g.manifest.dir !== dir);
    // A version an operator pinned serves even when older: that is what the pin is for.
    const pinned = this.overlay.pins(manifest.id, manifest.version);
    if (serving) {
      if (!pinned && !semver.gt(manifest.version, serving.info.version)) {
        const problem: PluginProblem = { code: PluginProblemCode.NotNewer, pluginId: manifest.id, path: dir, message: `version ${manifest.version} is not newer than the serving ${serving.info.version} (${serving.manifest.dir})`, fix: 'bump the version, or remove the serving copy' };
        return record({ ...about, outcome: 'unchanged', problems: [problem] });
      }
      old = serving;
    }

    let fresh: PluginGeneration;
    try {
      fresh = await loadConfigured(manifest, config, this.options);
    } catch (e) {
      const problem = e instanceof PluginLoadError ? e.problem : { code: PluginProblemCode.ImportFailed, pluginId: manifest.id, path: dir, message: String(e), fix: 'see the cause in the log', cause: e };
      return record({ ...about, outcome: 'failed', problems: [problem] });
    }
    // Going back to a pinned (older) version is the operator's decision, not a release that breaks callers.
    if (old && !pinned && semver.major(fresh.info.version) <= semver.major(old.info.version)) {
      const breaking = findBreakingChanges(old.bindings.tools, fresh.bindings.tools);
      if (breaking.length > 0) {
        const problem: PluginProblem = {
          code: PluginProblemCode.BreakingChange, pluginId: manifest.id, path: dir,
          message: `${old.info.version} → ${fresh.info.version} breaks existing callers without a major version bump: ${breaking.join('; ')}`,
          fix: `release it as ${semver.major(old.info.version) + 1}.0.0, keep the old contract, or set plugins.breakingChanges: warn`,
        };
        if (config.breakingChanges === 'refuse') {
          await fresh.dispose();
          return record({ ...about, outcome: 'failed', problems: [problem] });
        }
        this.options.logger.warn({ plugin: manifest.id, version: manifest.version, code: problem.code }, formatProblem(problem));
      }
    }
    const next = old ? this.generations.map((g) => (g === old ? fresh : g)) : [...this.generations, fresh];
    const { catalog, rejected } = Catalog.build(this.revision + 1, next, this.options.catalogOptions);
    const clash = rejected.find((r) => r.generation === fresh);
    if (clash) {
      await fresh.dispose();
      return record({ ...about, outcome: 'failed', problems: [nameClashProblem(clash)] });
    }
    this.swap(catalog);
    this.serve(fresh);
    if (old) {
      // What a rollback goes back to: the last other version served (a reload of the same version is no step back).
      if (old.info.version !== fresh.info.version) this.overlay.replaced(old.info.id, old.info.version, old.manifest.dir);
      void this.retire(old);
    }
    return record({ ...about, outcome: old ? 'replaced' : 'loaded', problems: [] });
  }

  private async unload(old: PluginGeneration, dir: string, started: number): Promise<ReloadRecord> {
    const { catalog } = Catalog.build(this.revision + 1, this.generations.filter((g) => g !== old), this.options.catalogOptions);
    this.swap(catalog);
    void this.retire(old);
    return this.record({ path: dir, pluginId: old.info.id, version: old.info.version, outcome: 'unloaded', problems: [] }, started);
  }

  private swap(catalog: Catalog<PluginGeneration>): void {
    const before = this.current;
    this.revision = catalog.revision;
    this.generations = [...catalog.generations];
    this.current = catalog;
    const changed = diffCatalogs(before, catalog);
    // Read by the record that follows the swap at once (no await between them).
    this.lastChanged = [...changed];
    this.lastItems = diffItems(before, catalog);
    this.options.onSwap(changed, catalog, before);
  }

  /** Lets a replaced generation finish its in-flight calls, then disposes it. */
  private async retire(old: PluginGeneration): Promise<void> {
    this.retiringCount++;
    try {
      const drained = await old.drain.idle(this.options.drainTimeoutMs);
      if (!drained) this.options.logger.warn({ plugin: old.info.id, version: old.info.version, inFlight: old.drain.inFlight }, 'replaced plugin generation did not drain in time; disposing it anyway');
      await old.dispose();
    } finally {
      this.retiringCount--;
    }
  }

  /** Keeps the record in the history and tells the log (unless `log` is false) and the events. */
  private record(r: RecordFields, started: number, log = true): ReloadRecord {
    const swapped = r.outcome === 'loaded' || r.outcome === 'replaced' || r.outcome === 'unloaded';
    const record: ReloadRecord = { ...r, at: new Date().toISOString(), revision: this.revision, durationMs: Math.round((performance.now() - started) * 100) / 100, changed: swapped ? this.lastChanged : [], ...(swapped && this.lastItems ? { items: this.lastItems } : {}) };
    this.history.push(record);
    if (this.history.length > HISTORY) this.history.shift();
    const fields = { plugin: r.pluginId, version: r.version, path: r.path, outcome: r.outcome, revision: this.revision };
    // Whether this plugin (by id or by folder) still has a generation in the catalog after the attempt.
    const serving = this.generations.some((g) => g.manifest.dir === r.path || (r.pluginId !== undefined && g.info.id === r.pluginId));
    if (!log) {
      // said already by the caller
    } else if (r.outcome === 'failed') for (const p of r.problems) this.options.logger.error({ ...fields, code: p.code, err: p.cause }, failedReloadMessage(p, serving));
    else this.options.logger.info(fields, `plugin ${r.outcome}`);
    this.options.events?.reloaded(record);
    return record;
  }

  /** Disposes every generation, last loaded first. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.queues.values()].flatMap((q) => [q.running, q.waiting]));
    for (const g of [...this.generations].reverse()) await g.dispose();
    closeWorkerPool();
  }
}

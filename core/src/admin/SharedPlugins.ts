import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Logger } from 'pino';
import { ControlRefusal, type ControlOutcome, type ControlShare, type PluginControl } from '../plugins/PluginControl.js';
import type { PluginOverlay, PluginOverride } from '../plugins/PluginOverlay.js';
import type { PluginSupervisor } from '../plugins/PluginSupervisor.js';
import type { ClusterBusPort, SharedOverlayPort } from '../protocol/ports/ClusterPorts.js';
import type { EventFeed } from '../telemetry/EventFeed.js';

/** Plugin ids as manifests allow them (the admin API's rule): anything else from Redis or the bus is ignored. */
const PLUGIN_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const ACTIONS = new Set(['reload', 'enable', 'disable', 'pin', 'unpin', 'rollback']);
/**
 * How often a replica compares the overlay's revision in Redis with the one it applied: the bound
 * on convergence when a bus message was lost (pub/sub is at most once).
 */
export const OVERLAY_CHECK_MS = 5000;
/** Actions of other replicas waiting here at most: one per plugin and kind is enough (each reads the latest state), and a flood stays bounded. */
const MAX_PENDING = 256;
/**
 * Reloads asked by other replicas run at most this often per folder (or plugin): the first at once,
 * those asked meanwhile as one at the end of the interval. A reload coalesces only with one still
 * running, so a flood of messages would otherwise reload a fast-loading plugin without end.
 */
export const RELOAD_SPACING_MS = 250;

/** An override as kept in Redis, checked: what is not one is ignored. */
function parseOverride(text: string | null | undefined): PluginOverride | undefined {
  if (text === null || text === undefined) return {};
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return undefined;
    const { enabled, pinned } = o;
    if ((enabled !== undefined && typeof enabled !== 'boolean') || (pinned !== undefined && (typeof pinned !== 'string' || pinned.length > 64))) return undefined;
    return { ...(enabled !== undefined ? { enabled } : {}), ...(pinned !== undefined ? { pinned } : {}) };
  } catch {
    return undefined;
  }
}

/**
 * What the replicas share about their plugins, so that every replica serves the same catalog (with
 * `cluster`; the kernel hands in the bus and the overlay kept in Redis, cluster/RedisOverlay):
 *
 * - the operators' overlay (enable/disable, pins) in a hash every replica reads (one entry per
 *   plugin, and a revision bumped at every change), read before the first load, so a replica that
 *   starts later serves as the others do from its first answer;
 * - admin actions: the replica that took one tells the others on the bus (topic `admin`); each
 *   applies it through its own PluginControl, one at a time with its own actions — a reload
 *   reloads, an overlay change re-reads the plugin's field in Redis and converges to it (so two
 *   racing actions end, everywhere, as the last write to Redis);
 * - file-watch reloads (topic `reload`): a replica whose watcher missed a change, or that does not
 *   watch, reloads the folder too. A reload that changes nothing sends no list_changed.
 *
 * Convergence is bounded: a message reaches the others within milliseconds and each then takes
 * its own reload's time; a lost message is made up by the revision check every OVERLAY_CHECK_MS
 * and when Redis comes back (the overlay is re-read and applied where it differs).
 */
export class SharedPlugins implements ControlShare {
  /** The revision of the overlay last applied here (null: no hash in Redis). */
  private seenRev: string | null | undefined;
  private timer: NodeJS.Timeout | undefined;
  private resyncing: Promise<void> | undefined;
  private readonly pending = new Set<string>();
  /** Per folder or plugin reloaded for the others: when it last ran, and the one run scheduled after it. */
  private readonly spacing = new Map<string, { last: number; timer?: NodeJS.Timeout }>();
  private overflowed = false;

  constructor(
    private readonly store: SharedOverlayPort,
    private readonly bus: ClusterBusPort,
    /** The configured plugin paths: a reload names its folder relative to one of them. */
    private readonly paths: readonly string[],
    private readonly supervisor: () => PluginSupervisor,
    private readonly logger: Logger,
  ) {}

  get up(): boolean {
    return this.store.up;
  }

  /** Before the first load: the overlay the other replicas serve with (nothing when Redis is down: read again once it is up). */
  async load(overlay: PluginOverlay): Promise<void> {
    if (!this.store.up) return;
    try {
      const { overrides, rev } = await this.read();
      for (const [id, o] of overrides) overlay.set(id, o);
      this.seenRev = rev;
      if (overrides.size > 0) this.logger.info({ plugins: [...overrides.keys()] }, `serving with the overlay the replicas share (${overrides.size} plugin(s), from Redis)`);
    } catch (err) {
      this.logger.warn({ err: { message: (err as Error).message } }, 'could not read the shared overlay from Redis; it is read again when Redis answers');
    }
  }

  /** From the first load on: the other replicas' actions and reloads are applied here, and the overlay is checked against Redis. */
  start(control: PluginControl, feed: EventFeed): void {
    this.bus.subscribe('admin', (m, from) => {
      const apply = () => void this.applyAction(control, feed, m, from);
      if (m.action === 'reload' && typeof m.id === 'string' && PLUGIN_ID.test(m.id)) this.spaced(`reload:${m.id}`, apply);
      else apply();
    });
    this.bus.subscribe('reload', (m) => this.applyReload(m));
    this.store.onUp(() => void this.resync(control, feed, 'Redis is back'));
    this.timer = setInterval(() => void this.check(control, feed), OVERLAY_CHECK_MS).unref();
    void this.check(control, feed);
  }

  async acted(action: string, id: string, by: string | undefined): Promise<boolean> {
    if (!this.store.up) return false;
    try {
      if (action !== 'reload') {
        const override = this.supervisor().overlay.of(id);
        await this.store.write(id, Object.keys(override).length > 0 ? JSON.stringify(override) : undefined);
      }
      this.bus.publish('admin', { action, id, by });
      return true;
    } catch (err) {
      this.logger.warn({ err: { message: (err as Error).message }, action, plugin: id }, 'admin action not shared with the other replicas (Redis unreachable)');
      return false;
    }
  }

  /** This replica's watcher reloaded `dir`: the others reload it too (named relative to a configured path, which may differ per machine). */
  announceReload(dir: string): void {
    for (const [root, path] of this.paths.entries()) {
      const base = resolve(path);
      if (dir === base) return this.bus.publish('reload', { root, name: '' });
      if (dirname(dir) === base) return this.bus.publish('reload', { root, name: basename(dir) });
    }
  }

  close(): void {
    clearInterval(this.timer);
    for (const e of this.spacing.values()) clearTimeout(e.timer);
  }

  private async applyAction(control: PluginControl, feed: EventFeed, m: Record<string, unknown>, from: string): Promise<void> {
    const { action, id, by } = m;
    if (typeof action !== 'string' || !ACTIONS.has(action) || typeof id !== 'string' || !PLUGIN_ID.test(id)) return;
    const kind = action === 'reload' ? `reload:${id}` : `overlay:${id}`;
    if (this.pending.has(kind)) return;
    if (this.pending.size >= MAX_PENDING) {
      if (!this.overflowed) this.logger.warn({ pending: this.pending.size }, 'too many admin actions from other replicas waiting: dropping more until some are done (the overlay check converges)');
      this.overflowed = true;
      return;
    }
    this.pending.add(kind);
    let outcome: ControlOutcome | undefined;
    try {
      if (action === 'reload') outcome = await control.reloadHere(id);
      else
        outcome = await control.converge(id, async () => {
          const override = parseOverride(await this.store.readOne(id));
          if (!override) throw new ControlRefusal(`the overlay of ${id} in Redis is not one: ignored`);
          return override;
        });
    } catch (e) {
      outcome = { ok: false, message: e instanceof ControlRefusal ? e.message : `not applied: ${(e as Error).message}` };
    } finally {
      this.pending.delete(kind);
      if (this.pending.size === 0) this.overflowed = false;
    }
    const principal = typeof by === 'string' ? by.slice(0, 200) : undefined;
    feed.publish({ type: 'admin', action, plugin: id, principal, replica: from.slice(0, 64), outcome: outcome === undefined || outcome.ok ? 'ok' : 'refused', message: outcome?.message ?? `${id} already serves as the overlay says` });
  }

  private applyReload(m: Record<string, unknown>): void {
    const { root, name } = m;
    if (typeof root !== 'number' || !Number.isInteger(root) || root < 0 || root >= this.paths.length) return;
    // One folder name or the configured folder itself: nothing from the bus names a path elsewhere.
    if (typeof name !== 'string' || name === '.' || name === '..' || /[/\\\0]/.test(name) || name.length > 255) return;
    const dir = name ? resolve(this.paths[root]!, name) : resolve(this.paths[root]!);
    const supervisor = this.supervisor();
    // A folder gone is reloaded only if it served (to unload it): names of folders that never existed do nothing.
    if (!existsSync(dir) && !supervisor.catalog.generations.some((g) => g.manifest.dir === dir)) return;
    this.spaced(`dir:${dir}`, () => void supervisor.reload(dir));
  }

  /** Runs `run` now, or once at the end of RELOAD_SPACING_MS after the last run of `key` however often asked meanwhile. */
  private spaced(key: string, run: () => void): void {
    const now = Date.now();
    const entry = this.spacing.get(key);
    if (entry?.timer) return;
    const wait = entry ? entry.last + RELOAD_SPACING_MS - now : 0;
    if (wait <= 0) {
      // Entries of keys quiet for a while go, so distinct names cannot grow the map without end.
      if (this.spacing.size >= MAX_PENDING) for (const [k, e] of this.spacing) if (!e.timer && now - e.last > RELOAD_SPACING_MS) this.spacing.delete(k);
      this.spacing.set(key, { last: now });
      return run();
    }
    const later: { last: number; timer?: NodeJS.Timeout } = { last: entry!.last };
    later.timer = setTimeout(() => {
      later.timer = undefined;
      later.last = Date.now();
      run();
    }, wait).unref();
    this.spacing.set(key, later);
  }

  /** Whether the overlay changed in Redis since it was applied here; if so, re-read and apply it. */
  private async check(control: PluginControl, feed: EventFeed): Promise<void> {
    if (!this.store.up) return;
    const rev = await this.store.rev().catch(() => undefined);
    if (rev !== undefined && rev !== this.seenRev) await this.resync(control, feed, 'the overlay changed in Redis');
  }

  private resync(control: PluginControl, feed: EventFeed, reason: string): Promise<void> {
    this.resyncing ??= this.resyncNow(control, feed, reason).finally(() => (this.resyncing = undefined));
    return this.resyncing;
  }

  private async resyncNow(control: PluginControl, feed: EventFeed, reason: string): Promise<void> {
    try {
      const overlay = this.supervisor().overlay;
      // Redis lost the hash (restarted without persistence): what the replicas applied is put back, first writer per plugin.
      if (overlay.ids().length > 0 && (await this.store.restore(new Map(overlay.ids().map((id) => [id, JSON.stringify(overlay.of(id))]))))) {
        this.logger.warn({ plugins: overlay.ids() }, 'the shared overlay was missing from Redis (restarted empty?): written back from this replica');
      }
      const done = await control.convergeAll(async () => {
        const read = await this.read();
        this.seenRev = read.rev;
        return read.overrides;
      });
      if (done.length === 0) return;
      this.logger.info({ reason, plugins: done.map((d) => ({ id: d.id, ok: d.outcome.ok, message: d.outcome.message })) }, `applied the shared overlay from Redis (${reason}): ${done.length} plugin(s) changed`);
      for (const d of done) feed.publish({ type: 'admin', action: 'converge', plugin: d.id, outcome: d.outcome.ok ? 'ok' : 'refused', message: d.outcome.message });
    } catch (err) {
      this.logger.warn({ err: { message: (err as Error).message }, reason }, 'could not re-read the shared overlay from Redis; tried again at the next check');
    }
  }

  private async read(): Promise<{ overrides: Map<string, PluginOverride>; rev: string | null }> {
    const { entries, rev } = await this.store.read();
    const overrides = new Map<string, PluginOverride>();
    for (const [id, text] of entries) {
      if (!PLUGIN_ID.test(id)) continue;
      const o = parseOverride(text);
      if (o) overrides.set(id, o);
      else this.logger.warn({ plugin: id }, 'an overlay entry in Redis that is not one: ignored');
    }
    return { overrides, rev };
  }
}

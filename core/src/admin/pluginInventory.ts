import { discoverPluginDirs } from '../plugins/discoverPluginDirs.js';
import { PluginProblemCode, type PluginProblem } from '../plugins/PluginProblem.js';
import type { PluginSupervisor } from '../plugins/PluginSupervisor.js';
import { readManifest } from '../plugins/readManifest.js';

export type PluginState = 'serving' | 'disabled' | 'failed' | 'not serving';

/** One plugin id as the admin API shows it: every version found, which one serves, and why not. */
export interface PluginEntry {
  readonly id: string;
  readonly state: PluginState;
  readonly serving?: { readonly version: string; readonly path: string; readonly revision: number; readonly inFlight: number };
  readonly versions: ReadonlyArray<{ readonly version: string; readonly path: string; readonly serving: boolean }>;
  readonly isolation: string;
  /** The operator's runtime changes (lost on restart). */
  readonly override: { readonly enabled?: boolean; readonly pinned?: string };
  readonly previousVersion?: string;
  readonly problems: ReadonlyArray<{ readonly code: string; readonly path: string; readonly message: string; readonly fix: string }>;
}

const problemView = (p: PluginProblem) => ({ code: p.code, path: p.path, message: p.message, fix: p.fix });

/**
 * Every plugin found under the configured plugin paths now (manifests are read, no plugin code
 * runs), joined with what the supervisor serves, its overlay, and the problems of the first load
 * and of the latest reload attempt per folder. Folders whose manifest is unreadable are listed
 * under `unidentified` with their problems.
 */
export async function pluginInventory(supervisor: PluginSupervisor): Promise<{ plugins: PluginEntry[]; unidentified: ReturnType<typeof problemView>[] }> {
  const config = supervisor.config;
  const { dirs, missing } = discoverPluginDirs(config.paths);
  const read = await Promise.all(dirs.map((d) => readManifest(d, supervisor.hostVersion)));
  const generations = supervisor.catalog?.generations ?? [];
  const revision = supervisor.catalog?.revision ?? 0;
  // The latest reload attempt of each folder: a failed one explains why a version is not serving.
  const latest = new Map<string, (typeof supervisor.history)[number]>();
  for (const r of supervisor.history) latest.set(r.path, r);

  const ids = new Set<string>([...generations.map((g) => g.info.id), ...read.flatMap((r) => (r.manifest ? [r.manifest.id] : []))]);
  const unidentified = [...read.flatMap((r) => (r.manifest ? [] : r.problems.filter((p) => !p.pluginId))), ...missing.map((path) => ({ code: PluginProblemCode.PathNotFound, path, message: 'plugin path does not exist', fix: 'correct plugins.paths' }) as PluginProblem)].map(problemView);

  const plugins = [...ids].sort().map((id): PluginEntry => {
    const g = generations.find((x) => x.info.id === id);
    const settings = config.settings[id];
    const versions = read.flatMap((r) => (r.manifest?.id === id ? [{ version: r.manifest.version, path: r.manifest.dir, serving: g?.manifest.dir === r.manifest.dir && g.info.version === r.manifest.version }] : []));
    const paths = new Set(versions.map((v) => v.path));
    const problems = [
      ...supervisor.problems.filter((p) => p.pluginId === id),
      ...read.flatMap((r) => r.problems.filter((p) => p.pluginId === id)),
      ...[...latest.values()].filter((r) => r.outcome === 'failed' && (r.pluginId === id || paths.has(r.path))).flatMap((r) => r.problems),
    ];
    const state: PluginState = g ? 'serving' : settings?.enabled === false ? 'disabled' : problems.length > 0 ? 'failed' : 'not serving';
    const override = supervisor.overlay.of(id);
    return {
      id,
      state,
      ...(g ? { serving: { version: g.info.version, path: g.manifest.dir, revision, inFlight: g.drain.inFlight } } : {}),
      versions,
      isolation: settings?.isolation ?? config.isolation,
      override,
      previousVersion: supervisor.overlay.previousOf(id)?.version,
      // One line per distinct problem: the first load and a later failed reload may report the same one.
      problems: [...new Map(problems.map((p) => [`${p.code}|${p.path}|${p.message}`, problemView(p)])).values()],
    };
  });
  return { plugins, unidentified };
}

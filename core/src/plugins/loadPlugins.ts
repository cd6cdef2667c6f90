import type { HostConfig, LogMask } from '@mcp-host/config';
import type { HostContext, HostNotifications, PluginInfo } from '@mcp-host/sdk';
import semver from 'semver';
import type { Logger } from 'pino';
import type { DependencyContainer } from 'tsyringe';
import type { JsonLimits } from '../calls/jsonLimits.js';
import { discoverPluginDirs } from './discoverPluginDirs.js';
import { loadPlugin, type PluginGeneration } from './loadPlugin.js';
import { attachSkills } from './attachSkills.js';
import { PluginLoadError, PluginProblemCode, type PluginProblem } from './PluginProblem.js';
import { readManifest, type PluginManifest } from './readManifest.js';
import { registerSharedModules } from './registerSharedModules.js';
import { runtimeRoot } from './runtime/runtimeRoot.js';
import { startWorkerGeneration } from './runtime/WorkerGeneration.js';

export interface LoadPluginsOptions {
  readonly root: DependencyContainer;
  readonly logger: Logger;
  readonly logLevel: string;
  /** pino redact paths for plugin workers' loggers (in-process plugins log through the host's logger). */
  readonly logRedact?: readonly string[];
  /** Fields and patterns every plugin log line is masked by (workers and processes build their loggers with it). */
  readonly logMask?: LogMask;
  readonly hostVersion: string;
  readonly notifications: HostNotifications;
  /** The shared context service as one plugin uses it outside a call (the CONTEXT token); absent in unit tests. */
  readonly context?: (plugin: PluginInfo) => HostContext;
  /** The host's `server.limits`: an isolated plugin's results and logs over them are refused before they cross (default DEFAULT_JSON_LIMITS). */
  readonly limits?: JsonLimits;
  /** A worker or process generation died after loading (the supervisor restarts it). */
  readonly onCrash: (generation: PluginGeneration, reason: string) => void;
}

/** Why a manifest may not serve under the config (disabled, or outside a pinned range), or undefined. */
export function refusal(manifest: PluginManifest, config: HostConfig['plugins']): PluginProblem | 'disabled' | undefined {
  const settings = config.settings[manifest.id];
  if (settings?.enabled === false) return 'disabled';
  if (settings?.version && !semver.satisfies(manifest.version, settings.version, { includePrerelease: true })) {
    return { code: PluginProblemCode.VersionPinned, pluginId: manifest.id, path: manifest.dir, message: `version ${manifest.version} is outside the pinned range ${settings.version}`, fix: `change plugins.settings.${manifest.id}.version, or install a version in that range` };
  }
  return undefined;
}

/** Loads one generation with the plugin's settings from the config (in a worker thread, a child process, or in-process), with the skills its manifest declares. */
export function loadConfigured(manifest: PluginManifest, config: HostConfig['plugins'], options: LoadPluginsOptions): Promise<PluginGeneration> {
  const loading = loadRuntime(manifest, config, options);
  return manifest.skills.length === 0 ? loading : loading.then((g) => attachSkills(g, manifest));
}

function loadRuntime(manifest: PluginManifest, config: HostConfig['plugins'], options: LoadPluginsOptions): Promise<PluginGeneration> {
  const settings = config.settings[manifest.id];
  const common = { logger: options.logger, config: settings?.config, prefix: settings?.prefix };
  const isolation = settings?.isolation ?? config.isolation;
  if (isolation === 'in-process') {
    registerSharedModules();
    return loadPlugin(manifest, { ...common, root: runtimeRoot(options.root, { notifications: options.notifications, context: options.context }) });
  }
  return startWorkerGeneration(manifest, {
    ...common,
    // Where the worker's runtime root sends what a plugin announces.
    notifications: options.notifications,
    context: options.context,
    isolation,
    logLevel: options.logLevel,
    logRedact: options.logRedact,
    logMask: options.logMask,
    limits: options.limits,
    callTimeoutMs: config.callTimeoutMs,
    loadTimeoutMs: config.loadTimeoutMs,
    memoryMb: config.workerMemoryMb,
    maxRssMb: config.maxRssMb,
    onCrash: options.onCrash,
  });
}

function asProblem(e: unknown, m: PluginManifest): PluginProblem {
  return e instanceof PluginLoadError ? e.problem : { code: PluginProblemCode.ImportFailed, pluginId: m.id, path: m.dir, message: String(e), fix: 'see the cause in the log', cause: e };
}

/**
 * Discovers, checks and loads every configured plugin. Every manifest is read and checked before
 * any plugin code runs. Where several folders hold versions of one plugin id, the highest version
 * allowed by the engine range and the config's pin serves; if it fails to load, the next one is
 * tried. Plugins load in parallel, and each failure is a problem record, not a crash. Generations
 * come back in discovery order so the catalog is deterministic.
 */
export async function loadPlugins(config: HostConfig['plugins'], options: LoadPluginsOptions): Promise<{ generations: PluginGeneration[]; problems: PluginProblem[] }> {
  const problems: PluginProblem[] = [];
  const { dirs, missing } = discoverPluginDirs(config.paths);
  for (const path of missing) problems.push({ code: PluginProblemCode.PathNotFound, path, message: 'plugin path does not exist or is not a folder', fix: 'correct plugins.paths / --plugins' });

  const checked = await Promise.all(dirs.map((d) => readManifest(d, options.hostVersion)));
  const candidates = new Map<string, PluginManifest[]>();
  for (const { manifest, problems: p } of checked) {
    problems.push(...p);
    if (!manifest) continue;
    const refused = refusal(manifest, config);
    if (refused === 'disabled') {
      options.logger.info({ plugin: manifest.id, path: manifest.dir }, 'plugin disabled in config');
      continue;
    }
    if (refused) {
      problems.push(refused);
      continue;
    }
    candidates.set(manifest.id, [...(candidates.get(manifest.id) ?? []), manifest]);
  }

  const order = new Map(dirs.map((d, i) => [d, i]));
  const loaded = await Promise.all(
    [...candidates.values()].map(async (versions) => {
      versions.sort((a, b) => semver.rcompare(a.version, b.version));
      for (const [i, m] of versions.entries()) {
        try {
          const generation = await loadConfigured(m, config, options);
          for (const other of versions.slice(i + 1)) {
            problems.push({ code: PluginProblemCode.DuplicateId, pluginId: other.id, path: other.dir, message: `version ${m.version} in ${m.dir} serves instead of ${other.version}`, fix: 'remove the copy that should not serve, or pin a version in plugins.settings.<id>.version' });
          }
          return generation;
        } catch (e) {
          problems.push(asProblem(e, m));
        }
      }
      return undefined;
    }),
  );
  // Discovery order (the order of plugins.paths, then folder names) decides who keeps a contested name.
  const generations = loaded.filter((g): g is PluginGeneration => g !== undefined).sort((a, b) => order.get(a.manifest.dir)! - order.get(b.manifest.dir)!);
  return { generations, problems };
}

import type { HostConfig } from '@mcp-host/config';
import type { HostNotifications } from '@mcp-host/sdk';
import semver from 'semver';
import type { Logger } from 'pino';
import type { DependencyContainer } from 'tsyringe';
import { discoverPluginDirs } from './discoverPluginDirs.js';
import { loadPlugin, type PluginGeneration } from './loadPlugin.js';
import { PluginLoadError, PluginProblemCode, type PluginProblem } from './PluginProblem.js';
import { readManifest, type PluginManifest } from './readManifest.js';
import { registerSharedModules } from './registerSharedModules.js';

export interface LoadPluginsOptions {
  readonly root: DependencyContainer;
  readonly logger: Logger;
  readonly hostVersion: string;
  readonly notifications: HostNotifications;
}

/**
 * Discovers, checks and loads every configured plugin. Every manifest is read and checked before
 * any plugin code runs; plugins then load in parallel, and each failure is a problem record, not a
 * crash. Generations come back in discovery order so the catalog is deterministic.
 */
export async function loadPlugins(config: HostConfig['plugins'], options: LoadPluginsOptions): Promise<{ generations: PluginGeneration[]; problems: PluginProblem[] }> {
  const problems: PluginProblem[] = [];
  const { dirs, missing } = discoverPluginDirs(config.paths);
  for (const path of missing) problems.push({ code: PluginProblemCode.PathNotFound, path, message: 'plugin path does not exist or is not a folder', fix: 'correct plugins.paths / --plugins' });

  const checked = await Promise.all(dirs.map((d) => readManifest(d, options.hostVersion)));
  const byId = new Map<string, PluginManifest>();
  for (const { manifest, problems: p } of checked) {
    problems.push(...p);
    if (!manifest) continue;
    if (config.settings[manifest.id]?.enabled === false) {
      options.logger.info({ plugin: manifest.id, path: manifest.dir }, 'plugin disabled in config');
      continue;
    }
    const other = byId.get(manifest.id);
    if (other) {
      // Two folders with one id: the highest version serves; the other is reported.
      const [keep, drop] = semver.gte(manifest.version, other.version) ? [manifest, other] : [other, manifest];
      byId.set(manifest.id, keep);
      problems.push({ code: PluginProblemCode.DuplicateId, pluginId: drop.id, path: drop.dir, message: `another folder (${keep.dir}) holds version ${keep.version} of the same plugin id; ${drop.version} is not loaded`, fix: 'remove the older copy, or give it a different mcpHost.id' });
      continue;
    }
    byId.set(manifest.id, manifest);
  }

  registerSharedModules();
  // Discovery order (the order of plugins.paths, then folder names) decides who keeps a contested name.
  const order = new Map(dirs.map((d, i) => [d, i]));
  const manifests = [...byId.values()].sort((a, b) => order.get(a.dir)! - order.get(b.dir)!);
  const settled = await Promise.allSettled(
    manifests.map((m) => loadPlugin(m, { root: options.root, logger: options.logger, notifications: options.notifications, config: config.settings[m.id]?.config, prefix: config.settings[m.id]?.prefix })),
  );
  const generations: PluginGeneration[] = [];
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') generations.push(s.value);
    else if (s.reason instanceof PluginLoadError) problems.push(s.reason.problem);
    else problems.push({ code: PluginProblemCode.ImportFailed, pluginId: manifests[i].id, path: manifests[i].dir, message: String(s.reason), fix: 'see the cause in the log', cause: s.reason });
  });
  return { generations, problems };
}

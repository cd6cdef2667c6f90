import { discoverPluginDirs } from '../plugins/discoverPluginDirs.js';

/** The configured plugin paths that do not exist (the CLI refuses to start with any). */
export function missingPluginPaths(paths: readonly string[]): string[] {
  return discoverPluginDirs(paths).missing;
}

/**
 * The filesystem plugin: file operations confined to configured roots, `file://` resources, and
 * change notifications for subscribers.
 */
import { definePlugin, type PluginClass } from '@mcp-host/sdk';
import { FS_SETTINGS, resolveFilesystemConfig } from './config.js';
import { FileWatcher } from './FileWatcher.js';
import { FsReadTools } from './FsReadTools.js';
import { FsResources } from './FsResources.js';
import { FsSearchTools } from './FsSearchTools.js';
import { FsWriteTools } from './FsWriteTools.js';
import { PathGuard } from './PathGuard.js';

/**
 * The classes served. FsWriteTools joins only when a root is writable, which only setup() knows:
 * definePlugin freezes the definition but not this array, and the host reads it after setup.
 */
const classes: PluginClass[] = [FsReadTools, FsSearchTools, FsResources];

export default definePlugin({
  classes,
  async setup(scope) {
    // A bad section (unknown key, missing root, duplicate name) fails the load, naming every problem.
    const settings = await resolveFilesystemConfig(scope.config, process.cwd());
    scope.container.register(FS_SETTINGS, { useValue: settings });
    scope.container.registerSingleton(PathGuard);

    if (settings.roots.some((r) => r.writable) && !classes.includes(FsWriteTools)) classes.push(FsWriteTools);

    if (settings.watch.enabled) {
      const watcher = scope.container.resolve(FileWatcher);
      scope.onDispose(() => watcher.close());
      await watcher.start();
    }
    scope.logger.info({ roots: settings.roots.map((r) => ({ name: r.name, path: r.real, writable: r.writable })), watch: settings.watch.enabled }, 'filesystem plugin set up');
  },
});

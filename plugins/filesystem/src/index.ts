/**
 * The filesystem plugin: file operations confined to configured roots, `file://` resources, and
 * change notifications for subscribers.
 */
import { definePlugin } from '@mcp-host/sdk';
import { filesystemConfig, FS_SETTINGS } from './config.js';
import { FileWatcher } from './FileWatcher.js';
import { FsReadTools } from './FsReadTools.js';
import { FsResources } from './FsResources.js';
import { FsSearchTools } from './FsSearchTools.js';
import { FsWorkingFolderTools } from './FsWorkingFolderTools.js';
import { FsWriteTools } from './FsWriteTools.js';
import { PathGuard } from './PathGuard.js';

export default definePlugin({
  // A bad section (unknown key, missing root, duplicate name) fails the load, naming every problem by path.
  config: filesystemConfig(process.cwd()),
  classes: [FsReadTools, FsSearchTools, FsWorkingFolderTools, FsResources],
  async setup({ config: settings, container, logger, onDispose }) {
    container.register(FS_SETTINGS, { useValue: settings });
    container.registerSingleton(PathGuard);
    if (settings.watch.enabled) {
      const watcher = container.resolve(FileWatcher);
      onDispose(() => watcher.close());
      await watcher.start();
    }
    logger.info({ roots: settings.roots.map((r) => ({ name: r.name, path: r.real, writable: r.writable })), watch: settings.watch.enabled }, 'filesystem plugin set up');
  },
  // The write tools exist only when a root is writable.
  items: (settings) => ({ classes: settings.roots.some((r) => r.writable) ? [FsWriteTools] : [] }),
});

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { watch, type FSWatcher } from 'chokidar';
import { LOGGER, NOTIFICATIONS, inject, injectable, type HostNotifications, type Logger } from '@mcp-host/sdk';
import { FS_SETTINGS, type FilesystemSettings } from './config.js';

/** How long start() waits for the first scan before it lets the plugin serve anyway. */
const READY_WAIT_MS = 10_000;

/**
 * Watches the roots (chokidar) and announces `resources/updated` for the `file://` URI of every file
 * or folder that changed, and for the folder whose entries changed. The host sends it only to the
 * clients subscribed to that URI. Announcements are debounced per URI, so a burst of writes to one
 * file is one notification.
 */
@injectable()
export class FileWatcher {
  private watcher: FSWatcher | undefined;
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(
    @inject(FS_SETTINGS) private readonly settings: FilesystemSettings,
    @inject(NOTIFICATIONS) private readonly notifications: HostNotifications,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Starts watching; resolves once the first scan is done (or after a bounded wait). */
  async start(): Promise<void> {
    const roots = new Set(this.settings.roots.map((r) => r.real));
    const ignore = new Set(this.settings.ignore);
    const watcher = watch([...roots], {
      ignoreInitial: true,
      // Links are not followed: their targets inside a root are watched as part of that root.
      followSymlinks: false,
      ignorePermissionErrors: true,
      depth: this.settings.watch.depth,
      ignored: (file: string) => !roots.has(file) && ignore.has(path.basename(file)),
    });
    this.watcher = watcher;
    watcher.on('all', (event, file) => {
      this.announce(file);
      if (event === 'add' || event === 'unlink' || event === 'addDir' || event === 'unlinkDir') this.announce(path.dirname(file));
    });
    watcher.on('error', (err) => this.logger.warn({ err }, 'file watcher error'));
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), READY_WAIT_MS);
      watcher.once('ready', () => (clearTimeout(timer), resolve(true)));
    });
    if (ready) this.logger.debug({ roots: [...roots] }, 'watching the roots');
    else this.logger.warn({ roots: [...roots], waitedMs: READY_WAIT_MS }, 'the first scan of the roots is still running; changes are announced once it ends');
  }

  /** Stops watching and drops pending announcements. */
  async close(): Promise<void> {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    await this.watcher?.close();
    this.watcher = undefined;
  }

  private announce(file: string): void {
    const uri = pathToFileURL(file).href;
    clearTimeout(this.pending.get(uri));
    this.pending.set(
      uri,
      setTimeout(() => {
        this.pending.delete(uri);
        this.notifications.resourceUpdated(uri);
      }, this.settings.watch.debounceMs),
    );
  }
}

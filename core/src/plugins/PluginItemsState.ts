import type { ItemNames, PluginItems, PluginItemsService } from '@mcp-host/sdk';
import { addItems, removeItems } from '@mcp-host/sdk/internal';

/**
 * A generation's dynamic items (the `items` provider's result and the plugin's changes since) behind
 * `PLUGIN_ITEMS`. Changes are applied one at a time, in order: each waits for the host to serve (or
 * refuse) the one before, and a refused change leaves `current` as it was.
 */
export class PluginItemsState implements PluginItemsService {
  private items: PluginItems = {};
  private queue: Promise<unknown> = Promise.resolve();
  /** Serves a new set of items; until the generation is built, changes are only kept (it serves them from the start). */
  private apply: ((items: PluginItems) => Promise<void>) | undefined;

  get current(): Readonly<PluginItems> {
    return this.items;
  }

  /** From now on, a change is served through `apply` (which throws when the host refuses it). */
  serveWith(apply: (items: PluginItems) => Promise<void>): void {
    this.apply = apply;
  }

  set(items: PluginItems): Promise<void> {
    return this.change(() => ({ ...items }));
  }

  add(items: PluginItems): Promise<void> {
    return this.change((now) => addItems(now, items));
  }

  remove(names: ItemNames): Promise<void> {
    return this.change((now) => removeItems(now, names));
  }

  private change(next: (now: PluginItems) => PluginItems): Promise<void> {
    const run = this.queue.then(async () => {
      const items = next(this.items);
      if (this.apply) await this.apply(items);
      this.items = items;
    });
    // A refused change rejects its caller's promise, not the ones queued after it.
    this.queue = run.catch(() => undefined);
    return run;
  }
}

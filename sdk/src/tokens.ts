/**
 * Injection tokens for host services. Use them with `@inject(TOKEN)` on constructor parameters of
 * plugin classes; the host registers them in each plugin's own child container.
 */
export type { ItemNames, PluginItemsService } from './pluginItems.js';

/** The plugin's pino logger (a child of the host's, bound to `{ plugin, version }`). Type: `Logger` from pino. */
export const LOGGER = Symbol.for('mcp-host:token:logger');

/**
 * The plugin's own section of the host config (`plugins.settings.<id>.config`), or `{}`. When the
 * plugin declares `definePlugin({ config: Schema })` it is the value parsed by that schema: type the
 * parameter `Infer<typeof Schema>`.
 */
export const PLUGIN_CONFIG = Symbol.for('mcp-host:token:plugin-config');

/** Identity of the loaded plugin generation. Type: `PluginInfo`. */
export const PLUGIN_INFO = Symbol.for('mcp-host:token:plugin-info');

/** Identity of one loaded plugin generation. */
export interface PluginInfo {
  /** The plugin id (`mcpHost.id` in its package.json). */
  readonly id: string;
  /** Package name. */
  readonly name: string;
  /** Package version. */
  readonly version: string;
  /** Absolute path of the plugin folder. */
  readonly root: string;
}

/**
 * Change announcements to connected clients. Type: `HostNotifications`. Use it when what a plugin
 * serves changes without a reload (a file behind a resource changed). To add or remove tools,
 * resources or prompts, use `PLUGIN_ITEMS`: the host announces those changes itself.
 */
export const NOTIFICATIONS = Symbol.for('mcp-host:token:notifications');

/** Announces changes to every client that asked to hear about them, in both protocol eras. */
export interface HostNotifications {
  /** Tells subscribers of `uri` (legacy `resources/subscribe`, modern `resourceSubscriptions`) that it changed. */
  resourceUpdated(uri: string): void;
  /** Tells listening clients that a list changed (`notifications/<kind>/list_changed`). */
  listChanged(kind: 'tools' | 'prompts' | 'resources'): void;
}

/**
 * The running plugin's own items, beside the fixed ones of its definition. Type: `PluginItemsService`.
 * Changing them builds a new catalog revision (name clashes refused, permissions applied) and tells
 * `list_changed` to the clients that can see the change, whether the plugin runs in the host, a
 * worker or a process.
 */
export const PLUGIN_ITEMS = Symbol.for('mcp-host:token:plugin-items');

/**
 * The host's shared context service (values per session, per principal and in shared namespaces).
 * Type: `HostContext`. In a handler, `ctx.context` is the same; inject this for work outside a call.
 */
export const CONTEXT = Symbol.for('mcp-host:token:context');

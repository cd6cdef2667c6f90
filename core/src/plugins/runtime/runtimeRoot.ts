import { CONTEXT, NOTIFICATIONS, PLUGIN_INFO, type HostContext, type HostNotifications, type PluginInfo } from '@mcp-host/sdk';
import type { DependencyContainer } from 'tsyringe';

/** The host services a plugin injects by sdk token, as the runtime it runs in provides them. */
export interface RuntimeServices {
  readonly notifications: HostNotifications;
  /** The shared context service of one plugin (its PLUGIN_INFO names it); absent where the host has none (unit tests). */
  readonly context?: (plugin: PluginInfo) => HostContext;
}

/**
 * The root of a plugin runtime: a child of `parent` — the kernel's root container in-process, the
 * worker's or the process's own container when isolated — that registers the host services
 * plugins inject by sdk token, implemented where the plugin runs: calls into the host in-process,
 * messages that cross to the host when isolated. Each generation's container is a child of it,
 * so a plugin asks for a host service the same way and gets the same behaviour in every mode, and
 * disposing a generation disposes its container and nothing of the root.
 */
export function runtimeRoot(parent: DependencyContainer, services: RuntimeServices): DependencyContainer {
  const root = parent.createChildContainer();
  root.register(NOTIFICATIONS, { useValue: services.notifications });
  // Per generation: resolved from a generation's container, whose PLUGIN_INFO says which plugin asks.
  const context = services.context;
  if (context) root.register(CONTEXT, { useFactory: (c) => context(c.resolve<PluginInfo>(PLUGIN_INFO)) });
  return root;
}

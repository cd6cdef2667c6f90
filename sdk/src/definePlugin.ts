import type { DependencyContainer } from 'tsyringe';
import type { Logger } from 'pino';
import type { PromptDefinition, ResourceDefinition, ResourceTemplateDefinition, ToolDefinition } from './declarations.js';
import { PLUGIN_BRAND } from './metadataKeys.js';
import type { HostNotifications, PluginInfo } from './tokens.js';

/** A class the host can construct through the plugin's container. */
export type PluginClass = new (...args: any[]) => object;

/** Given to `setup`: the plugin's own child container and services, before any class is resolved. */
export interface PluginScope {
  /** The plugin generation's child container: register the plugin's own services here. */
  readonly container: DependencyContainer;
  /** The plugin's config section. */
  readonly config: unknown;
  /** The plugin's logger. */
  readonly logger: Logger;
  /** The plugin's identity. */
  readonly plugin: PluginInfo;
  /** Change announcements to connected clients (also injectable with `@inject(NOTIFICATIONS)`). */
  readonly notifications: HostNotifications;
  /** Registers a clean-up to run when this generation is disposed (last registered runs first). */
  onDispose(fn: () => void | Promise<void>): void;
}

/** What a plugin contributes. Every field is optional; decorated classes and plain objects mix freely. */
export interface PluginOptions {
  /** Classes whose methods carry `@Tool`, `@Resource`, `@ResourceTemplate` or `@Prompt`; each is resolved once from the plugin's container. */
  classes?: PluginClass[];
  /** Tools as plain objects. */
  tools?: ToolDefinition[];
  /** Fixed resources as plain objects. */
  resources?: ResourceDefinition[];
  /** Resource templates as plain objects. */
  resourceTemplates?: ResourceTemplateDefinition[];
  /** Prompts as plain objects. */
  prompts?: PromptDefinition[];
  /** Runs once per generation before classes are resolved: register services, acquire resources (with `onDispose`). */
  setup?(scope: PluginScope): void | Promise<void>;
}

/** A plugin definition: inert data until the host loads it. */
export interface PluginDefinition extends Readonly<PluginOptions> {
  readonly [PLUGIN_BRAND]: true;
}

/**
 * Declares a plugin; its result is the default export of the plugin's entry file. Calling it runs
 * nothing: the host decides when to set up, resolve and serve the plugin.
 */
export function definePlugin(options: PluginOptions): PluginDefinition {
  return Object.freeze({ ...options, [PLUGIN_BRAND]: true as const });
}

/** True when `value` came from `definePlugin` (of any copy of the sdk). */
export function isPluginDefinition(value: unknown): value is PluginDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PLUGIN_BRAND] === true;
}

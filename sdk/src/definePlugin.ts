import type { DependencyContainer } from 'tsyringe';
import type { Logger } from 'pino';
import type { ZodType } from 'zod';
import type { PromptArgumentsLike, PromptDefinition, ToolDefinition } from './declarations.js';
import { PLUGIN_BRAND } from './metadataKeys.js';
import type { PluginItems } from './pluginItems.js';
import type { Infer, SchemaLike } from './schema.js';
import type { HostNotifications, PluginInfo, PluginItemsService } from './tokens.js';

export type { PluginClass, PluginItems } from './pluginItems.js';

type Awaitable<T> = T | Promise<T>;

/** Given to `setup` and `items`: the plugin's own child container and services, before any class is resolved. */
export interface PluginScope<C = unknown> {
  /** The plugin generation's child container: register the plugin's own services here. */
  readonly container: DependencyContainer;
  /** The plugin's config section, parsed by the plugin's `config` schema when it declares one. */
  readonly config: C;
  /** The plugin's logger. */
  readonly logger: Logger;
  /** The plugin's identity. */
  readonly plugin: PluginInfo;
  /** Change announcements to connected clients (also injectable with `@inject(NOTIFICATIONS)`). */
  readonly notifications: HostNotifications;
  /** The plugin's run-time items (also injectable with `@inject(PLUGIN_ITEMS)`). */
  readonly items: PluginItemsService;
  /** Registers a clean-up to run when this generation is disposed (last registered runs first). */
  onDispose(fn: () => void | Promise<void>): void;
}

/** What a plugin contributes. Every field is optional; decorated classes and plain objects mix freely. */
export interface PluginOptions<C extends ZodType | undefined = undefined> extends PluginItems {
  /**
   * The schema of the plugin's config section (`plugins.settings.<id>.config`). The host parses the
   * section with it (async refinements and transforms allowed) before `setup`, and refuses to load
   * the plugin with every problem named by path (MCPH_PLUGIN_BAD_CONFIG); `setup`, `items` and
   * `@inject(PLUGIN_CONFIG)` receive the parsed value.
   */
  config?: C;
  /** Runs once per generation before classes are resolved: register services, acquire resources (with `onDispose`). */
  setup?(scope: PluginScope<ConfigOf<C>>): void | Promise<void>;
  /**
   * The items that depend on the config, called once per generation after `setup` (so it can
   * resolve the services `setup` registered): served beside the fixed ones, and changed later
   * through `scope.items` / `PLUGIN_ITEMS`. Dynamic items belong to one generation: a reload or
   * restart starts again from this provider.
   */
  items?(config: ConfigOf<C>, scope: PluginScope<ConfigOf<C>>): Awaitable<PluginItems>;
}

/** The config value a plugin receives for its `config` schema (`{}` when it declares none). */
export type ConfigOf<C> = [C] extends [ZodType] ? Infer<C> : Record<string, unknown>;

/** A plugin definition: inert data until the host loads it. */
export interface PluginDefinition<C extends ZodType | undefined = any> extends Readonly<PluginOptions<C>> {
  readonly [PLUGIN_BRAND]: true;
}

/**
 * Declares a plugin; its result is the default export of the plugin's entry file. Calling it runs
 * nothing: the host decides when to set up, resolve and serve the plugin. Inline tools and prompts
 * get their handler's arguments typed from their schemas.
 */
export function definePlugin<C extends ZodType | undefined = undefined, const T extends readonly SchemaLike[] = [], const P extends readonly PromptArgumentsLike[] = []>(
  options: Omit<PluginOptions<C>, 'tools' | 'prompts'> & { tools?: { [K in keyof T]: ToolDefinition<T[K]> }; prompts?: { [K in keyof P]: PromptDefinition<P[K]> } },
): PluginDefinition<C> {
  return Object.freeze({ ...options, [PLUGIN_BRAND]: true as const }) as PluginDefinition<C>;
}

/** Types one tool written apart from `definePlugin` (in an `items` provider, a list built at run time): its handler's `args` come from `input`. */
export function defineTool<S extends SchemaLike = any>(tool: ToolDefinition<S>): ToolDefinition<S> {
  return tool;
}

/** Types one prompt written apart from `definePlugin`: its handler's `args` come from a zod `arguments` schema. */
export function definePrompt<S extends PromptArgumentsLike = any>(prompt: PromptDefinition<S>): PromptDefinition<S> {
  return prompt;
}

/** True when `value` came from `definePlugin` (of any copy of the sdk). */
export function isPluginDefinition(value: unknown): value is PluginDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PLUGIN_BRAND] === true;
}

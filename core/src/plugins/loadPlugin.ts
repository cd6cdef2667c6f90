import { pathToFileURL } from 'node:url';
import { isZodSchema, LOGGER, NOTIFICATIONS, PLUGIN_CONFIG, PLUGIN_INFO, PLUGIN_ITEMS, type HostNotifications, type PluginDefinition, type PluginInfo, type PluginItems, type PluginScope } from '@mcp-host/sdk';
import { isPluginDefinition } from '@mcp-host/sdk/internal';
import { configIssuesFromZod } from '@mcp-host/config';
import type { Logger } from 'pino';
import type { DependencyContainer } from 'tsyringe';
import type { PluginBindings, ResourceBinding, SkillBinding } from '../catalog/bindings.js';
import { buildBindings, DeclarationError, SchemaError } from './buildBindings.js';
import { Drain } from './Drain.js';
import { constructFailureFix, explainImportFailure } from './explainImportFailure.js';
import { PluginLoadError, PluginProblemCode } from './PluginProblem.js';
import { PluginItemsState } from './PluginItemsState.js';
import type { PluginManifest } from './readManifest.js';

/** One loaded version of one plugin: its bindings, its child container, and its clean-ups. */
export interface PluginGeneration {
  readonly info: PluginInfo;
  readonly manifest: PluginManifest;
  /** What it serves; replaced (never mutated) when the plugin changes its items at run time. */
  bindings: PluginBindings;
  /**
   * Serves new bindings the plugin published (PLUGIN_ITEMS), set by the supervisor once it serves
   * the generation: it builds a new catalog revision, or throws a PluginLoadError when it refuses them.
   */
  serveBindings?: (next: PluginBindings) => Promise<void>;
  /** What the host added to the plugin's bindings itself (the manifest's skills), kept across the plugin's own changes. */
  hostBindings?: { readonly resources: ResourceBinding[]; readonly skills: SkillBinding[] };
  /** The plugin's logger (a child of the host's, bound to plugin id and version). */
  readonly logger: Logger;
  /** Calls running in this generation (a replaced generation is disposed once they finish). */
  readonly drain: Drain;
  dispose(): Promise<void>;
}

let generationCounter = 0;

export interface LoadPluginOptions {
  /** The runtime root (see runtimeRoot): it provides the host services the plugin may inject. */
  readonly root: DependencyContainer;
  readonly logger: Logger;
  readonly config: unknown;
  readonly prefix?: string;
  /**
   * Where the bindings of a change the plugin made to its items go (default publishBindings): an
   * isolated runtime sends them to the host and resolves with its answer.
   */
  readonly publish?: (generation: PluginGeneration, next: PluginBindings) => Promise<void>;
}

/**
 * Loads one plugin generation: imports its entry, checks the export, sets up its child container,
 * resolves its classes and builds its bindings. Any failure disposes what was acquired so far and
 * throws a PluginLoadError naming the plugin, the step and the cause.
 */
export async function loadPlugin(manifest: PluginManifest, options: LoadPluginOptions): Promise<PluginGeneration> {
  const info: PluginInfo = Object.freeze({ id: manifest.id, name: manifest.packageName, version: manifest.version, root: manifest.dir });
  const fail = (code: PluginProblemCode, message: string, fix: string, cause?: unknown): never => {
    throw new PluginLoadError({ code, pluginId: manifest.id, path: manifest.dir, message, fix, cause });
  };
  const causeText = (e: unknown) => (e instanceof Error ? e.message : String(e));

  let mod: Record<string, unknown>;
  try {
    // Each generation imports its own copy of the plugin's modules (see sdkResolveHooks).
    mod = await import(`${pathToFileURL(manifest.entry).href}?mcp-host-generation=${++generationCounter}`);
  } catch (e) {
    // Only on failure: finds the file, line and column of a syntax error, and names decorator problems.
    const { message, fix } = await explainImportFailure(manifest.entry, e);
    return fail(PluginProblemCode.ImportFailed, message, fix, e);
  }
  const def = mod.default;
  if (!isPluginDefinition(def)) {
    return fail(PluginProblemCode.NotAPlugin, `${manifest.entry} does not default-export a plugin definition`, "end the entry with `export default definePlugin({...})` from '@mcp-host/sdk'");
  }

  const logger = options.logger.child({ plugin: info.id, version: info.version });
  const config = await parseConfig(def, options.config, manifest, fail);
  const items = new PluginItemsState();
  const container = options.root.createChildContainer();
  container.register(LOGGER, { useValue: logger });
  container.register(PLUGIN_CONFIG, { useValue: config });
  container.register(PLUGIN_INFO, { useValue: info });
  container.register(PLUGIN_ITEMS, { useValue: items });

  const drain = new Drain();
  const disposers: Array<() => unknown> = [];
  const dispose = async () => {
    // Clean-ups run last-registered-first, then the container goes, so services outlive their users.
    for (const d of disposers.splice(0).reverse()) {
      try {
        await d();
      } catch (e) {
        logger.error({ err: e }, 'plugin dispose hook failed');
      }
    }
    try {
      await container.dispose();
    } catch (e) {
      logger.error({ err: e }, 'plugin container dispose failed');
    }
  };

  try {
    const scope: PluginScope<unknown> = { container, config, logger, plugin: info, notifications: container.resolve<HostNotifications>(NOTIFICATIONS), items, onDispose: (fn) => void disposers.push(fn) };
    if (def.setup) {
      try {
        await def.setup(scope as never);
      } catch (e) {
        fail(PluginProblemCode.SetupFailed, `setup() threw: ${causeText(e)}`, 'fix the plugin setup (see the cause in the log)', e);
      }
    }
    if (def.items) {
      // The provider's items join any that setup added through scope.items (same-named ones replace them).
      let provided: PluginItems;
      try {
        provided = (await def.items(config as never, scope as never)) ?? {};
      } catch (e) {
        return fail(PluginProblemCode.SetupFailed, `items() threw: ${causeText(e)}`, 'fix the plugin items provider (see the cause in the log)', e);
      }
      await items.add(provided);
    }
    const instances = new Map<Function, object>();
    /** Resolves the classes not resolved yet (a class added at run time is resolved when it is first served). */
    const resolveClasses = (classes: readonly Function[]) => {
      for (const cls of classes) {
        if (instances.has(cls)) continue;
        try {
          instances.set(cls, container.resolve(cls as never));
        } catch (e) {
          fail(PluginProblemCode.ConstructFailed, `constructing ${cls.name} failed: ${causeText(e)}`, constructFailureFix(e), e);
        }
      }
    };
    /** The fixed items of the definition, then the dynamic ones, as bindings; a declaration that cannot be served throws its problem. */
    const build = (dynamic: PluginItems): PluginBindings => {
      const classes = [...new Set([...(def.classes ?? []), ...(dynamic.classes ?? [])])];
      resolveClasses(classes);
      try {
        return buildBindings(mergeItems(def, dynamic), new Map(classes.map((c) => [c, instances.get(c)!])), info, logger, drain, options.prefix);
      } catch (e) {
        if (e instanceof SchemaError) fail(PluginProblemCode.BadSchema, e.message, SchemaError.fix, e.cause);
        if (e instanceof DeclarationError) fail(PluginProblemCode.BadDeclaration, e.message, 'fix the declaration', e);
        throw e;
      }
    };
    const generation: PluginGeneration = { info, manifest, bindings: build(items.current), logger, drain, dispose };
    const publish = options.publish ?? publishBindings;
    items.serveWith((next) => publish(generation, build(next)));
    return generation;
  } catch (e) {
    await dispose();
    throw e;
  }
}

/** The definition's fixed items followed by the dynamic ones. */
function mergeItems(def: PluginDefinition, dynamic: PluginItems): PluginItems {
  const both = <T>(a: readonly T[] | undefined, b: readonly T[] | undefined) => [...(a ?? []), ...(b ?? [])];
  return { tools: both(def.tools, dynamic.tools), resources: both(def.resources, dynamic.resources), resourceTemplates: both(def.resourceTemplates, dynamic.resourceTemplates), prompts: both(def.prompts, dynamic.prompts) };
}

/**
 * The plugin's config section parsed by its `config` schema (async refinements allowed), or as
 * given when it declares none. Every problem is named by its path in the host config, as the
 * host config's own are, so the operator sees the line to fix.
 */
async function parseConfig(def: PluginDefinition, raw: unknown, manifest: PluginManifest, fail: (code: PluginProblemCode, message: string, fix: string, cause?: unknown) => never): Promise<unknown> {
  if (def.config === undefined) return raw ?? {};
  if (!isZodSchema(def.config)) return fail(PluginProblemCode.BadDeclaration, 'definePlugin({ config }) must be a zod schema', 'give config a zod schema (z.object({...}))');
  const parsed = await def.config.safeParseAsync(raw ?? {});
  if (parsed.success) return parsed.data;
  const base = `plugins.settings.${/^[A-Za-z_$][\w$-]*$/.test(manifest.id) ? manifest.id : `[${JSON.stringify(manifest.id)}]`}.config`;
  const lines = configIssuesFromZod(parsed.error).map((i) => `${i.path ? `${base}${i.path.startsWith('[') ? '' : '.'}${i.path}` : base}: ${i.message}`);
  return fail(PluginProblemCode.BadConfig, `invalid config: ${lines.join('; ')}`, `correct ${base} in the host config (see the plugin's README for its settings)`);
}

/**
 * Serves a generation's new bindings after the plugin changed its items: through the supervisor
 * when it serves the generation (a new catalog revision, or a refusal that throws), else by
 * replacing them (a generation not served yet is read when it is). What the host added itself
 * (the manifest's skills) is kept.
 */
export async function publishBindings(generation: PluginGeneration, next: PluginBindings): Promise<void> {
  const extra = generation.hostBindings;
  const merged: PluginBindings = extra ? { ...next, resources: [...next.resources, ...extra.resources], skills: extra.skills } : next;
  if (generation.serveBindings) await generation.serveBindings(merged);
  else generation.bindings = merged;
}

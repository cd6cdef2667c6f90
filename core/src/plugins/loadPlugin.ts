import { pathToFileURL } from 'node:url';
import { isPluginDefinition, LOGGER, NOTIFICATIONS, PLUGIN_CONFIG, PLUGIN_INFO, type HostNotifications, type PluginInfo, type PluginScope } from '@mcp-host/sdk';
import type { Logger } from 'pino';
import type { DependencyContainer } from 'tsyringe';
import type { PluginBindings } from '../catalog/bindings.js';
import { buildBindings, DeclarationError, SchemaError } from './buildBindings.js';
import { Drain } from './Drain.js';
import { constructFailureFix, explainImportFailure } from './explainImportFailure.js';
import { PluginLoadError, PluginProblemCode } from './PluginProblem.js';
import type { PluginManifest } from './readManifest.js';

/** One loaded version of one plugin: its bindings, its child container, and its clean-ups. */
export interface PluginGeneration {
  readonly info: PluginInfo;
  readonly manifest: PluginManifest;
  readonly bindings: PluginBindings;
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
  const container = options.root.createChildContainer();
  container.register(LOGGER, { useValue: logger });
  container.register(PLUGIN_CONFIG, { useValue: options.config ?? {} });
  container.register(PLUGIN_INFO, { useValue: info });

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
    if (def.setup) {
      const scope: PluginScope = { container, config: options.config ?? {}, logger, plugin: info, notifications: container.resolve<HostNotifications>(NOTIFICATIONS), onDispose: (fn) => void disposers.push(fn) };
      try {
        await def.setup(scope);
      } catch (e) {
        fail(PluginProblemCode.SetupFailed, `setup() threw: ${causeText(e)}`, 'fix the plugin setup (see the cause in the log)', e);
      }
    }
    const instances = new Map<Function, object>();
    for (const cls of def.classes ?? []) {
      try {
        instances.set(cls, container.resolve(cls as never));
      } catch (e) {
        fail(PluginProblemCode.ConstructFailed, `constructing ${cls.name} failed: ${causeText(e)}`, constructFailureFix(e), e);
      }
    }
    let bindings: PluginBindings;
    try {
      bindings = buildBindings(def, instances, info, logger, drain, options.prefix);
    } catch (e) {
      if (e instanceof SchemaError) fail(PluginProblemCode.BadSchema, e.message, SchemaError.fix, e.cause);
      if (e instanceof DeclarationError) fail(PluginProblemCode.BadDeclaration, e.message, 'fix the declaration', e);
      throw e;
    }
    return { info, manifest, bindings: bindings!, logger, drain, dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}

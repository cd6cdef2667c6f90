import path from 'node:path';
import { ConfigError, type ConfigIssue } from './ConfigError.js';
import type { ConfigOverrides } from './ConfigOverrides.js';
import { configIssuesFromZod } from './configIssuesFromZod.js';
import { embeddedDefaultConfig } from './defaultConfig.js';
import { envOverrides } from './envOverrides.js';
import { configLayerSchema, hostConfigSchema, type HostConfig } from './hostConfigSchema.js';
import { mergeConfig } from './mergeConfig.js';
import { readConfigFile } from './readConfigFile.js';

export interface LoadConfigOptions {
  /** Config file (YAML or JSON), relative to `cwd`. Without one, the embedded default is used. */
  file?: string;
  /** Command-line flags; relative `plugins.paths` are resolved against `cwd`. */
  flags?: ConfigOverrides;
  /** Where `MCP_HOST_*` variables are read from; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
  /** Base for relative paths in `file`, `flags` and `MCP_HOST_PLUGINS`; `process.cwd()` by default. */
  cwd?: string;
}

interface Layer {
  label: string;
  value: unknown;
}

/**
 * Builds the host configuration from, lowest precedence first: schema defaults, the embedded
 * default (only when no file is given — a file replaces it entirely, so a user's file never
 * inherits the example plugins), the file, the flags, the `MCP_HOST_*` environment.
 *
 * Objects merge key by key; arrays replace. In particular `plugins.paths` from flags replaces the
 * file's (or the embedded default's) list instead of adding to it, so `--plugin ./mine` runs only
 * that plugin; `MCP_HOST_PLUGINS` in turn replaces the flags' list.
 *
 * Each layer is validated on its own before merging, which is possible because every key has a
 * default: this way each issue is reported against the layer that caused it (the file's path,
 * `flags` or `environment`), and all of them are reported at once in one `ConfigError`. The few
 * rules that span layers (a `cluster` needs its Redis URL and `protocol.requestStateSecret`,
 * wherever each is given) are checked on the merged config.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<HostConfig> {
  const cwd = options.cwd ?? process.cwd();
  const file = options.file === undefined ? undefined : path.resolve(cwd, options.file);

  const layers: Layer[] = [
    file === undefined
      ? { label: 'embedded default', value: embeddedDefaultConfig() }
      : { label: file, value: await readConfigFile(file) },
  ];
  if (options.flags) layers.push({ label: 'flags', value: resolveFlagPaths(options.flags, cwd) });
  layers.push({ label: 'environment', value: envOverrides(options.env ?? process.env, cwd) });

  const failures = layers.flatMap((layer) => {
    const result = configLayerSchema.safeParse(layer.value);
    return result.success ? [] : [{ label: layer.label, issues: configIssuesFromZod(result.error) }];
  });
  if (failures.length > 0) {
    const several = failures.length > 1;
    const issues: ConfigIssue[] = failures.flatMap(({ label, issues }) =>
      several ? issues.map((issue) => ({ ...issue, message: `${issue.message} (in ${label})` })) : issues,
    );
    const fileFailed = failures.some((failure) => failure.label === file);
    throw new ConfigError(`invalid config ${failures.map((failure) => failure.label).join(', ')}`, issues, {
      file: fileFailed ? file : undefined,
    });
  }

  const merged = layers.reduce<unknown>((acc, layer) => mergeConfig(acc, layer.value), {});
  const result = hostConfigSchema.safeParse(merged);
  // What only the layers together must satisfy: a cluster's Redis URL, and its shared secret.
  if (!result.success) throw new ConfigError(`invalid config (${layers.map((l) => l.label).join(' + ')} together)`, configIssuesFromZod(result.error));
  return result.data;
}

function resolveFlagPaths(flags: ConfigOverrides, cwd: string): ConfigOverrides {
  const paths = flags.plugins?.paths;
  if (!Array.isArray(paths)) return flags;
  return { ...flags, plugins: { ...flags.plugins, paths: paths.map((entry: unknown) => (typeof entry === 'string' ? path.resolve(cwd, entry) : entry)) } } as ConfigOverrides;
}

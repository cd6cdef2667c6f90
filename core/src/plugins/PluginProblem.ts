import type { BoundGeneration } from '../catalog/bindings.js';
import type { NameClash } from '../catalog/Catalog.js';
/**
 * The catalogue of plugin problems. Every problem names the plugin (when known), the path, what is
 * wrong and how to fix it; a plugin with problems is skipped and the host serves the rest.
 */
export const PluginProblemCode = {
  PathNotFound: 'MCPH_PLUGIN_PATH_NOT_FOUND',
  NoManifest: 'MCPH_PLUGIN_NO_MANIFEST',
  BadManifest: 'MCPH_PLUGIN_BAD_MANIFEST',
  EngineMismatch: 'MCPH_PLUGIN_ENGINE_MISMATCH',
  EntryMissing: 'MCPH_PLUGIN_ENTRY_MISSING',
  ImportFailed: 'MCPH_PLUGIN_IMPORT_FAILED',
  NotAPlugin: 'MCPH_PLUGIN_NOT_A_PLUGIN',
  SetupFailed: 'MCPH_PLUGIN_SETUP_FAILED',
  ConstructFailed: 'MCPH_PLUGIN_CONSTRUCT_FAILED',
  BadDeclaration: 'MCPH_PLUGIN_BAD_DECLARATION',
  /** A tool's input or output JSON Schema does not compile (the message names the tool and Ajv's error). */
  BadSchema: 'MCPH_PLUGIN_BAD_SCHEMA',
  DuplicateName: 'MCPH_PLUGIN_DUPLICATE_NAME',
  DuplicateId: 'MCPH_PLUGIN_DUPLICATE_ID',
  VersionPinned: 'MCPH_PLUGIN_VERSION_PINNED',
  NotNewer: 'MCPH_PLUGIN_NOT_NEWER',
  BreakingChange: 'MCPH_PLUGIN_BREAKING_CHANGE',
} as const;
export type PluginProblemCode = (typeof PluginProblemCode)[keyof typeof PluginProblemCode];

export interface PluginProblem {
  readonly code: PluginProblemCode;
  /** The plugin id when the manifest got that far. */
  readonly pluginId?: string;
  /** The plugin folder (or file) the problem is about. */
  readonly path: string;
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
  readonly cause?: unknown;
}

/** One line for logs and the CLI: `[code] plugin "id" (path): message — fix: …`. */
export function formatProblem(p: PluginProblem): string {
  const who = p.pluginId ? `plugin "${p.pluginId}" (${p.path})` : p.path;
  return `[${p.code}] ${who}: ${p.message} — fix: ${p.fix}`;
}

/** Thrown for a problem that stops one plugin's load; carries the problem record. */
export class PluginLoadError extends Error {
  constructor(readonly problem: PluginProblem) {
    super(formatProblem(problem), { cause: problem.cause });
    this.name = 'PluginLoadError';
  }
}

/** The problem of a generation the catalog left out because its names collide with another's. */
export function nameClashProblem(clash: NameClash<BoundGeneration>): PluginProblem {
  const { info } = clash.generation;
  return {
    code: PluginProblemCode.DuplicateName,
    pluginId: info.id,
    path: info.root,
    message: `name collision: ${clash.detail}`,
    fix: `give one plugin a prefix in the config (plugins.settings.${info.id}.prefix) or rename`,
  };
}

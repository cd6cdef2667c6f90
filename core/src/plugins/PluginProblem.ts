import type { BoundGeneration } from '../catalog/bindings.js';
import type { NameClash } from '../catalog/Catalog.js';
import { PluginProblemCode } from '../errors/codes.js';
export { PluginProblemCode };

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

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import semver from 'semver';
import { contextNamespaceSchema, NAMESPACE_PATTERN, type ContextNamespaceConfig } from '@mcp-host/config';
import { z } from 'zod';
import { PluginProblemCode, type PluginProblem } from './PluginProblem.js';

/** A plugin's package.json, checked. */
export interface PluginManifest {
  readonly dir: string;
  readonly id: string;
  readonly packageName: string;
  readonly version: string;
  readonly engineRange: string;
  /** Absolute path of the entry module. */
  readonly entry: string;
  /** Skill folders the package declares (`mcpHost.skills`), absolute; the host reads them itself. */
  readonly skills: readonly SkillDeclaration[];
  /** Shared-context namespaces the package declares (`mcpHost.context.namespaces`), checked. */
  readonly contextNamespaces: Readonly<Record<string, ContextNamespaceConfig>>;
}

/** One declared skill folder, and who may see it (as a declaration's `scopes`/`roles`). */
export interface SkillDeclaration {
  readonly dir: string;
  readonly scopes?: readonly string[];
  readonly roles?: readonly string[];
}

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * Reads and checks one plugin's package.json without loading any of its code, collecting every
 * problem rather than stopping at the first.
 */
export async function readManifest(dir: string, hostVersion: string): Promise<{ manifest?: PluginManifest; problems: PluginProblem[] }> {
  const file = join(dir, 'package.json');
  let pkg: Record<string, any>;
  try {
    pkg = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    return {
      problems: [
        {
          code: missing ? PluginProblemCode.NoManifest : PluginProblemCode.BadManifest,
          path: dir,
          message: missing ? 'no package.json' : `package.json is not valid JSON (${(cause as Error).message})`,
          fix: missing ? 'add a package.json with name, version, engines["mcp-host"] and mcpHost.id' : 'fix the JSON syntax of package.json',
          cause,
        },
      ],
    };
  }
  if (typeof pkg !== 'object' || pkg === null || Array.isArray(pkg)) pkg = {};
  const problems: PluginProblem[] = [];
  const id: unknown = pkg.mcpHost?.id;
  const pluginId = typeof id === 'string' ? id : undefined;
  const bad = (message: string, fix: string, code: PluginProblemCode = PluginProblemCode.BadManifest) =>
    problems.push({ code, pluginId, path: dir, message, fix });

  if (typeof pkg.name !== 'string' || pkg.name === '') bad('package.json has no "name"', 'add "name", e.g. "@acme/mcp-weather"');
  if (typeof pkg.version !== 'string' || !semver.valid(pkg.version)) bad(`"version" ${JSON.stringify(pkg.version)} is not a semver version`, 'set "version" to e.g. "1.0.0"');
  if (pluginId === undefined) bad('package.json has no "mcpHost.id"', 'add "mcpHost": { "id": "<plugin-id>" }');
  else if (!ID_PATTERN.test(pluginId)) bad(`"mcpHost.id" "${pluginId}" is not a valid plugin id`, 'use lowercase letters, digits, ".", "_" or "-" (at most 64, starting with a letter or digit)');

  const range: unknown = pkg.engines?.['mcp-host'];
  if (typeof range !== 'string') bad('package.json has no "engines"."mcp-host" range', `add "engines": { "mcp-host": "^${semver.major(hostVersion)}.0.0" }`);
  else if (!semver.validRange(range)) bad(`"engines"."mcp-host" "${range}" is not a semver range`, `use a range such as "^${semver.major(hostVersion)}.0.0"`);
  else if (!semver.satisfies(hostVersion, range, { includePrerelease: true }))
    bad(`requires mcp-host ${range}, this host is ${hostVersion}`, 'install a plugin version built for this host, or upgrade the host', PluginProblemCode.EngineMismatch);

  const main = typeof pkg.main === 'string' ? pkg.main : 'index.js';
  const entry = resolve(dir, main);
  if (!existsSync(entry)) bad(`entry file ${main} does not exist`, pkg.scripts?.build ? "build the plugin (its package.json has a build script)" : 'set "main" to the entry module', PluginProblemCode.EntryMissing);

  const skills = readSkillDeclarations(pkg.mcpHost?.skills, dir, bad);
  const contextNamespaces = readContextNamespaces(pkg.mcpHost?.context, bad);

  if (problems.length > 0) return { problems };
  return {
    manifest: { dir, id: pluginId!, packageName: pkg.name, version: pkg.version, engineRange: range as string, entry, skills, contextNamespaces },
    problems,
  };
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** `mcpHost.skills`: folders inside the package, each a path or `{ path, scopes?, roles? }`. */
function readSkillDeclarations(value: unknown, dir: string, bad: (message: string, fix: string) => void): SkillDeclaration[] {
  if (value === undefined) return [];
  const fix = 'set "mcpHost.skills" to folders inside the package, e.g. ["skills/notes-search"] or [{ "path": "skills/x", "scopes": ["notes:read"] }]';
  if (!Array.isArray(value)) {
    bad('"mcpHost.skills" is not an array', fix);
    return [];
  }
  const out: SkillDeclaration[] = [];
  for (const entry of value) {
    const path = typeof entry === 'string' ? entry : entry?.path;
    const { scopes, roles } = typeof entry === 'object' && entry !== null ? entry : ({} as Record<string, unknown>);
    const abs = typeof path === 'string' ? resolve(dir, path) : undefined;
    if (!abs || relative(dir, abs).startsWith('..') || isAbsolute(relative(dir, abs)) || abs === dir) bad(`"mcpHost.skills" entry ${JSON.stringify(entry)} is not a folder inside the package`, fix);
    else if ((scopes !== undefined && !isStrings(scopes)) || (roles !== undefined && !isStrings(roles))) bad(`"mcpHost.skills" entry ${JSON.stringify(path)}: scopes and roles must be arrays of strings`, fix);
    else out.push({ dir: abs, ...(scopes ? { scopes: scopes as string[] } : {}), ...(roles ? { roles: roles as string[] } : {}) });
  }
  return out;
}

const contextDeclaration = z.object({ namespaces: z.record(z.string().regex(NAMESPACE_PATTERN), contextNamespaceSchema).default({}) }).strict();

/** `mcpHost.context`: `{ namespaces: { <name>: { read?, write?, schema?, maxKeys?, maxBytes?, description? } } }`. */
function readContextNamespaces(value: unknown, bad: (message: string, fix: string) => void): Record<string, ContextNamespaceConfig> {
  if (value === undefined) return {};
  const parsed = contextDeclaration.safeParse(value);
  if (parsed.success) return parsed.data.namespaces;
  const where = parsed.error.issues.map((i) => `${['mcpHost', 'context', ...i.path].join('.')}: ${i.message}`).join('; ');
  bad(`"mcpHost.context" is not a valid declaration (${where})`, 'declare { "namespaces": { "<name>": { "read": { "scopes": [...] }, "write": { "roles": [...] }, "schema": {...} } } }; names are lowercase letters, digits, ".", "_" or "-"');
  return {};
}

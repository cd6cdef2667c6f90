import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { authorKitPaths, type AuthorKitPaths } from './authorKitPaths.js';
import { pluginPackageJson } from './pluginPackageJson.js';

/** The template folders, shipped beside core's dist (core/templates/plugin-ts, plugin-js). */
const TEMPLATES = fileURLToPath(new URL('../../../templates/', import.meta.url));

export interface ScaffoldOptions {
  readonly dir: string;
  readonly language: 'ts' | 'js';
  readonly hostVersion: string;
  /** Where the author kit's packages are (default: this checkout's). */
  readonly kit?: AuthorKitPaths;
}

/** A scaffold that cannot be written (the folder is not empty, or no author kit is found). */
export class ScaffoldError extends Error {}

/** A plugin id from a folder name: lowercase, the characters the manifest check allows. */
export function pluginIdOf(dir: string): string {
  const id = basename(resolve(dir)).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 64);
  return id || 'my-plugin';
}

/**
 * Writes a new plugin into `dir` (which must be empty or absent): the template of the language,
 * with its id, package name and the host's engine range filled in, and a package.json whose
 * dependencies on the author kit point at this checkout. Returns the files written.
 */
export async function scaffoldPlugin(options: ScaffoldOptions): Promise<string[]> {
  const dir = resolve(options.dir);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new ScaffoldError(`${dir} is not empty: choose a new folder`);
  const id = pluginIdOf(dir);
  const name = `mcp-plugin-${id}`;
  const vars: Record<string, string> = { id, name };
  const written: string[] = [];
  const copy = async (from: string, to: string) => {
    await mkdir(to, { recursive: true });
    for (const entry of await readdir(from, { withFileTypes: true })) {
      // npm drops files named .gitignore from packages, so the template keeps it as `gitignore`.
      const target = join(to, entry.name === 'gitignore' ? '.gitignore' : entry.name);
      if (entry.isDirectory()) await copy(join(from, entry.name), target);
      else {
        const text = await readFile(join(from, entry.name), 'utf8');
        await writeFile(target, text.replace(/\{\{(\w+)\}\}/g, (m, key: string) => vars[key] ?? m));
        written.push(target);
      }
    }
  };
  const template = join(TEMPLATES, `plugin-${options.language}`);
  if (!existsSync(template)) throw new ScaffoldError(`the plugin template ${template} is missing from this mcp-host installation`);
  await copy(template, dir);
  const engine = `^${semver.major(options.hostVersion)}.0.0`;
  const pkg = pluginPackageJson({ name, id, engine, language: options.language, kit: options.kit ?? authorKitPaths() });
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  written.push(join(dir, 'package.json'));
  return written;
}

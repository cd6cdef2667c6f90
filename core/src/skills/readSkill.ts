import { createHash } from 'node:crypto';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { PluginInfo } from '@mcp-host/sdk';
import type { Logger } from 'pino';
import type { DeclaredPolicy, DirectoryEntry, ResourceBinding, SkillBinding, SkillFile } from '../catalog/bindings.js';
import { parseFrontmatter } from './parseFrontmatter.js';
import { mimeTypeOf } from './mimeTypeOf.js';

/** The SEP's bounds on one skill: files (SKILL.md included) and total bytes. */
export const MAX_SKILL_FILES = 512;
export const MAX_SKILL_BYTES = 16 * 1024 * 1024;
/** The Agent Skills naming rule: 1–64 lowercase letters, digits and single hyphens, not at either end. */
const NAME = /^(?!.*--)[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$/;
export const DIRECTORY_MIME_TYPE = 'inode/directory';

export interface SkillSource {
  /** The skill's folder (absolute). */
  readonly dir: string;
  /** The authority of its URIs: the plugin id. */
  readonly authority: string;
  readonly plugin: PluginInfo;
  readonly logger: Logger;
  /** Who may see it (the manifest's scopes and roles for this skill). */
  readonly declared?: DeclaredPolicy;
}

/** A problem that makes a skill folder unservable; the generation fails to load with it. */
export class SkillError extends Error {}

const encodePath = (rel: string) => rel.split('/').map(encodeURIComponent).join('/');

/**
 * Reads one skill folder once, at load: every file's bytes, SHA-256 digest and size, the
 * frontmatter of its SKILL.md, and its directory tree. Files become resource bindings under
 * `skill://<plugin id>/<name>/…` that serve the bytes read here (a changed file is served after the
 * next reload, as any change of a plugin). Symbolic links and dot-files are not part of a skill.
 */
export async function readSkill(source: SkillSource): Promise<{ skill: SkillBinding; resources: ResourceBinding[] }> {
  const { dir, authority, plugin, logger, declared } = source;
  const folder = basename(dir);
  let skillMdText: string;
  try {
    skillMdText = await readFile(join(dir, 'SKILL.md'), 'utf8');
  } catch (e) {
    throw new SkillError(`skill folder ${dir} has no readable SKILL.md (${(e as Error).message})`);
  }
  const frontmatter = parseFrontmatter(skillMdText);
  if (!frontmatter) throw new SkillError(`${dir}/SKILL.md does not begin with YAML frontmatter (--- … ---)`);
  const { name, description } = frontmatter;
  if (typeof name !== 'string' || typeof description !== 'string' || description === '') throw new SkillError(`${dir}/SKILL.md: the frontmatter needs "name" and "description" (strings)`);
  if (!NAME.test(name)) throw new SkillError(`${dir}/SKILL.md: name ${JSON.stringify(name)} breaks the naming rules (1-64 lowercase letters, digits and single hyphens)`);
  if (name !== folder) throw new SkillError(`${dir}/SKILL.md: name ${JSON.stringify(name)} must equal its folder's name ${JSON.stringify(folder)}`);

  const root = `skill://${authority}/${name}`;
  const skillMdUri = `${root}/SKILL.md`;
  const files: Array<SkillFile & { rel: string; bytes: Buffer }> = [];
  const directories = new Map<string, DirectoryEntry[]>();
  let total = 0;

  async function walk(abs: string, rel: string): Promise<void> {
    const dirUri = rel ? `${root}/${encodePath(rel)}` : root;
    const children: DirectoryEntry[] = [];
    directories.set(dirUri, children);
    const entries = (await readdir(abs)).filter((n) => !n.startsWith('.')).sort();
    for (const entry of entries) {
      const childAbs = join(abs, entry);
      const childRel = rel ? `${rel}/${entry}` : entry;
      const stat = await lstat(childAbs);
      if (stat.isDirectory()) {
        children.push({ uri: `${root}/${encodePath(childRel)}`, name: entry, mimeType: DIRECTORY_MIME_TYPE });
        await walk(childAbs, childRel);
      } else if (stat.isFile()) {
        if (files.length >= MAX_SKILL_FILES) throw new SkillError(`skill ${name} has more than ${MAX_SKILL_FILES} files`);
        total += stat.size;
        if (total > MAX_SKILL_BYTES) throw new SkillError(`skill ${name} is over ${MAX_SKILL_BYTES} bytes`);
        const bytes = await readFile(childAbs);
        const uri = `${root}/${encodePath(childRel)}`;
        files.push({ uri, rel: childRel, bytes, size: bytes.length, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` });
        children.push({ uri, name: entry, mimeType: mimeTypeOf(childRel) });
      }
    }
  }
  await walk(dir, '');
  // SKILL.md first: the skill's own entry leads its resources.
  files.sort((a, b) => (a.uri === skillMdUri ? -1 : b.uri === skillMdUri ? 1 : a.uri < b.uri ? -1 : 1));

  const resources: ResourceBinding[] = files.map((f) => {
    const mimeType = mimeTypeOf(f.rel);
    const isSkillMd = f.uri === skillMdUri;
    const content = mimeType.startsWith('text/') || mimeType === 'application/json' ? { text: f.bytes.toString('utf8') } : { blob: f.bytes.toString('base64') };
    const result = { contents: [{ uri: f.uri, mimeType, ...content }] };
    const descriptor = { uri: f.uri, name: isSkillMd ? name : f.rel, ...(isSkillMd ? { description } : {}), mimeType, size: f.size };
    return { kind: 'resource', uri: f.uri, cache: undefined, plugin, logger, declared, descriptor, read: async () => result } satisfies ResourceBinding;
  });
  const skill: SkillBinding = {
    kind: 'skill',
    uri: skillMdUri,
    name,
    plugin,
    frontmatter,
    files: files.map(({ uri, digest, size }) => ({ uri, digest, size })),
    skillMd: resources[0]!,
    directories,
  };
  return { skill, resources };
}

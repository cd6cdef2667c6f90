import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { readSkill, type SkillSource } from './readSkill.js';

const plugin = { id: 'p', name: 'p', version: '1.0.0', root: '/nowhere' };
const logger = pino({ level: 'silent' });
let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

function skill(name: string, skillMd: string, files: Record<string, string> = {}): SkillSource {
  root = mkdtempSync(join(tmpdir(), 'mcp-host-readskill-'));
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'SKILL.md'), skillMd);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return { dir, authority: 'p', plugin, logger };
}
const md = (front: string) => `---\n${front}\n---\nbody\n`;

describe('readSkill', () => {
  it('reads the frontmatter (YAML 1.2: a date stays a string), every file but dot-files, and the tree', async () => {
    const { skill: s, resources } = await readSkill(skill('demo', md('name: demo\ndescription: d\ncreated: 2026-01-01'), { 'a/b.txt': 'b', '.hidden': 'h' }));
    expect(s.frontmatter).toEqual({ name: 'demo', description: 'd', created: '2026-01-01' });
    expect(s.files.map((f) => f.uri)).toEqual(['skill://p/demo/SKILL.md', 'skill://p/demo/a/b.txt']);
    expect(resources.map((r) => r.descriptor.mimeType)).toEqual(['text/markdown', 'text/plain']);
    expect([...s.directories.keys()]).toEqual(['skill://p/demo', 'skill://p/demo/a']);
  });

  it('does not follow symbolic links out of the skill', async () => {
    const source = skill('demo', md('name: demo\ndescription: d'));
    symlinkSync('/etc/passwd', join(source.dir, 'passwd'));
    expect((await readSkill(source)).skill.files.map((f) => f.uri)).toEqual(['skill://p/demo/SKILL.md']);
  });

  it.each([
    ['no frontmatter', 'demo', '# just markdown', /does not begin with YAML frontmatter/],
    ['no description', 'demo', md('name: demo'), /needs "name" and "description"/],
    ['a name against the naming rules', 'Demo', md('name: Demo\ndescription: d'), /naming rules/],
    ['a name other than its folder', 'demo', md('name: other\ndescription: d'), /must equal its folder/],
    ['YAML that is not a mapping', 'demo', md('- a\n- b'), /does not begin with YAML frontmatter/],
  ])('refuses a SKILL.md with %s', async (_what, name, text, error) => {
    await expect(readSkill(skill(name, text))).rejects.toThrow(error);
  });
});

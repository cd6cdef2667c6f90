import { parse } from 'yaml';

/** The leading `---` block of a Markdown file (a BOM allowed before it), as Agent Skills and SEP-2640 define it. */
const BLOCK = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** The YAML frontmatter of a SKILL.md as an object, or undefined when there is none or it is not a mapping. */
export function parseFrontmatter(text: string): Record<string, unknown> | undefined {
  const m = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).match(BLOCK);
  if (!m) return undefined;
  let value: unknown;
  try {
    // YAML 1.2 core schema: no implicit dates, so the object is what any YAML 1.2 reader of the file sees.
    value = parse(m[1]!, { maxAliasCount: 100 });
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveFilesystemConfig, type FilesystemSettings } from './config.js';

export const BINARY = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0xff, 0xfe]);

/**
 * The tree the read and search tests share: text, binary, oversized and UTF-8 files, nested
 * sources, ignored folders (node_modules, dot-folders), a file outside the root and a symlink
 * that escapes it; one read-only root with a 200-byte read limit.
 */
export async function makeFixtureTree(prefix: string): Promise<{ scratch: string; root: string; settings: FilesystemSettings }> {
  const scratch = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
  const root = path.join(scratch, 'root');
  for (const dir of ['src/lib', 'node_modules/dep', '.hidden']) mkdirSync(path.join(root, dir), { recursive: true });
  writeFileSync(path.join(root, 'notes.txt'), 'alpha\nBeta gamma\nneedle here\n');
  writeFileSync(path.join(root, 'image.png'), BINARY);
  writeFileSync(path.join(root, 'big.txt'), 'x'.repeat(300));
  writeFileSync(path.join(root, 'utf8.txt'), 'héllo wörld');
  writeFileSync(path.join(root, 'src/main.ts'), 'export const needle = 1;\n');
  writeFileSync(path.join(root, 'src/lib/util.ts'), '// Needle in a comment\nexport {};\n');
  writeFileSync(path.join(root, 'src/lib/data.json'), '{"needle": true}\n');
  writeFileSync(path.join(root, 'node_modules/dep/index.ts'), 'needle in a dependency\n');
  writeFileSync(path.join(root, '.hidden/conf.ts'), 'hidden needle\n');
  writeFileSync(path.join(scratch, 'outside.ts'), 'needle outside\n');
  symlinkSync(scratch, path.join(root, 'up'));
  const settings = await resolveFilesystemConfig({ roots: [{ path: root }], maxReadBytes: 200 }, scratch);
  return { scratch, root, settings };
}

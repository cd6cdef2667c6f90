import { relative, resolve } from 'node:path';
import { HOST_VERSION } from '../version.js';
import { scaffoldPlugin } from './scaffold/scaffoldPlugin.js';

/** `mcp-host new plugin <dir>`: writes the plugin and returns what to print (the files and the next steps). */
export async function runNewPlugin(dir: string, language: 'ts' | 'js'): Promise<string> {
  const files = await scaffoldPlugin({ dir, language, hostVersion: HOST_VERSION });
  const at = resolve(dir);
  const shown = relative(process.cwd(), at) || '.';
  return [
    `created a ${language === 'ts' ? 'TypeScript' : 'JavaScript'} plugin in ${at}:`,
    ...files.map((f) => `  ${relative(at, f)}`),
    '',
    'next:',
    `  cd ${shown}`,
    '  pnpm install        # the author kit is linked from this mcp-host checkout (build it first: pnpm build)',
    ...(language === 'ts' ? ['  pnpm test           # builds, then unit tests and a real host'] : ['  pnpm test           # unit tests and a real host']),
    `  pnpm dev            # serves it on http://127.0.0.1:3000/mcp${language === 'ts' ? ', compiles and reloads on save' : ', reloads on save'}`,
    '',
    'the guide: docs/plugins.md in the mcp-host repository',
    '',
  ].join('\n');
}

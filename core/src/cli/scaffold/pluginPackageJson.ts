import type { AuthorKitPaths } from './authorKitPaths.js';

/**
 * Versions of the tools a scaffolded plugin installs from npm: the ones this repository builds and
 * tests with (kept in step with the root and sdk package.json files; the e2e test installs them).
 */
export const TOOL_VERSIONS = { typescript: '7.0.2', vitest: '4.1.12', zod: '4.6.7', '@types/node': '^20.19.0' } as const;

export interface PluginPackageOptions {
  readonly name: string;
  readonly id: string;
  /** The `engines["mcp-host"]` range: the host major this plugin is written for. */
  readonly engine: string;
  readonly language: 'ts' | 'js';
  readonly kit: AuthorKitPaths;
}

/** The package.json of a scaffolded plugin: manifest fields the host checks, scripts, and the author kit linked from the checkout. */
export function pluginPackageJson({ name, id, engine, language, kit }: PluginPackageOptions): Record<string, unknown> {
  const ts = language === 'ts';
  return {
    name,
    version: '0.1.0',
    private: true,
    description: `An mcp-host plugin (id ${id}).`,
    type: 'module',
    main: ts ? 'dist/index.js' : 'index.js',
    engines: { 'mcp-host': engine },
    mcpHost: { id },
    scripts: {
      ...(ts ? { build: 'tsc -p tsconfig.json' } : {}),
      dev: 'mcp-host dev .',
      start: 'mcp-host --plugins .',
      test: ts ? 'tsc -p tsconfig.json && vitest run' : 'vitest run',
    },
    // The host provides the sdk to a plugin at run time; the peer range says which major it needs.
    peerDependencies: { '@mcp-host/sdk': engine },
    devDependencies: {
      '@mcp-host/core': `link:${kit.core}`,
      '@mcp-host/sdk': `link:${kit.sdk}`,
      '@mcp-host/testing': `link:${kit.testing}`,
      ...(ts ? { '@types/node': TOOL_VERSIONS['@types/node'], typescript: TOOL_VERSIONS.typescript, zod: TOOL_VERSIONS.zod } : {}),
      vitest: TOOL_VERSIONS.vitest,
    },
  };
}

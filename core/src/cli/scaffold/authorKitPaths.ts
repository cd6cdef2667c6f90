import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The folders of the packages a plugin outside this repository builds and tests against. */
export interface AuthorKitPaths {
  /** @mcp-host/sdk: types and decorators for the compiler (the host supplies its own copy at run time). */
  readonly sdk: string;
  /** @mcp-host/testing: startTestHost and createToolContext. */
  readonly testing: string;
  /** @mcp-host/core: the `mcp-host` command the plugin's scripts and tests run. */
  readonly core: string;
}

/**
 * The author kit of the checkout this host runs from. None of these packages is on a registry, so a
 * scaffolded plugin links them (`link:<folder>`): building this checkout (`pnpm build`) is what
 * updates them for every plugin linked to it.
 */
export function authorKitPaths(): AuthorKitPaths {
  const core = fileURLToPath(new URL('../../../', import.meta.url));
  // The sdk this host itself resolves (its realpath: pnpm links it from the workspace).
  const sdk = dirname(dirname(realpathSync(createRequire(import.meta.url).resolve('@mcp-host/sdk'))));
  const testing = join(core, '..', 'testing');
  if (!existsSync(join(testing, 'package.json'))) throw new Error(`the author kit is not beside this host (${testing} is missing): run mcp-host new from an mcp-host checkout`);
  return { sdk, testing: realpathSync(testing), core: realpathSync(core) };
}

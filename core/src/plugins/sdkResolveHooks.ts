/**
 * Module resolution hooks (registered with `module.register`):
 * - every import of a shared package — the sdk, tsyringe, reflect-metadata, zod — is resolved from
 *   the host's own location, so a plugin folder anywhere on disk loads without node_modules, and no
 *   plugin brings a second DI container or a second copy of the decorators' metadata store;
 * - a plugin generation is imported as `entry.js?mcp-host-generation=N`, and that query is carried
 *   to every relative import below it, so a reload evaluates the plugin's changed files afresh
 *   instead of reusing the modules the ESM cache holds for the old generation.
 */
interface HookData {
  anchor: string;
  shared: string[];
}

let anchor = '';
let shared: string[] = [];
const GENERATION = /[?&](mcp-host-generation=\d+)/;

export async function initialize(data: HookData): Promise<void> {
  anchor = data.anchor;
  shared = data.shared;
}

type Resolved = { url: string; format?: string | null; shortCircuit?: boolean };
type NextResolve = (specifier: string, context: { parentURL?: string; conditions?: string[] }) => Promise<Resolved>;

export async function resolve(specifier: string, context: { parentURL?: string; conditions?: string[] }, next: NextResolve): Promise<Resolved> {
  for (const name of shared) {
    if (specifier === name || specifier.startsWith(name + '/')) return next(specifier, { ...context, parentURL: anchor });
  }
  const resolved = await next(specifier, context);
  const generation = context.parentURL && GENERATION.exec(context.parentURL);
  if (generation && resolved.url.startsWith('file:') && !resolved.url.includes('/node_modules/') && !GENERATION.test(resolved.url)) {
    return { ...resolved, url: `${resolved.url}${resolved.url.includes('?') ? '&' : '?'}${generation[1]}` };
  }
  return resolved;
}

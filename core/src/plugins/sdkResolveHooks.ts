/**
 * Module resolution hooks (registered with `module.register`): every import of a shared package —
 * the sdk, tsyringe, reflect-metadata, zod — is resolved from the host's own location, so a plugin
 * folder anywhere on disk loads without node_modules, and no plugin brings a second DI container or
 * a second copy of the decorators' metadata store.
 */
interface HookData {
  anchor: string;
  shared: string[];
}

let anchor = '';
let shared: string[] = [];

export async function initialize(data: HookData): Promise<void> {
  anchor = data.anchor;
  shared = data.shared;
}

type NextResolve = (specifier: string, context: { parentURL?: string; conditions?: string[] }) => Promise<unknown>;

export async function resolve(specifier: string, context: { parentURL?: string; conditions?: string[] }, next: NextResolve): Promise<unknown> {
  for (const name of shared) {
    if (specifier === name || specifier.startsWith(name + '/')) return next(specifier, { ...context, parentURL: anchor });
  }
  return next(specifier, context);
}

import { register } from 'node:module';

/** Packages the host supplies to every plugin (one copy each, the host's). */
export const SHARED_MODULES = ['@mcp-host/sdk', 'tsyringe', 'reflect-metadata', 'zod'] as const;

let registered = false;

/** Installs the resolution hooks once per process, before the first plugin is imported. */
export function registerSharedModules(): void {
  if (registered) return;
  registered = true;
  register(new URL('./sdkResolveHooks.js', import.meta.url), { data: { anchor: import.meta.url, shared: [...SHARED_MODULES] } });
}

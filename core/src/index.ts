/** @mcp-host/core — the kernel: embed a host with `Host.start({ config })`, or run the `mcp-host` CLI. */
export { Host, type StartHostOptions } from './kernel/Host.js';
export { HOST_CONFIG, HOST_LOGGER } from './kernel/tokens.js';
export { Catalog, type ListKind } from './catalog/Catalog.js';
export type { ToolBinding, ResourceBinding, TemplateBinding, PromptBinding, PluginBindings } from './catalog/bindings.js';
export { Engine } from './protocol/Engine.js';
export { Session } from './protocol/Session.js';
export { LEGACY_VERSIONS, LATEST_LEGACY_VERSION } from './protocol/versions.js';
export { loadPlugins } from './plugins/loadPlugins.js';
export { readManifest, type PluginManifest } from './plugins/readManifest.js';
export { PluginProblemCode, formatProblem, type PluginProblem } from './plugins/PluginProblem.js';
export { HOST_VERSION } from './version.js';
export { ContextService } from './context/ContextService.js';
export { ContextNamespaces } from './context/ContextNamespaces.js';
export { SchemaCompiler } from './catalog/compileSchema.js';
export { MemoryContextBackend } from './context/MemoryContextBackend.js';

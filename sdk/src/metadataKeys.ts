/**
 * Metadata keys shared by the sdk's decorators and the host's scanner. They are global symbols
 * (`Symbol.for`) so that a decorator recorded by one copy of the sdk is still read by the host.
 */
export const METADATA_KEYS = {
  tools: Symbol.for('mcp-host:tools'),
  resources: Symbol.for('mcp-host:resources'),
  resourceTemplates: Symbol.for('mcp-host:resource-templates'),
  prompts: Symbol.for('mcp-host:prompts'),
} as const;

/** Brand put on every value returned by `definePlugin`, so the loader can tell a plugin apart from any default export. */
export const PLUGIN_BRAND = Symbol.for('mcp-host:plugin-definition');

/** Injection tokens of host services in the root container (plugins get theirs from @mcp-host/sdk). */
export const HOST_CONFIG = Symbol.for('mcp-host:token:host-config');
export const HOST_LOGGER = Symbol.for('mcp-host:token:host-logger');

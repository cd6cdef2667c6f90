/**
 * @mcp-host/testing — the plugin author's test kit: `startTestHost` (a real host serving your plugin,
 * with a client of each protocol era) and `createToolContext` (a context for calling your handlers
 * directly in unit tests). See docs/plugins.md, "Testing".
 */
export { startTestHost, HOST_BIN, MODERN_PROTOCOL_VERSION, type TestHost, type StartTestHostOptions } from './startTestHost.js';
export { createToolContext, createCompletionContext, ANONYMOUS_PRINCIPAL, type ToolContextOptions, type FakeToolContext } from './createToolContext.js';
export { createContextStore, type ContextStore, type ContextStoreOptions } from './createContextStore.js';
export { createTestLogger, type TestLogger } from './createTestLogger.js';

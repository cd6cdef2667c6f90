/**
 * @mcp-host/sdk — everything a plugin author touches. Plugins import only this package (and the
 * tsyringe, reflect-metadata and zod copies the host supplies). What the host's loader reads of a
 * plugin is in `@mcp-host/sdk/internal`, not here.
 */
import 'reflect-metadata';

export { Tool } from './decorators/Tool.js';
export { Resource } from './decorators/Resource.js';
export { ResourceTemplate } from './decorators/ResourceTemplate.js';
export { Prompt } from './decorators/Prompt.js';
export { definePlugin, defineTool, definePrompt, type PluginDefinition, type PluginOptions, type PluginScope, type PluginClass, type PluginItems, type ConfigOf } from './definePlugin.js';
export type * from './declarations.js';
export type { RequestContext, HostContext, ToolContext, Principal, ClientInfo, InputRequestOptions, TraceContext, ElicitOutcome } from './context.js';
export { LOGGER, PLUGIN_CONFIG, PLUGIN_INFO, NOTIFICATIONS, PLUGIN_ITEMS, CONTEXT, type PluginInfo, type HostNotifications, type PluginItemsService, type ItemNames } from './tokens.js';
export { ContextError, CONTEXT_ID_META, WORKING_FOLDER_KEY, type WorkingFolder, type SharedContext, type ContextScope, type ContextEntry, type ContextSetOptions, type ContextCasResult, type ContextUpdateOptions, type ContextErrorReason } from './sharedContext.js';
export { McpError, ToolError, ResourceNotFoundError, ErrorCode, type ToolErrorOptions } from './errors.js';
export { parseConfig, parseConfigAsync } from './parseConfig.js';
export { isZodSchema, type JsonSchema, type SchemaLike, type Infer, type ToolArgs } from './schema.js';
export { text, image, audio, embeddedText } from './content.js';
export { MCP_APP_MIME_TYPE, APPS_EXTENSION } from './apps.js';
export type * from './protocolTypes.js';
/** tsyringe's decorators, from the host's single copy. */
export { injectable, inject, injectAll, scoped, Lifecycle, type DependencyContainer } from 'tsyringe';
export type { Logger } from 'pino';

/**
 * @mcp-host/sdk — everything a plugin author touches. Plugins import only this package (and the
 * tsyringe, reflect-metadata and zod copies the host supplies).
 */
import 'reflect-metadata';

export { Tool } from './decorators/Tool.js';
export { Resource } from './decorators/Resource.js';
export { ResourceTemplate } from './decorators/ResourceTemplate.js';
export { Prompt } from './decorators/Prompt.js';
export { readMembers, type MemberRecord } from './decorators/recordMember.js';
export { definePlugin, isPluginDefinition, type PluginDefinition, type PluginOptions, type PluginScope, type PluginClass } from './definePlugin.js';
export type * from './declarations.js';
export type { RequestContext, ToolContext, Principal, ClientInfo, InputRequestOptions, TraceContext } from './context.js';
export { LOGGER, PLUGIN_CONFIG, PLUGIN_INFO, NOTIFICATIONS, type PluginInfo, type HostNotifications } from './tokens.js';
export { McpError, ToolError, ResourceNotFoundError, ErrorCode } from './errors.js';
export { isZodSchema, type JsonSchema, type SchemaLike } from './schema.js';
export { text, image, audio, embeddedText } from './content.js';
export { METADATA_KEYS, PLUGIN_BRAND } from './metadataKeys.js';
export { MCP_APP_MIME_TYPE, APPS_EXTENSION } from './apps.js';
export type * from './protocolTypes.js';
/** tsyringe's decorators, from the host's single copy. */
export { injectable, inject, injectAll, scoped, Lifecycle, type DependencyContainer } from 'tsyringe';
export type { Logger } from 'pino';

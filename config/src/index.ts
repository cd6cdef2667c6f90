export { ConfigError, type ConfigErrorCode, type ConfigIssue } from './ConfigError.js';
export type { ConfigOverrides } from './ConfigOverrides.js';
export { embeddedDefaultConfig } from './defaultConfig.js';
export { envOverrides } from './envOverrides.js';
export { hostConfigSchema, logLevels, type HostConfig, type LogLevel, type PluginSettings, type AuthConfig, type MaskingConfig, type LimitsConfig, type AuditConfig, type PermissionsConfig, type JsonLimits, type QuotasConfig, type LogMask, type AdminConfig, type TelemetryConfig, type ClusterConfig } from './hostConfigSchema.js';
export { loadConfig, type LoadConfigOptions } from './loadConfig.js';
export { readConfigFile } from './readConfigFile.js';
export { configIssuesFromZod, formatPath } from './configIssuesFromZod.js';
export { contextNamespaceSchema, NAMESPACE_PATTERN, type ContextConfig, type ContextNamespaceConfig } from './contextConfigSchema.js';

import type { ClientCapabilities, Implementation, LoggingLevel } from '@mcp-host/sdk';
import { isLoggingLevel } from '../Session.js';
import { ProtocolError, RpcCode } from '../ProtocolError.js';

/** Protocol versions of the modern (stateless, per-request `_meta`) era. */
export const MODERN_VERSIONS = ['2026-07-28'] as const;
const modern = new Set<string>(MODERN_VERSIONS);
export const isModernVersion = (v: unknown): v is string => typeof v === 'string' && modern.has(v);

/** Reserved `_meta` keys of 2026-07-28. */
export const MetaKey = {
  protocolVersion: 'io.modelcontextprotocol/protocolVersion',
  clientCapabilities: 'io.modelcontextprotocol/clientCapabilities',
  clientInfo: 'io.modelcontextprotocol/clientInfo',
  logLevel: 'io.modelcontextprotocol/logLevel',
  serverInfo: 'io.modelcontextprotocol/serverInfo',
  subscriptionId: 'io.modelcontextprotocol/subscriptionId',
} as const;

/** Modern-era error codes (2026-07-28 partition). */

export interface ModernMeta {
  readonly protocolVersion: string;
  readonly capabilities: ClientCapabilities;
  readonly info: Implementation | undefined;
  readonly logLevel: LoggingLevel | undefined;
}

/** True when a request carries the modern era's per-request protocol version. */
export function hasModernMeta(params: Record<string, unknown> | undefined): boolean {
  const meta = params?._meta;
  return typeof meta === 'object' && meta !== null && MetaKey.protocolVersion in meta;
}

/**
 * The request's claim to be modern: `_meta` with a string protocol version. Checked first, before
 * the HTTP headers are compared with the body (a request without it gets -32602).
 */
export function readProtocolClaim(params: Record<string, unknown> | undefined): string {
  const meta = params?._meta as Record<string, unknown> | undefined;
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) {
    throw new ProtocolError(RpcCode.InvalidParams, `Invalid params: 2026-07-28 requests need params._meta with "${MetaKey.protocolVersion}" and "${MetaKey.clientCapabilities}"`, { missing: [MetaKey.protocolVersion, MetaKey.clientCapabilities] });
  }
  const version = meta[MetaKey.protocolVersion];
  if (version === undefined) throw new ProtocolError(RpcCode.InvalidParams, `Invalid params: _meta is missing "${MetaKey.protocolVersion}"`, { missing: [MetaKey.protocolVersion] });
  if (typeof version !== 'string') throw new ProtocolError(RpcCode.InvalidParams, `Invalid params: _meta["${MetaKey.protocolVersion}"] must be a string`);
  return version;
}

/**
 * Reads and checks a modern request's `_meta`, in the order the spec's errors rank: the claim
 * (-32602), the version (-32022 with what is supported), then the capabilities (-32602).
 */
export function readModernMeta(params: Record<string, unknown> | undefined, supported: readonly string[] = MODERN_VERSIONS): ModernMeta {
  const version = readProtocolClaim(params);
  if (!supported.includes(version)) {
    throw new ProtocolError(RpcCode.UnsupportedProtocolVersion, `Unsupported protocol version ${JSON.stringify(version)}`, { supported: [...supported], requested: version });
  }
  const meta = params!._meta as Record<string, unknown>;
  const capabilities = meta[MetaKey.clientCapabilities];
  if (capabilities === undefined) throw new ProtocolError(RpcCode.InvalidParams, `Invalid params: _meta is missing "${MetaKey.clientCapabilities}"`, { missing: [MetaKey.clientCapabilities] });
  if (typeof capabilities !== 'object' || capabilities === null || Array.isArray(capabilities)) {
    throw new ProtocolError(RpcCode.InvalidParams, `Invalid params: _meta["${MetaKey.clientCapabilities}"] must be an object`);
  }
  const info = meta[MetaKey.clientInfo];
  if (info !== undefined && (typeof info !== 'object' || info === null)) throw new ProtocolError(RpcCode.InvalidParams, `Invalid params: _meta["${MetaKey.clientInfo}"] must be an object`);
  const logLevel = meta[MetaKey.logLevel];
  if (logLevel !== undefined && !isLoggingLevel(logLevel)) throw new ProtocolError(RpcCode.InvalidParams, `Invalid params: _meta["${MetaKey.logLevel}"] ${JSON.stringify(logLevel)} is not a log level`);
  return { protocolVersion: version, capabilities: capabilities as ClientCapabilities, info: info as Implementation | undefined, logLevel: logLevel as LoggingLevel | undefined };
}

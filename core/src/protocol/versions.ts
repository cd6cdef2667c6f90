/** Protocol versions of the legacy (initialize-handshake) era this host speaks, newest first. */
export const LEGACY_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26'] as const;
export const LATEST_LEGACY_VERSION = LEGACY_VERSIONS[0];

/** What a legacy HTTP request without an `MCP-Protocol-Version` header is assumed to speak (spec: 2025-03-26). */
export const DEFAULT_HEADER_VERSION = '2025-03-26';

const legacy = new Set<string>(LEGACY_VERSIONS);
export function isLegacyVersion(v: unknown): v is string {
  return typeof v === 'string' && legacy.has(v);
}

/** Version negotiation: the requested version when supported, otherwise our latest. */
export function negotiateVersion(requested: unknown): string {
  return isLegacyVersion(requested) ? requested : LATEST_LEGACY_VERSION;
}

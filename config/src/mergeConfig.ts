/**
 * Layers raw (unvalidated) config values: plain objects merge key by key, everything else —
 * arrays included — is replaced by the higher layer, and `undefined` never replaces anything.
 * Raw values are merged, not parsed ones, because a parsed layer carries schema defaults that
 * would wipe out what a lower layer set.
 */
export function mergeConfig(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    merged[key] = mergeConfig(base[key], value);
  }
  return merged;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The shapes the admin API answers with (see core/src/admin). */

export interface PluginEntry {
  id: string;
  state: 'serving' | 'disabled' | 'failed' | 'not serving';
  serving?: { version: string; path: string; revision: number; inFlight: number };
  versions: Array<{ version: string; path: string; serving: boolean }>;
  isolation: string;
  override: { enabled?: boolean; pinned?: string };
  previousVersion?: string;
  problems: Array<{ code: string; path: string; message: string; fix: string }>;
}

export interface PluginsAnswer {
  revision: number;
  note: string;
  plugins: PluginEntry[];
  unidentified: Array<{ code: string; path: string; message: string }>;
}

export interface CatalogItem {
  kind: 'tool' | 'resource' | 'template' | 'prompt';
  name: string;
  title?: string;
  description?: string;
  plugin: string;
  version: string;
  scopes: string[];
  roleSets: string[][];
}

export interface CatalogAnswer {
  revision: number;
  enforced: boolean;
  items: CatalogItem[];
}

export interface StatsAnswer {
  metric: string;
  present: boolean;
  windowSeconds: number;
  plugins: Array<{ plugin: string; version: string; calls: number; errors: number; ratePerSecond: number; meanMs: number | null; p50Ms: number | null; p95Ms: number | null }>;
}

export interface ActionAnswer {
  ok: boolean;
  action: string;
  plugin: string;
  message: string;
}

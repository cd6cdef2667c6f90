import { definePlugin, type PluginOptions } from '@mcp-host/sdk';
import { pino } from 'pino';
import { buildBindings } from './buildBindings.js';
import { Drain } from './Drain.js';
import type { PluginGeneration } from './loadPlugin.js';

const silent = pino({ level: 'silent' });

/** For tests: one in-process generation of plugin `id`, its bindings built from a `definePlugin` definition as the loader builds them. */
export function inProcessGeneration(id: string, options: PluginOptions): PluginGeneration {
  const info = Object.freeze({ id, name: `@test/${id}`, version: '1.0.0', root: `/plugins/${id}` });
  const drain = new Drain();
  const bindings = buildBindings(definePlugin(options), new Map(), info, silent, drain);
  const manifest = { dir: info.root, id, packageName: info.name, version: info.version, engineRange: '^1.0.0', entry: `${info.root}/index.js`, skills: [], contextNamespaces: {} };
  return { info, manifest, bindings, logger: silent, drain, dispose: async () => {} };
}

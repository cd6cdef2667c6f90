/**
 * Entry of a plugin generation's worker thread: loads the plugin with the same loader as the
 * in-process runtime, describes its bindings to the host, then serves calls. Handler contexts are
 * rebuilt here; progress, logs, client requests and notifications travel to the host as messages.
 */
import 'reflect-metadata';
import { parentPort } from 'node:worker_threads';
import type { RequestContext } from '@mcp-host/sdk';
import { pino, type Logger } from 'pino';
import { container } from 'tsyringe';
import type { PluginBindings } from '../../catalog/bindings.js';
import { loadPlugin, type PluginGeneration } from '../loadPlugin.js';
import { PluginLoadError, PluginProblemCode } from '../PluginProblem.js';
import { registerSharedModules } from '../registerSharedModules.js';
import { fromWire, toWire } from './wireErrors.js';
import type { CallTarget, HostToWorker, RemoteBindings, RemoteContext, WorkerInit, WorkerToHost } from './workerProtocol.js';

const port = parentPort!;
const post = (m: WorkerToHost) => port.postMessage(m);
let init: WorkerInit;
let logger: Logger;

let generation: PluginGeneration;
const calls = new Map<number, AbortController>();
const asks = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
let nextAsk = 0;

function describe(b: PluginBindings): RemoteBindings {
  return {
    tools: b.tools.map((t) => ({ name: t.name, descriptor: t.descriptor, input: t.input.jsonSchema, output: t.output?.jsonSchema, paramHeaders: [...t.paramHeaders], declared: t.declared })),
    resources: b.resources.map((r) => ({ uri: r.uri, descriptor: r.descriptor, cache: r.cache, declared: r.declared })),
    templates: b.templates.map((t) => ({ name: t.name, descriptor: t.descriptor, cache: t.cache, complete: [...t.complete.keys()], declared: t.declared })),
    prompts: b.prompts.map((p) => ({ name: p.name, descriptor: p.descriptor, requiredArguments: [...p.requiredArguments], complete: [...p.complete.keys()], declared: p.declared })),
  };
}

function context(id: number, remote: RemoteContext, signal: AbortSignal): RequestContext {
  const ask = (method: 'elicit' | 'sample' | 'listRoots', params: unknown, key?: string) =>
    new Promise<any>((resolve, reject) => {
      const askId = ++nextAsk;
      asks.set(askId, { resolve, reject });
      post({ type: 'ask', id, askId, method, params, key });
    });
  return {
    signal,
    requestId: remote.requestId,
    meta: remote.meta,
    principal: remote.principal,
    client: remote.client,
    logger: generation.logger,
    progress: async (progress, total, message) => post({ type: 'progress', id, progress, total, message }),
    log: async (level, data, loggerName) => post({ type: 'log', id, level, data, logger: loggerName }),
    elicit: (params, options) => ask('elicit', params, options?.key),
    sample: (params, options) => ask('sample', params, options?.key),
    listRoots: (options) => ask('listRoots', undefined, options?.key),
  };
}

function find<T extends { name?: string; uri?: string }>(list: readonly T[], key: string, field: 'name' | 'uri'): T {
  const b = list.find((x) => x[field] === key);
  if (!b) throw new Error(`no ${field} ${key} in this generation`);
  return b;
}

async function run(id: number, target: CallTarget, ctx: RequestContext): Promise<unknown> {
  const b = generation.bindings;
  switch (target.kind) {
    case 'tool': {
      const tool = find(b.tools, target.name, 'name');
      // The host validated against the JSON Schema; the plugin's own schema (zod) applies its transforms and defaults.
      const checked = tool.input.validate(target.args);
      if (!checked.ok) throw toolArgError(target.name, checked.message);
      return tool.invoke(checked.value, ctx);
    }
    case 'resource':
      return find(b.resources, target.uri, 'uri').read(target.uri, ctx);
    case 'template':
      return find(b.templates, target.name, 'name').read(target.uri, target.variables, ctx);
    case 'prompt':
      return find(b.prompts, target.name, 'name').get(target.args, ctx);
    case 'complete': {
      const owner = target.owner === 'prompt' ? find(b.prompts, target.name, 'name') : find(b.templates, target.name, 'name');
      return owner.complete.get(target.argument)!(target.value, { ...ctx, arguments: (ctx as RequestContext & { arguments?: Record<string, string> }).arguments ?? {} });
    }
  }
}

class ArgumentError extends Error {}
const toolArgError = (name: string, message: string) => new ArgumentError(`Invalid arguments for tool ${name}: ${message}`);

port.on('message', (m: HostToWorker) => {
  switch (m.type) {
    case 'init':
      init = m.init;
      logger = pino({ name: 'mcp-host', level: init.logLevel, base: { pid: process.pid, worker: true }, ...(init.logRedact?.length ? { redact: { paths: [...init.logRedact], censor: '[REDACTED]' } } : {}) }, pino.destination({ fd: 2, sync: true }));
      return void load();
    case 'call': {
      const controller = new AbortController();
      calls.set(m.id, controller);
      const ctx = context(m.id, m.ctx, controller.signal);
      if (m.ctx.arguments) Object.assign(ctx, { arguments: m.ctx.arguments });
      run(m.id, m.target, ctx).then(
        (value) => post({ type: 'result', id: m.id, ok: true, value }),
        (e) => post({ type: 'result', id: m.id, ok: false, error: e instanceof ArgumentError ? { kind: 'tool', message: e.message } : toWire(e) }),
      ).finally(() => calls.delete(m.id));
      return;
    }
    case 'cancel':
      calls.get(m.id)?.abort(new Error('cancelled'));
      return;
    case 'answer': {
      const a = asks.get(m.askId);
      asks.delete(m.askId);
      if (m.ok) a?.resolve(m.value);
      else a?.reject(fromWire(m.error!));
      return;
    }
    case 'ping':
      post({ type: 'pong' });
      return;
    case 'dispose':
      void generation?.dispose().finally(() => post({ type: 'disposed' }));
      return;
  }
});

function load(): void {
  loadPlugin(init.manifest, {
    root: container.createChildContainer(),
    logger,
    config: init.config,
    prefix: init.prefix,
    notifications: {
      resourceUpdated: (uri) => post({ type: 'notify', kind: 'resourceUpdated', value: uri }),
      listChanged: (kind) => post({ type: 'notify', kind: 'listChanged', value: kind }),
    },
  }).then(
    (g) => {
      generation = g;
      post({ type: 'ready', info: g.info, bindings: describe(g.bindings) });
    },
    (e) => {
      const problem = e instanceof PluginLoadError ? e.problem : { code: PluginProblemCode.ImportFailed, pluginId: init.manifest.id, path: init.manifest.dir, message: String(e), fix: 'see the cause in the log' };
      post({ type: 'failed', problem: { ...problem, cause: undefined } });
    },
  );
}

// Everything the host's side of a plugin needs is imported by now: a pre-started worker waits here
// for its plugin, so a reload pays only for the plugin's own code.
registerSharedModules();
post({ type: 'booted' });

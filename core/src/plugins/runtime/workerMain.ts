/**
 * Entry of a plugin generation's worker thread or child process: loads the plugin with the same
 * loader as the in-process runtime, describes its bindings to the host, then serves calls. Handler
 * contexts are rebuilt here; progress, logs, client requests and notifications travel to the host
 * as messages.
 */
import 'reflect-metadata';
import { Socket } from 'node:net';
import { parentPort } from 'node:worker_threads';
import { ContextError, type InputRequestOptions, type RequestContext, type SharedContext } from '@mcp-host/sdk';
import { elicitEither } from '@mcp-host/sdk/internal';
import type { Logger } from 'pino';
import { pluginLogger } from './pluginLogger.js';
import { container } from 'tsyringe';
import { ChurnMap } from '../../collections/ChurnMap.js';
import type { PluginBindings } from '../../catalog/bindings.js';
import { loadPlugin, type PluginGeneration } from '../loadPlugin.js';
import { PluginLoadError, PluginProblemCode } from '../PluginProblem.js';
import { registerSharedModules } from '../registerSharedModules.js';
import { runtimeRoot } from './runtimeRoot.js';
import { CallLifetime } from '../../calls/CallLifetime.js';
import { epochNow } from '../../calls/CallTrace.js';
import { DEFAULT_JSON_LIMITS, exceedsJsonLimits } from '../../calls/jsonLimits.js';
import { SharedContextClient, type ContextOp } from '../../calls/SharedContextClient.js';
import { FrameReader, PLUGIN_CHANNEL_FD, writeFrame } from './frames.js';
import { eachMessage, Outbox } from './Outbox.js';
import { fromWire, toWire } from './wireErrors.js';
import type { CallMessage, CallTarget, HostToWorker, RemoteBindings, ResultMessage, WireError, WorkerInit, WorkerToHost } from './workerProtocol.js';

interface HostPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (data: HostToWorker[] | object) => void): unknown;
}

/**
 * The host's end in a child process: the pipe on fd 3 (see ProcessThread). When it closes the host
 * is gone and there is no one to serve, so the process exits. An uncaught exception is told to the
 * host before exiting, as a worker thread's would reach it.
 */
function processPort(): HostPort {
  const channel = new Socket({ fd: PLUGIN_CHANNEL_FD, readable: true, writable: true });
  let listener: (data: HostToWorker[] | object) => void = () => undefined;
  const reader = new FrameReader(
    (m) => listener(m),
    (e) => (console.error(`mcp-host plugin process: a message from the host could not be read (${e.message})`), process.exit(70)),
  );
  channel.on('data', (chunk: Buffer) => reader.push(chunk));
  channel.on('end', () => process.exit(0));
  channel.on('error', () => process.exit(0));
  process.on('uncaughtException', (e) => {
    outbox.flush();
    const err = e as Error;
    setTimeout(() => process.exit(1), 1000).unref();
    try {
      writeFrame(channel, { type: 'uncaught', message: err?.message ?? String(e), stack: err?.stack } satisfies WorkerToHost, () => process.exit(1));
    } catch {
      process.exit(1);
    }
  });
  return {
    postMessage: (m) => void (channel.writable && writeFrame(channel, m)),
    on: (_event, l) => void (listener = l),
  };
}

const port: HostPort = parentPort ?? processPort();
// Results, progress, logs and questions go back batched (see Outbox); the handshake (booted, ready, failed) goes at once.
const outbox = new Outbox<WorkerToHost>(port, unsendable);
const post = (m: WorkerToHost) => outbox.post(m);
const postNow = (m: WorkerToHost) => port.postMessage(m);
let init: WorkerInit;
let logger: Logger;

let generation: PluginGeneration;
/** The generation's tools by name: a call looks its tool up in a map, not by scanning the list. */
let toolsByName: ReadonlyMap<string, PluginBindings['tools'][number]> = new Map();
const calls = new ChurnMap<number, CallLifetime>();
const asks = new ChurnMap<number, { resolve(v: unknown): void; reject(e: Error): void }>();
let nextAsk = 0;
/** Item changes sent to the host, waiting for its answer (see `publish`). */
const itemChanges = new Map<number, { resolve(): void; reject(e: Error): void; next: PluginBindings }>();
let nextItems = 0;

/** The plugin changed its items: the host serves them (a new catalog revision) or refuses; only then does this worker serve them. */
function publish(_generation: PluginGeneration, next: PluginBindings): Promise<void> {
  return new Promise((resolve, reject) => {
    const seq = ++nextItems;
    itemChanges.set(seq, { resolve, reject, next });
    post({ type: 'items', seq, bindings: describe(next) });
  });
}

function describe(b: PluginBindings): RemoteBindings {
  return {
    tools: b.tools.map((t) => ({ name: t.name, descriptor: t.descriptor, input: t.input.jsonSchema, output: t.output?.jsonSchema, paramHeaders: [...t.paramHeaders], declared: t.declared })),
    resources: b.resources.map((r) => ({ uri: r.uri, descriptor: r.descriptor, cache: r.cache, declared: r.declared })),
    templates: b.templates.map((t) => ({ name: t.name, descriptor: t.descriptor, cache: t.cache, complete: [...t.complete.keys()], declared: t.declared })),
    prompts: b.prompts.map((p) => ({ name: p.name, descriptor: p.descriptor, requiredArguments: [...p.requiredArguments], complete: [...p.complete.keys()], declared: p.declared })),
  };
}

/** A handler's context rebuilt in the worker; its requests to the client travel to the host. A class for the same reason as the host's (one per call). */
class WorkerRequestContext implements RequestContext {
  readonly requestId: RequestContext['requestId'];
  readonly meta: Record<string, unknown>;
  readonly principal: RequestContext['principal'];
  readonly client: RequestContext['client'];
  readonly logger: Logger;
  arguments?: Record<string, string>;
  private shared: SharedContext | undefined;
  /** Set only for a traced call: the hop span the host opened for it (see RequestContext.trace). Declared, not a field, so an untraced context has no slot for it. */
  declare trace?: RequestContext['trace'];

  constructor(
    private readonly id: number,
    call: CallMessage,
    private readonly lifetime: CallLifetime,
  ) {
    [, , this.requestId, this.meta, this.principal, this.client] = call;
    this.logger = generation.logger;
    if (call[6]) this.arguments = call[6];
    if (call.length > 7) this.trace = call[7];
  }

  /** Made on first read, like the host's: most handlers never look at it. */
  get signal(): AbortSignal {
    return this.lifetime.signal;
  }

  async progress(progress: number, total?: number, message?: string): Promise<void> {
    post({ type: 'progress', id: this.id, progress, total, message });
  }

  async log(level: Parameters<RequestContext['log']>[0], data: unknown, loggerName?: string): Promise<void> {
    // A log line is not worth a failed call: one over the host's limits is dropped here, before it is cloned.
    const over = exceedsJsonLimits(data, limits());
    if (over !== undefined) return void logger.warn({ plugin: init.manifest.id, requestId: this.requestId, over }, 'a ctx.log payload over the host limits was dropped');
    post({ type: 'log', id: this.id, level, data, logger: loggerName });
  }

  /** Both forms (raw params, or a message and a zod schema whose answer is parsed here): see the sdk's RequestContext.elicit. */
  elicit(first: any, second?: any, third?: InputRequestOptions): Promise<any> {
    return elicitEither((params, options) => this.ask('elicit', params, options?.key), first, second, third);
  }

  sample(params: Parameters<RequestContext['sample']>[0], options?: { key?: string }): Promise<any> {
    return this.ask('sample', params, options?.key);
  }

  listRoots(options?: { key?: string }): Promise<any> {
    return this.ask('listRoots', undefined, options?.key);
  }

  closeSseStream(): void {
    post({ type: 'closeSse', id: this.id });
  }

  /** Shared context lives in the host: each operation crosses as a message, answered like a question to the client. */
  get context(): SharedContext {
    return (this.shared ??= new SharedContextClient((op) => askContext(this.id, op)));
  }

  private ask(method: 'elicit' | 'sample' | 'listRoots', params: unknown, key?: string): Promise<any> {
    return new Promise<any>((resolve, reject) => {
      const over = exceedsJsonLimits(params, limits());
      if (over !== undefined) return reject(new Error(`the ${method} request is over the host's limits: ${over}`));
      const askId = ++nextAsk;
      asks.set(askId, { resolve, reject });
      post({ type: 'ask', id: this.id, askId, method, params, key });
    });
  }
}

/** One shared-context operation of call `id` (0: the plugin's own, outside a call), answered by the host. */
function askContext(id: number, op: ContextOp): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const over = exceedsJsonLimits(op.value, limits());
    if (over !== undefined) return reject(new ContextError('invalid-value', `context value is ${over}`));
    const askId = ++nextAsk;
    asks.set(askId, { resolve, reject });
    post({ type: 'context', id, askId, op });
  });
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
      const tool = toolsByName.get(target.name);
      if (!tool) throw new Error(`no tool ${target.name} in this generation`);
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
      const c = ctx as WorkerRequestContext;
      c.arguments ??= {};
      return owner.complete.get(target.argument)!(target.value, c as WorkerRequestContext & { arguments: Record<string, string> });
    }
  }
}

class ArgumentError extends Error {}
const toolArgError = (name: string, message: string) => new ArgumentError(`Invalid arguments for tool ${name}: ${message}`);

/** Starts a call; its outcome goes back as a ResultMessage. */
function startCall(call: CallMessage): void {
  const [id, target] = call;
  const lifetime = new CallLifetime();
  calls.set(id, lifetime);
  // A traced call's handler time is measured here and sent back with its result (the host records the span).
  const traced = call.length > 7;
  const started = traced ? epochNow() : 0;
  run(id, target, new WorkerRequestContext(id, call, lifetime)).then(
    (value) => {
      const ended = traced ? epochNow() : 0;
      calls.delete(id);
      // Checked before it is cloned: a result nested past the serializer's stack would fail its whole batch, and one that crossed would reach the host's serializers.
      const over = exceedsJsonLimits(value, limits());
      const outcome: ResultMessage = over === undefined ? [id, true, value] : [id, false, { kind: 'tool', message: `the tool result is over the host's limits: ${over}` }];
      if (traced) outcome.push(started, ended);
      post(outcome);
    },
    (e) => {
      const ended = traced ? epochNow() : 0;
      calls.delete(id);
      const outcome: ResultMessage = [id, false, e instanceof ArgumentError ? { kind: 'tool', message: e.message } : checkedWire(e)];
      if (traced) outcome.push(started, ended);
      post(outcome);
    },
  );
}

/** An error as it crosses, without data over the host's limits (an McpError's data is the plugin's). */
function checkedWire(e: unknown): WireError {
  const wire = toWire(e);
  const over = wire.data === undefined && wire.structuredContent === undefined ? undefined : exceedsJsonLimits([wire.data, wire.structuredContent], limits());
  return over === undefined ? wire : { ...wire, data: undefined, structuredContent: undefined, message: `${wire.message} (its data was dropped: ${over})` };
}

const limits = () => init.limits ?? DEFAULT_JSON_LIMITS;

/** What goes back in place of a message that could not be cloned (see Outbox): an error for a call or a question, nothing for the rest. */
function unsendable(m: WorkerToHost, e: unknown): WorkerToHost | undefined {
  const why = e instanceof Error ? e.message : String(e);
  if (Array.isArray(m)) {
    const [id, ok] = m;
    if (ok) return [id, false, { kind: 'tool', message: `the tool result could not be sent: ${why}` }];
    const error = m[2] as WireError;
    return [id, false, { kind: error.kind, code: error.code, message: `${String(error.message)} (the error's data could not be sent: ${why})` }];
  }
  if (m.type === 'ask') {
    asks.get(m.askId)?.reject(new Error(`the ${m.method} request could not be sent: ${why}`));
    asks.delete(m.askId);
    return undefined;
  }
  if (m.type === 'context') {
    asks.get(m.askId)?.reject(new ContextError('invalid-value', `context value is not JSON data: ${why}`));
    asks.delete(m.askId);
    return undefined;
  }
  logger?.warn({ plugin: init?.manifest.id, type: m.type, err: why }, `a ${m.type} message of the plugin could not be sent to the host; dropped`);
  return undefined;
}

const onMessage = (m: HostToWorker) => {
  if (Array.isArray(m)) return startCall(m);
  switch (m.type) {
    case 'init':
      init = m.init;
      logger = pluginLogger(init);
      return void load();
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
    case 'itemsServed': {
      const change = itemChanges.get(m.seq);
      itemChanges.delete(m.seq);
      if (!change) return;
      if (!m.ok) return change.reject(new PluginLoadError(m.problem!));
      generation.bindings = change.next;
      toolsByName = new Map(change.next.tools.map((t) => [t.name, t]));
      return change.resolve();
    }
    case 'dispose':
      void generation?.dispose().finally(() => post({ type: 'disposed' }));
      return;
  }
};
port.on('message', (data) => eachMessage(data, onMessage));

function load(): void {
  loadPlugin(init.manifest, {
    // The runtime root of this worker or process: the host services, as messages to the host.
    root: runtimeRoot(container, {
      notifications: {
        resourceUpdated: (uri) => post({ type: 'notify', kind: 'resourceUpdated', value: uri }),
        listChanged: (kind) => post({ type: 'notify', kind: 'listChanged', value: kind }),
      },
      context: () => {
        const own = new SharedContextClient((op) => askContext(0, op));
        return { of: (ctx) => ctx.context, shared: (namespace) => own.shared(namespace) };
      },
    }),
    logger,
    config: init.config,
    prefix: init.prefix,
    publish,
  }).then(
    (g) => {
      generation = g;
      toolsByName = new Map(g.bindings.tools.map((t) => [t.name, t]));
      postNow({ type: 'ready', info: g.info, bindings: describe(g.bindings) });
    },
    (e) => {
      const problem = e instanceof PluginLoadError ? e.problem : { code: PluginProblemCode.ImportFailed, pluginId: init.manifest.id, path: init.manifest.dir, message: String(e), fix: 'see the cause in the log' };
      postNow({ type: 'failed', problem: { ...problem, cause: undefined } });
    },
  );
}

// Everything the host's side of a plugin needs is imported by now: a pre-started worker waits here
// for its plugin, so a reload pays only for the plugin's own code.
registerSharedModules();
postNow({ type: 'booted' });

import type { LogMask } from '@mcp-host/config';
import type { HostContext, HostNotifications, PluginInfo, RequestContext } from '@mcp-host/sdk';
import type { Logger } from 'pino';
import { ChurnMap } from '../../collections/ChurnMap.js';
import type { PluginBindings } from '../../catalog/bindings.js';
import { lifetimeOf, type CallLifetime } from '../../calls/CallLifetime.js';
import { traceOf, type TraceHop } from '../../calls/CallTrace.js';
import type { JsonLimits } from '../../calls/jsonLimits.js';
import { applyContextOp } from '../../calls/SharedContextClient.js';
import { Drain } from '../Drain.js';
import { SchemaError } from '../buildBindings.js';
import { publishBindings, type PluginGeneration } from '../loadPlugin.js';
import { PluginLoadError, PluginProblemCode, type PluginProblem } from '../PluginProblem.js';
import type { PluginManifest } from '../readManifest.js';
import { eachMessage, Outbox } from './Outbox.js';
import type { IsolationKind, PluginThread } from './PluginThread.js';
import { handshake } from './handshake.js';
import { proxyBindings } from './proxyBindings.js';
import { watchRss } from './RssWatchdog.js';
import { fromWire, handlerErrorType, toWire } from './wireErrors.js';
import type { CallTarget, HostToWorker, WireError, WorkerInit, WorkerToHost } from './workerProtocol.js';
import { takeThread } from './workerPool.js';

export interface WorkerGenerationOptions {
  readonly logger: Logger;
  readonly logLevel: string;
  readonly logRedact?: readonly string[];
  readonly logMask?: LogMask;
  readonly config: unknown;
  readonly prefix?: string;
  readonly notifications: HostNotifications;
  /** The shared context service of one plugin, for its operations outside a call (absent in unit tests). */
  readonly context?: (plugin: PluginInfo) => HostContext;
  /** A call without an answer after this long fails; if the worker also misses a ping, it is terminated. */
  readonly callTimeoutMs: number;
  readonly loadTimeoutMs: number;
  /** A worker thread (the default) or a child process. */
  readonly isolation?: IsolationKind;
  /** V8's heap limit of the worker or process. */
  readonly memoryMb: number;
  /** `isolation: process`: the resident memory past which the process is killed (plugins.maxRssMb). */
  readonly maxRssMb: number;
  /** The host's `server.limits`, for results and logs checked in the worker. */
  readonly limits?: JsonLimits;
  /** Called once when the worker dies (crash, exit, out of memory, terminated while hung or over its memory). */
  readonly onCrash: (generation: PluginGeneration, reason: string) => void;
}

interface PendingCall {
  resolve(v: unknown): void;
  reject(e: Error): void;
  ctx: RequestContext;
  /** Followed through the lifetime of a host-built context, else through its signal. */
  lifetime: CallLifetime | undefined;
  deadline: number;
  /** Sends the worker a cancel for this call. */
  onAbort: () => void;
  /** The isolation hop span of a traced call (undefined when tracing is off). */
  hop: TraceHop | undefined;
}

const PING_GRACE_MS = 1000;

/**
 * A plugin generation running in its own worker thread or child process (a PluginThread; "the
 * worker" below is either): its code, module graph and DI container live and die with it, so a
 * reload frees them, and a plugin that throws, hangs, exhausts its memory or exits takes down only
 * its worker. The host side holds proxy bindings built from the worker's descriptors; calls,
 * contexts and errors cross as messages. A process's resident memory is also capped (maxRssMb).
 */
export async function startWorkerGeneration(manifest: PluginManifest, options: WorkerGenerationOptions): Promise<PluginGeneration> {
  const kind = options.isolation ?? 'worker';
  const init: WorkerInit = { manifest, config: options.config ?? {}, prefix: options.prefix, logLevel: options.logLevel, logRedact: options.logRedact, logMask: options.logMask, limits: options.limits };
  const started = Date.now();
  const worker = await takeThread(kind, { memoryMb: options.memoryMb, maxRssMb: options.maxRssMb });
  const logger = options.logger.child({ plugin: manifest.id, version: manifest.version });
  const fail = (message: string, cause?: unknown): never => {
    throw new PluginLoadError({ code: PluginProblemCode.ImportFailed, pluginId: manifest.id, path: manifest.dir, message, fix: 'fix the plugin (see the cause in the log)', cause });
  };
  // Set before the worker is ended on purpose, so its exit is reported with the real reason.
  let killedBecause: string | undefined;
  let dieNow: ((reason: string) => void) | undefined;
  const stopWatching = kind === 'process' ? watchMemory(worker, manifest, options, logger, (reason) => ((killedBecause = reason), void worker.terminate(), dieNow?.(reason))) : undefined;
  worker.once('exit', () => stopWatching?.());
  worker.postMessage({ type: 'init', init } satisfies HostToWorker);

  // Handshake: the worker answers ready (with its bindings) or failed (with the problem), or dies trying.
  const ready = await handshake(worker, manifest, kind, options.loadTimeoutMs, () => killedBecause).catch((e) => (e instanceof PluginLoadError ? Promise.reject(e) : fail(String(e), e)));

  const info: PluginInfo = ready.info;
  logger.debug({ ms: Date.now() - started }, 'plugin worker ready');
  const drain = new Drain();
  const pending = new ChurnMap<number, PendingCall>();
  let nextId = 0;
  let dead: string | undefined;
  let disposing = false;
  // Calls, cancels and answers cross batched: one postMessage per turn of the event loop.
  const outbox = new Outbox<HostToWorker>(worker, (m, e) => unsendable(m, e));
  const send = (m: HostToWorker) => void (!dead && outbox.post(m));

  const die = (reason: string) => {
    if (dead) return;
    dead = reason;
    outbox.clear();
    stopSweep();
    clearTimeout(pingTimer);
    for (const id of [...pending.keys()]) settle(id, (c) => c.reject(new Error(`plugin ${info.id}@${info.version} stopped: ${reason}`)), undefined, undefined, `the plugin ${kind} stopped`);
    if (!disposing) {
      logger.error({ reason, isolation: kind }, `plugin ${kind} died; the host keeps serving`);
      options.onCrash(generation, reason);
    }
  };
  dieNow = die;
  /** What goes to the worker in place of a message that could not be cloned (see Outbox). */
  const unsendable = (m: HostToWorker, e: unknown): HostToWorker | undefined => {
    const why = e instanceof Error ? e.message : String(e);
    if (Array.isArray(m)) settle(m[0], (c) => c.reject(new Error(`the call could not be sent to plugin ${info.id}@${info.version}: ${why}`)), undefined, undefined, 'the call could not be sent');
    else if (m.type === 'answer') return { type: 'answer', askId: m.askId, ok: false, error: { kind: 'error', message: `the client's answer could not be sent to the plugin: ${why}` } };
    else logger.warn({ type: m.type, err: why }, `a ${m.type} message could not be sent to the plugin ${kind}; dropped`);
    return undefined;
  };
  /**
   * The one place a call's bookkeeping is cleared; `fn` then resolves or rejects it. A traced
   * call's hop ends here too, with the handler's time as the worker measured it when it ran.
   */
  const settle = (id: number, fn: (call: PendingCall) => void, handlerStart?: number, handlerEnd?: number, hopFailure?: string) => {
    const call = pending.get(id);
    if (!call) return;
    pending.delete(id);
    if (call.lifetime) call.lifetime.offAbort(call.onAbort);
    else call.ctx.signal.removeEventListener('abort', call.onAbort);
    call.hop?.end(handlerStart, handlerEnd, hopFailure);
    fn(call);
    if (pending.size === 0) stopSweep();
  };
  // One sweep for all calls' deadlines instead of a timer per call: the hot path stays allocation-light.
  let sweep: NodeJS.Timeout | undefined;
  const stopSweep = () => (clearInterval(sweep), (sweep = undefined));
  const startSweep = () => {
    sweep ??= setInterval(() => {
      const now = Date.now();
      for (const [id, c] of pending) {
        if (c.deadline > now) continue;
        settle(id, (late) => late.reject(new Error(`plugin ${info.id}@${info.version} did not answer within ${options.callTimeoutMs} ms`)), undefined, undefined, 'no answer in time');
        checkAlive();
      }
    }, Math.min(1000, Math.max(50, options.callTimeoutMs / 4))).unref();
  };
  let pingTimer: NodeJS.Timeout | undefined;
  const checkAlive = () => {
    if (pingTimer || dead) return;
    pingTimer = setTimeout(() => {
      // Named before terminating, so the exit it causes is reported with the real reason.
      killedBecause = `unresponsive for ${options.callTimeoutMs + PING_GRACE_MS} ms (a hung handler?); terminated`;
      void worker.terminate();
    }, PING_GRACE_MS);
    send({ type: 'ping' });
  };

  const onMessage = (m: WorkerToHost) => {
    if (Array.isArray(m)) {
      const [id, ok, outcome] = m;
      const done = (c: PendingCall) => (ok ? c.resolve(outcome) : c.reject(fromWire(outcome as WireError)));
      // Only a traced call's result carries its handler's times (and then what it failed with, for the handler span).
      if (m.length <= 3) return settle(id, done);
      return settle(id, done, m[3], m[4], ok ? undefined : handlerErrorType(outcome as WireError));
    }
    switch (m.type) {
      case 'progress':
        return void pending.get(m.id)?.ctx.progress(m.progress, m.total, m.message);
      case 'log':
        return void pending.get(m.id)?.ctx.log(m.level as never, m.data, m.logger);
      case 'closeSse':
        return void pending.get(m.id)?.ctx.closeSseStream();
      case 'ask': {
        const ctx = pending.get(m.id)?.ctx;
        const asked = !ctx ? Promise.reject(new Error('the call has ended')) : m.method === 'elicit' ? ctx.elicit(m.params as never, { key: m.key }) : m.method === 'sample' ? ctx.sample(m.params as never, { key: m.key }) : ctx.listRoots({ key: m.key });
        asked.then((value) => send({ type: 'answer', askId: m.askId, ok: true, value }), (e) => send({ type: 'answer', askId: m.askId, ok: false, error: toWire(e) }));
        return;
      }
      case 'context': {
        // A call's operation runs as that call (its caller's scopes); id 0 is the plugin itself, outside any call.
        const ctx = m.id === 0 ? undefined : pending.get(m.id)?.ctx;
        const own = m.id === 0 ? options.context?.(info) : undefined;
        const done = m.id !== 0 && !ctx ? Promise.reject(new Error('the call has ended')) : !ctx && !own ? Promise.reject(new Error('this host has no shared context service')) : applyContextOp(ctx ? ctx.context : own!, m.op);
        done.then((value) => send({ type: 'answer', askId: m.askId, ok: true, value }), (e) => send({ type: 'answer', askId: m.askId, ok: false, error: toWire(e) }));
        return;
      }
      case 'notify':
        if (m.kind === 'resourceUpdated') options.notifications.resourceUpdated(m.value);
        else options.notifications.listChanged(m.value as never);
        return;
      case 'items': {
        // Served like a reload's bindings: compiled here, then the supervisor's catalog revision (or its refusal).
        const seq = m.seq;
        const refuse = (problem: PluginProblem) => send({ type: 'itemsServed', seq, ok: false, problem: { ...problem, cause: undefined } });
        let next: PluginBindings;
        try {
          next = proxyBindings(m.bindings, info, logger, call);
        } catch (e) {
          return refuse({ code: e instanceof SchemaError ? PluginProblemCode.BadSchema : PluginProblemCode.BadDeclaration, pluginId: info.id, path: manifest.dir, message: e instanceof Error ? e.message : String(e), fix: e instanceof SchemaError ? SchemaError.fix : 'fix the declaration' });
        }
        publishBindings(generation, next).then(
          () => send({ type: 'itemsServed', seq, ok: true }),
          (e) => refuse(e instanceof PluginLoadError ? e.problem : { code: PluginProblemCode.BadDeclaration, pluginId: info.id, path: manifest.dir, message: String(e), fix: 'see the cause in the log' }),
        );
        return;
      }
      case 'pong':
        clearTimeout(pingTimer);
        pingTimer = undefined;
        return;
    }
  };
  worker.on('message', (data: WorkerToHost[] | object) => eachMessage(data, onMessage));
  worker.on('error', (e) => die(`uncaught error: ${e.message}`));
  worker.on('exit', (description) => die(killedBecause ?? description));

  const call = (target: CallTarget, ctx: RequestContext & { arguments?: Record<string, string> }): Promise<unknown> =>
    drain.run(
      () =>
        new Promise((resolve, reject) => {
          if (dead) return reject(new Error(`plugin ${info.id}@${info.version} is not running: ${dead}`));
          const id = ++nextId;
          const onAbort = () => send({ type: 'cancel', id });
          // A host-built context is followed through its lifetime, so no AbortSignal is made for a call that is not cancelled.
          const lifetime = lifetimeOf(ctx);
          if (lifetime) lifetime.onAbort(onAbort);
          else ctx.signal.addEventListener('abort', onAbort, { once: true });
          // Traced calls only: the hop span opens now, and its context crosses as the call's last element.
          const hop = traceOf(ctx)?.hop(kind);
          // A task's call may run as long as the task lives, not just plugins.callTimeoutMs.
          pending.set(id, { resolve, reject, ctx, lifetime, deadline: Date.now() + (lifetime?.timeoutMs ?? options.callTimeoutMs), onAbort, hop });
          startSweep();
          send(hop ? [id, target, ctx.requestId, ctx.meta, ctx.principal, ctx.client, ctx.arguments, hop.context] : [id, target, ctx.requestId, ctx.meta, ctx.principal, ctx.client, ctx.arguments]);
        }),
    );

  const dispose = async () => {
    if (disposing) return;
    disposing = true;
    if (!dead) {
      // Let the plugin run its dispose hooks, but never wait on it for long.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5000);
        worker.on('message', (data: WorkerToHost[] | object) => eachMessage<WorkerToHost>(data, (m) => !Array.isArray(m) && m.type === 'disposed' && (clearTimeout(timer), resolve())));
        send({ type: 'dispose' });
      });
    }
    await worker.terminate();
  };

  let bindings: PluginBindings;
  try {
    bindings = proxyBindings(ready.bindings, info, logger, call);
  } catch (e) {
    // The worker loaded, but the host cannot serve it: it ends here, or nothing would ever end it.
    await dispose();
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof SchemaError) throw new PluginLoadError({ code: PluginProblemCode.BadSchema, pluginId: manifest.id, path: manifest.dir, message: `${message} (compiled on the host)`, fix: SchemaError.fix, cause: e.cause });
    throw new PluginLoadError({ code: PluginProblemCode.BadDeclaration, pluginId: manifest.id, path: manifest.dir, message: `the host cannot serve what the plugin declared: ${message}`, fix: 'fix the declaration', cause: e });
  }
  const generation: PluginGeneration = { info, manifest, bindings, logger, drain, dispose };
  return generation;
}

/**
 * Watches a plugin process's resident memory (plugins.maxRssMb); past it, `kill` is called with
 * the reason, which names the plugin's limit. Returns the function that stops watching.
 */
function watchMemory(worker: PluginThread, manifest: PluginManifest, options: WorkerGenerationOptions, logger: Logger, kill: (reason: string) => void): (() => void) | undefined {
  const limitMb = options.maxRssMb;
  if (worker.pid === undefined) return undefined;
  const stop = watchRss(worker.pid, limitMb, (rssMb) => kill(`memory limit exceeded: RSS ${rssMb} MB > ${limitMb} MB (plugins.maxRssMb); killed`));
  if (!stop) logger.warn({ plugin: manifest.id }, 'plugins.maxRssMb is not enforced: the resident memory of a process cannot be read here (/proc is Linux only)');
  return stop;
}

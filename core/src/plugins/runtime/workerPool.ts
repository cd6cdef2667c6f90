import type { IsolationKind, PluginThread } from './PluginThread.js';
import { ProcessThread } from './ProcessThread.js';
import { WorkerThread } from './WorkerThread.js';
import type { WorkerToHost } from './workerProtocol.js';

interface Spare {
  readonly thread: PluginThread;
  readonly booted: Promise<void>;
}

const REPLENISH_DELAY_MS = 250;

/** One spare per kind and limits, started on first use of that kind only. */
const spares = new Map<string, Spare>();
const replenishing = new Map<string, NodeJS.Timeout>();
let closed = false;

/** The limits a thread is started with: V8's heap limit, and for a process the largest message the host reads from it (plugins.maxRssMb). */
export interface ThreadLimits {
  readonly memoryMb: number;
  readonly maxRssMb: number;
}

const keyOf = (kind: IsolationKind, limits: ThreadLimits) => (kind === 'process' ? `process:${limits.memoryMb}:${limits.maxRssMb}` : `worker:${limits.memoryMb}`);

function spawn(kind: IsolationKind, limits: ThreadLimits): Spare {
  const thread = kind === 'process' ? new ProcessThread(limits.memoryMb, limits.maxRssMb) : new WorkerThread(limits.memoryMb);
  const booted = new Promise<void>((resolve, reject) => {
    const onMessage = (m: WorkerToHost | WorkerToHost[]) => !Array.isArray(m) && m.type === 'booted' && (thread.off('message', onMessage), resolve());
    thread.on('message', onMessage);
    thread.once('error', reject);
    thread.once('exit', (description) => reject(new Error(`plugin ${description} while starting`)));
  });
  booted.catch(() => undefined); // a spare that dies is simply not used
  return { thread, booted };
}

/**
 * Hands out a booted plugin worker thread or process. One spare of each kind in use is kept
 * started (its runtime and the host's shared modules already imported: ~0.5 s of work for a
 * worker, more for a process) so that a reload or a crash restart pays only for loading the plugin
 * itself; it is replaced as soon as it is taken.
 */
export async function takeThread(kind: IsolationKind, limits: ThreadLimits): Promise<PluginThread> {
  const key = keyOf(kind, limits);
  let taken = spares.get(key);
  if (taken) spares.delete(key);
  else taken = spawn(kind, limits);
  taken.thread.ref();
  try {
    await taken.booted;
  } catch {
    taken = spawn(kind, limits);
    taken.thread.ref();
    await taken.booted;
  }
  replenish(kind, limits);
  return taken.thread;
}

/** Starts the next spare a little later, so its boot does not compete with the plugin load it follows. */
function replenish(kind: IsolationKind, limits: ThreadLimits): void {
  const key = keyOf(kind, limits);
  if (closed || spares.has(key) || replenishing.has(key)) return;
  const timer = setTimeout(() => {
    replenishing.delete(key);
    if (closed || spares.has(key)) return;
    const spare = spawn(kind, limits);
    // An idle spare must not keep the host alive; a spare process also ends with the host (its IPC channel closes).
    spare.thread.unref();
    spares.set(key, spare);
    // A spare that dies is forgotten, so the next take starts a fresh one instead of handing out a dead one.
    spare.thread.once('exit', () => spares.get(key) === spare && spares.delete(key));
  }, REPLENISH_DELAY_MS);
  timer.unref();
  replenishing.set(key, timer);
}

/** Stops the spares (host shutdown) without waiting on them. */
export function closeWorkerPool(): void {
  closed = true;
  for (const timer of replenishing.values()) clearTimeout(timer);
  replenishing.clear();
  for (const s of spares.values()) void s.thread.terminate();
  spares.clear();
}

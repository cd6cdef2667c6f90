import type { IsolationKind, PluginThread } from './PluginThread.js';
import { ProcessThread } from './ProcessThread.js';
import { WorkerThread } from './WorkerThread.js';
import type { WorkerToHost } from './workerProtocol.js';

interface Spare {
  readonly thread: PluginThread;
  readonly booted: Promise<void>;
}

const REPLENISH_DELAY_MS = 250;

/** One spare per kind and heap limit, started on first use of that kind only. */
const spares = new Map<string, Spare>();
const replenishing = new Map<string, NodeJS.Timeout>();
let closed = false;

const keyOf = (kind: IsolationKind, memoryMb: number) => `${kind}:${memoryMb}`;

function spawn(kind: IsolationKind, memoryMb: number): Spare {
  const thread = kind === 'process' ? new ProcessThread(memoryMb) : new WorkerThread(memoryMb);
  const booted = new Promise<void>((resolve, reject) => {
    const onMessage = (m: WorkerToHost | WorkerToHost[]) => !Array.isArray(m) && m.type === 'booted' && (thread.off('message', onMessage), resolve());
    thread.on('message', onMessage);
    thread.once('error', reject);
    thread.once('exit', (description) => reject(new Error(`plugin ${kind} ${description} while starting`)));
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
export async function takeThread(kind: IsolationKind, memoryMb: number): Promise<PluginThread> {
  const key = keyOf(kind, memoryMb);
  let taken = spares.get(key);
  if (taken) spares.delete(key);
  else taken = spawn(kind, memoryMb);
  taken.thread.ref();
  try {
    await taken.booted;
  } catch {
    taken = spawn(kind, memoryMb);
    taken.thread.ref();
    await taken.booted;
  }
  replenish(kind, memoryMb);
  return taken.thread;
}

/** Starts the next spare a little later, so its boot does not compete with the plugin load it follows. */
function replenish(kind: IsolationKind, memoryMb: number): void {
  const key = keyOf(kind, memoryMb);
  if (closed || spares.has(key) || replenishing.has(key)) return;
  const timer = setTimeout(() => {
    replenishing.delete(key);
    if (closed || spares.has(key)) return;
    const spare = spawn(kind, memoryMb);
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

import { Worker } from 'node:worker_threads';
import type { WorkerToHost } from './workerProtocol.js';

interface Spare {
  readonly worker: Worker;
  readonly booted: Promise<void>;
  readonly memoryMb: number;
}

const REPLENISH_DELAY_MS = 250;

let spare: Spare | undefined;
let closed = false;

function spawn(memoryMb: number): Spare {
  const worker = new Worker(new URL('./workerMain.js', import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: memoryMb } });
  const booted = new Promise<void>((resolve, reject) => {
    const onMessage = (m: WorkerToHost | WorkerToHost[]) => !Array.isArray(m) && m.type === 'booted' && (worker.off('message', onMessage), resolve());
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`plugin worker exited with code ${code} while starting`)));
  });
  booted.catch(() => undefined); // a spare that dies is simply not used
  return { worker, booted, memoryMb };
}

/**
 * Hands out a booted plugin worker. One spare is kept started (its runtime and the host's shared
 * modules already imported, ~0.5 s of work) so that a reload or a crash restart pays only for
 * loading the plugin itself; it is replaced as soon as it is taken.
 */
export async function takeWorker(memoryMb: number): Promise<Worker> {
  let taken = spare && spare.memoryMb === memoryMb ? spare : undefined;
  if (taken) spare = undefined;
  else taken = spawn(memoryMb);
  taken.worker.ref();
  try {
    await taken.booted;
  } catch {
    taken = spawn(memoryMb);
    await taken.booted;
  }
  replenish(memoryMb);
  return taken.worker;
}

let replenishing: NodeJS.Timeout | undefined;

/** Starts the next spare a little later, so its boot does not compete with the plugin load it follows. */
function replenish(memoryMb: number): void {
  if (closed || spare || replenishing) return;
  replenishing = setTimeout(() => {
    replenishing = undefined;
    if (closed || spare) return;
    spare = spawn(memoryMb);
    // An idle spare must not keep the process alive.
    spare.worker.unref();
  }, REPLENISH_DELAY_MS);
  replenishing.unref();
}

/** Stops the spare worker (host shutdown). */
export async function closeWorkerPool(): Promise<void> {
  closed = true;
  clearTimeout(replenishing);
  const s = spare;
  spare = undefined;
  await s?.worker.terminate();
}

import { PluginLoadError, PluginProblemCode } from '../PluginProblem.js';
import type { PluginManifest } from '../readManifest.js';
import type { IsolationKind, PluginThread } from './PluginThread.js';
import type { WorkerToHost } from './workerProtocol.js';

/**
 * Waits for a freshly started worker or process to load its plugin: it answers ready (with its
 * bindings) or failed (with the problem), or dies trying, or takes longer than `loadTimeoutMs` (it
 * is then ended). `killedBecause` names why the host ended it, if it did (a memory cap), so the
 * exit is reported with the real reason.
 */
export function handshake(worker: PluginThread, manifest: PluginManifest, kind: IsolationKind, loadTimeoutMs: number, killedBecause: () => string | undefined): Promise<Extract<WorkerToHost, { type: 'ready' }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (void worker.terminate(), done(), reject(new PluginLoadError({ code: PluginProblemCode.ImportFailed, pluginId: manifest.id, path: manifest.dir, message: `loading did not finish within ${loadTimeoutMs} ms (a hang at import or in setup?)`, fix: 'fix the plugin start-up' }))), loadTimeoutMs);
    const done = () => (clearTimeout(timer), worker.off('message', onMessage), worker.off('error', onError), worker.off('exit', onExit));
    // The handshake is sent alone (an object); a batch (an array) is not for this listener.
    const onMessage = (m: WorkerToHost | WorkerToHost[]) => {
      if (Array.isArray(m)) return;
      if (m.type === 'ready') done(), resolve(m);
      else if (m.type === 'failed') done(), void worker.terminate(), reject(new PluginLoadError(m.problem));
    };
    const onError = (e: Error) => (done(), void worker.terminate(), reject(new PluginLoadError({ code: PluginProblemCode.ImportFailed, pluginId: manifest.id, path: manifest.dir, message: `${kind} failed while loading: ${e.message}`, fix: 'fix the plugin start-up', cause: e })));
    const onExit = (description: string) => (done(), reject(new PluginLoadError({ code: PluginProblemCode.ImportFailed, pluginId: manifest.id, path: manifest.dir, message: `${killedBecause() ?? description} while loading`, fix: killedBecause() ? 'make the plugin need less memory at start-up, or raise plugins.maxRssMb' : 'do not call process.exit in a plugin' })));
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
  });
}

import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { PluginThread } from './PluginThread.js';

/** A plugin generation's worker thread, as a PluginThread. V8's heap limit applies; ArrayBuffers and other external memory are the host's. */
export class WorkerThread extends EventEmitter implements PluginThread {
  readonly kind = 'worker';
  readonly pid = undefined;
  private readonly worker: Worker;
  /** Why the host ended the worker itself, reported as its exit. */
  private killedBecause: string | undefined;

  constructor(memoryMb: number) {
    super();
    // A plugin's stdout goes to the host's stderr, as a plugin process's does: in stdio mode the host's stdout carries the protocol.
    this.worker = new Worker(new URL('./workerMain.js', import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: memoryMb }, stdout: true });
    this.worker.stdout.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    this.worker.on('message', (data) => this.emit('message', data));
    this.worker.on('error', (e) => this.emit('error', e));
    // A message that cannot be deserialized here is lost: the worker is out of step with its calls, so it is ended (as a process would be).
    this.worker.on('messageerror', (e) => ((this.killedBecause ??= `sent a message the host cannot read (${e.message}); terminated`), void this.terminate()));
    this.worker.on('exit', (code) => this.emit('exit', this.killedBecause ?? `worker exited with code ${code}`));
    // An error is always followed by the exit, which is what the owner acts on: it must never throw in the host for want of a listener.
    this.on('error', () => undefined);
  }

  postMessage(message: unknown): void {
    this.worker.postMessage(message);
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  ref(): void {
    this.worker.ref();
  }

  unref(): void {
    this.worker.unref();
  }
}

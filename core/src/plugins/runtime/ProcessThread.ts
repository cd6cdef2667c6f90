import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { PluginThread } from './PluginThread.js';
import type { WorkerToHost } from './workerProtocol.js';

const WORKER_MAIN = fileURLToPath(new URL('./workerMain.js', import.meta.url));

/**
 * A plugin generation's child process, as a PluginThread: the same workerMain.js, speaking the same
 * messages over the IPC channel with V8's structured serialization. Its memory is its own, so the
 * host can cap all of it (see RssWatchdog), and nothing it does can take the host down.
 */
export class ProcessThread extends EventEmitter implements PluginThread {
  readonly kind = 'process';
  private readonly child: ChildProcess;
  private exited = false;

  constructor(private readonly memoryMb: number) {
    super();
    this.child = fork(WORKER_MAIN, [], {
      serialization: 'advanced',
      // Only the heap limit: the host's own flags (an inspector port, loaders) are not the plugin's.
      execArgv: [`--max-old-space-size=${memoryMb}`],
      // stdout goes to the host's stderr too: in stdio mode the host's stdout carries the protocol.
      stdio: ['ignore', 2, 'inherit', 'ipc'],
    });
    this.child.on('message', (data: WorkerToHost | WorkerToHost[]) => {
      // An uncaught exception in the child is reported by workerMain before it exits, as a worker's would be.
      if (!Array.isArray(data) && data.type === 'uncaught') this.emit('error', Object.assign(new Error(data.message), { stack: data.stack }));
      else this.emit('message', data);
    });
    this.child.on('error', (e) => this.emit('error', e));
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      this.emit('exit', this.describeExit(code, signal));
    });
    // An error is followed by the exit (or is a failed spawn, which the owner sees at the handshake): it must never throw in the host for want of a listener.
    this.on('error', () => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  postMessage(message: unknown): void {
    // A message to a process whose channel just closed is dropped: its exit is on the way.
    if (this.child.connected) this.child.send(message as never);
  }

  terminate(): Promise<void> {
    if (this.exited || this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }

  ref(): void {
    this.child.ref();
    (this.child.channel as { ref?(): void } | null | undefined)?.ref?.();
  }

  unref(): void {
    this.child.unref();
    (this.child.channel as { unref?(): void } | null | undefined)?.unref?.();
  }

  private describeExit(code: number | null, signal: NodeJS.Signals | null): string {
    if (signal === 'SIGABRT') return `process aborted (SIGABRT), most likely at its heap limit (plugins.workerMemoryMb: ${this.memoryMb} MB; "JavaScript heap out of memory" in the log)`;
    if (signal) return `process killed by ${signal}`;
    return `process exited with code ${code}`;
  }
}

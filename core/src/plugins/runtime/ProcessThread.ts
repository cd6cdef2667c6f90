import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { FrameReader, PLUGIN_CHANNEL_FD, writeFrame } from './frames.js';
import type { PluginThread } from './PluginThread.js';
import type { WorkerToHost } from './workerProtocol.js';

const WORKER_MAIN = fileURLToPath(new URL('./workerMain.js', import.meta.url));

/**
 * A plugin generation's child process, as a PluginThread: the same workerMain.js, speaking the same
 * messages, V8-serialized in frames over a pipe of its own (fd 3; see frames.ts for why not Node's
 * IPC channel). Its memory is its own, so the host can cap all of it (see RssWatchdog), and nothing
 * it does can take the host down: a message the host cannot read ends the process, not the host.
 */
export class ProcessThread extends EventEmitter implements PluginThread {
  readonly kind = 'process';
  private readonly child: ChildProcess;
  private readonly channel: Socket;
  private exited = false;
  /** Why the host ended the process itself, reported as its exit. */
  private killedBecause: string | undefined;

  /** `maxMessageMb`: the largest message the host reads from it (at most what the process may hold, plugins.maxRssMb). */
  constructor(
    private readonly memoryMb: number,
    maxMessageMb: number,
  ) {
    super();
    this.child = spawn(process.execPath, [`--max-old-space-size=${memoryMb}`, WORKER_MAIN], {
      // stdout goes to the host's stderr too: in stdio mode the host's stdout carries the protocol.
      stdio: ['ignore', 2, 'inherit', 'pipe'],
    });
    this.channel = this.child.stdio[PLUGIN_CHANNEL_FD] as Socket;
    const reader = new FrameReader(
      (m: WorkerToHost | WorkerToHost[]) => {
        // An uncaught exception in the child is reported by workerMain before it exits, as a worker's would be.
        if (!Array.isArray(m) && m.type === 'uncaught') this.emit('error', Object.assign(new Error(m.message), { stack: m.stack }));
        else this.emit('message', m);
      },
      (e) => this.kill(`sent a message the host cannot read (${e.message}); killed`),
      maxMessageMb * 1048576,
    );
    this.channel.on('data', (chunk: Buffer) => reader.push(chunk));
    // A write to a process that just died fails (EPIPE): its exit, on the way, says why.
    this.channel.on('error', () => undefined);
    this.child.on('error', (e) => this.emit('error', e));
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      this.emit('exit', this.killedBecause ?? this.describeExit(code, signal));
    });
    // An error is followed by the exit (or is a failed spawn, which the owner sees at the handshake): it must never throw in the host for want of a listener.
    this.on('error', () => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  postMessage(message: unknown): void {
    if (this.channel.writable) writeFrame(this.channel, message);
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
    this.channel.ref();
  }

  unref(): void {
    this.child.unref();
    this.channel.unref();
  }

  private kill(reason: string): void {
    this.killedBecause ??= reason;
    void this.terminate();
  }

  private describeExit(code: number | null, signal: NodeJS.Signals | null): string {
    if (signal === 'SIGABRT') return `process aborted (SIGABRT), most likely at its heap limit (plugins.workerMemoryMb: ${this.memoryMb} MB; "JavaScript heap out of memory" in the log)`;
    if (signal) return `process killed by ${signal}`;
    return `process exited with code ${code}`;
  }
}

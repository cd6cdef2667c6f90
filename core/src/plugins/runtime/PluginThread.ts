/** Where an isolated plugin generation runs: a worker thread of the host, or a child process. */
export type IsolationKind = 'worker' | 'process';

/**
 * What the host side of an isolated generation (WorkerGeneration) needs from the thread or process
 * that runs it; one adapter per kind (WorkerThread, ProcessThread). Messages are the plain data of
 * workerProtocol.ts, structured-cloned either way.
 *
 * Events: `message` (what the other side posted), `error` (an uncaught exception ended it, or it
 * could not be started), `exit` (it is gone; `description` says how, e.g. "worker exited with code 3").
 */
export interface PluginThread {
  readonly kind: IsolationKind;
  /** The process id of a plugin process (its memory is watched), undefined for a worker thread. */
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  on(event: 'message', listener: (data: any) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'exit', listener: (description: string) => void): this;
  once(event: 'error', listener: (error: Error) => void): this;
  once(event: 'exit', listener: (description: string) => void): this;
  off(event: 'message' | 'error' | 'exit', listener: (...args: any[]) => void): this;
  /** Ends it at once (a worker is terminated, a process killed); resolves when it is gone. */
  terminate(): Promise<void>;
  /** Whether it keeps the host's event loop alive: a serving one does, an idle spare must not. */
  ref(): void;
  unref(): void;
}

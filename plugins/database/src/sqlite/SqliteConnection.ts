import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '@mcp-host/sdk';
import { DatabaseError, type Connection, type RawResult, type RunOptions, type TableDescription, type TableRef } from '../Connection.js';
import { jsonSafe, RowCollector } from '../rows.js';
import { countStatements, forbiddenStatement } from './countStatements.js';
import { sqliteWorkerMain, type SqliteOp, type SqliteRequest, type SqliteResponse } from './sqliteWorkerMain.js';

const WORKER_SOURCE = `${jsonSafe.toString()}\n${RowCollector.toString()}\n(${sqliteWorkerMain.toString()})();\n`;


interface Settings {
  readonly name: string;
  readonly file: string;
  readonly allowWrites: boolean;
}

/**
 * One SQLite connection (node-sqlite3-wasm: SQLite compiled to WebAssembly, reading the file
 * through Node's fs). Statements run one at a time in a worker thread of the connection's own: a
 * read-only handle for queries, a read-write one (only when writes are allowed) for `execute`. A
 * handle outlives a call only after a plain read (see `sqliteWorkerMain`), so no transaction, temp
 * table or PRAGMA a statement leaves behind reaches the next call. A statement past its timeout, or
 * whose call is cancelled, is stopped by terminating the worker; the next statement starts a new one.
 */
export class SqliteConnection implements Connection {
  readonly driver = 'sqlite' as const;
  readonly name: string;
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextId = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly settings: Settings,
    private readonly logger: Logger,
  ) {
    this.name = settings.name;
  }

  async run(sql: string, params: readonly unknown[], options: RunOptions): Promise<RawResult> {
    const statements = countStatements(sql);
    if (statements !== 1) throw new DatabaseError(statements === 0 ? 'the SQL text holds no statement' : `the SQL text holds ${statements} statements; send one statement per call`);
    const forbidden = forbiddenStatement(sql);
    if (forbidden) throw new DatabaseError(forbidden);
    if (!options.readOnly && !this.settings.allowWrites) throw new DatabaseError(`connection "${this.name}" is read-only`);
    const bound = params.map((p) => (p !== null && typeof p === 'object' ? JSON.stringify(p) : p));
    return (await this.call({ op: 'run', sql, params: bound, readOnly: options.readOnly, maxRows: options.maxRows, maxResultBytes: options.maxResultBytes }, options.timeoutMs, options.signal)) as RawResult;
  }

  async listTables(options: { timeoutMs: number; signal?: AbortSignal }): Promise<TableRef[]> {
    return (await this.call({ op: 'listTables' }, options.timeoutMs, options.signal)) as TableRef[];
  }

  async describeTable(table: string, options: { timeoutMs: number; signal?: AbortSignal }): Promise<TableDescription | undefined> {
    return ((await this.call({ op: 'describeTable', table }, options.timeoutMs, options.signal)) ?? undefined) as TableDescription | undefined;
  }

  /** A SQLite file has no roles: what a connection may do is the handle it gets (read-only or not). */
  async checkRole(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    // Close the handles (releasing the file's locks) before the thread goes; don't wait long for a busy one.
    const id = ++this.nextId;
    await Promise.race([
      new Promise((resolve) => {
        this.pending.set(id, { resolve, reject: resolve });
        worker.postMessage({ id, op: 'close' } satisfies SqliteRequest);
      }),
      new Promise((resolve) => setTimeout(resolve, 1000).unref()),
    ]);
    await this.stopWorker(new DatabaseError('the connection was closed'));
  }

  /** Runs one request after the previous one finished (SQLite statements on one connection are serial). */
  private call(op: SqliteOp, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
    const result = this.queue.then(() => this.send(op, timeoutMs, signal));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private send(op: SqliteOp, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
    if (this.closed) return Promise.reject(new DatabaseError('the connection is closed'));
    signal?.throwIfAborted();
    if (op.op !== 'run' || op.readOnly) {
      // A read-only handle cannot create the file; say so plainly instead of "could not open".
      if (!existsSync(this.settings.file)) return Promise.reject(new DatabaseError(`SQLite database file not found: ${this.settings.file}`));
    }
    const worker = this.ensureWorker();
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const stop = (error: DatabaseError) => {
        cleanup();
        void this.stopWorker(error, true);
      };
      const timer = setTimeout(() => stop(new DatabaseError(`canceling statement due to statement timeout (${timeoutMs} ms)`, 'timeout')), timeoutMs);
      const onAbort = () => stop(new DatabaseError('the statement was cancelled', 'cancelled'));
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (v) => (cleanup(), resolve(v)),
        reject: (e) => (cleanup(), reject(e)),
      });
      worker.postMessage({ id, ...op } satisfies SqliteRequest);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const modulePath = createRequire(import.meta.url).resolve('node-sqlite3-wasm');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { modulePath, file: this.settings.file } });
    worker.on('message', (m: SqliteResponse) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.ok) p?.resolve(m.value);
      else p?.reject(new DatabaseError(m.message));
    });
    worker.on('error', (e) => {
      this.logger.error({ err: e, connection: this.name }, 'SQLite worker failed');
      void this.stopWorker(new DatabaseError(`the SQLite worker failed: ${e.message}`, undefined, { cause: e }));
    });
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
    });
    this.worker = worker;
    return worker;
  }

  /** Ends the worker and fails whatever waited on it. */
  private async stopWorker(error: DatabaseError, interrupted = false): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
    if (!worker) return;
    await worker.terminate();
    if (interrupted) {
      // The wasm VFS locks with a `<file>.lock` directory; a worker stopped mid-statement leaves it behind.
      rmSync(`${this.settings.file}.lock`, { recursive: true, force: true });
      this.logger.warn({ connection: this.name, reason: error.message }, 'SQLite statement stopped');
    }
  }
}

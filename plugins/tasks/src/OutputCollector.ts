import { StringDecoder } from 'node:string_decoder';

export type StreamName = 'stdout' | 'stderr';

/** Longest line kept (in the tail and in log notifications); longer ones are cut. */
const MAX_LINE = 4096;
const MAX_PARTIAL = 64 * 1024;

export interface OutputCollectorOptions {
  /** Lines kept for the tail. */
  readonly tailLines: number;
  /** Called with each batch of complete lines of one stream. */
  readonly onBatch: (stream: StreamName, lines: string[]) => void;
  /** A batch is sent after this long without one, or as soon as it holds `batchLines` lines. */
  readonly batchMs?: number;
  readonly batchLines?: number;
}

/**
 * Splits a process's stdout and stderr into lines (UTF-8, across chunk boundaries), hands them on
 * in batches, and keeps the last `tailLines` lines of both streams in the order they arrived.
 */
export class OutputCollector {
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  private readonly partial = { stdout: '', stderr: '' };
  private readonly pending = { stdout: [] as string[], stderr: [] as string[] };
  private readonly tail: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Complete lines seen so far, both streams. */
  lines = 0;
  /** True when lines fell out of the tail. */
  truncated = false;

  constructor(private readonly options: OutputCollectorOptions) {}

  push(stream: StreamName, chunk: Buffer): void {
    const parts = (this.partial[stream] + this.decoders[stream].write(chunk)).split(/\r?\n/);
    this.partial[stream] = parts.pop()!;
    for (const line of parts) this.line(stream, line);
    // Output without newlines must not grow without bound: past a limit it counts as a line.
    if (this.partial[stream].length > MAX_PARTIAL) {
      this.line(stream, this.partial[stream]);
      this.partial[stream] = '';
    }
  }

  /** Ends both streams: unfinished last lines count as lines, and everything pending is handed on. */
  end(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.partial[stream] + this.decoders[stream].end();
      this.partial[stream] = '';
      if (rest !== '') this.line(stream, rest);
    }
    this.flush();
  }

  /** The kept lines, oldest first. */
  tailText(): string {
    return this.tail.join('\n');
  }

  /** Hands on the pending lines now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.pending[stream].length === 0) continue;
      const batch = this.pending[stream];
      this.pending[stream] = [];
      this.options.onBatch(stream, batch);
    }
  }

  private line(stream: StreamName, raw: string): void {
    const line = raw.length > MAX_LINE ? `${raw.slice(0, MAX_LINE)}…` : raw;
    this.lines++;
    this.tail.push(line);
    if (this.tail.length > this.options.tailLines) {
      this.tail.shift();
      this.truncated = true;
    }
    this.pending[stream].push(line);
    if (this.pending[stream].length >= (this.options.batchLines ?? 50)) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.batchMs ?? 200);
  }
}

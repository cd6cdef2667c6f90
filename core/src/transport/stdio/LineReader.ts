import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

/**
 * Splits a byte stream into lines, with a bound on a line's length: a line longer than `maxBytes`
 * is not kept (its bytes are dropped as they come) and is reported once with `onOverflow` when it
 * ends, so a client cannot make the host buffer an endless line. Each chunk is searched for
 * newlines once (no rescanning of a long line's earlier parts).
 */
export class LineReader {
  private parts: string[] = [];
  private length = 0;
  private overflowed = false;
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    private readonly maxBytes: number,
    private readonly onLine: (line: string) => void,
    private readonly onOverflow: () => void,
  ) {}

  /** Reads `input` until it ends (or `stop` is called); resolves then. */
  read(input: Readable): Promise<void> {
    input.on('data', this.push);
    return new Promise((resolve) => {
      this.stopReading = () => (input.off('data', this.push), input.pause(), resolve());
      input.once('end', () => {
        this.add(this.decoder.end());
        if (this.parts.length > 0 || this.overflowed) this.end();
        resolve();
      });
      input.once('close', () => resolve());
    });
  }

  /** Stops reading (a drain): lines not yet read are left unread. */
  stop(): void {
    this.stopReading?.();
  }

  private stopReading: (() => void) | undefined;

  private readonly push = (chunk: Buffer | string): void => {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let start = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', start)) !== -1) {
      this.add(text.slice(start, nl));
      this.end();
      start = nl + 1;
    }
    if (start < text.length) this.add(text.slice(start));
  };

  private add(piece: string): void {
    if (this.overflowed || piece === '') return;
    this.length += Buffer.byteLength(piece);
    if (this.length > this.maxBytes) {
      this.overflowed = true;
      this.parts = [];
    } else {
      this.parts.push(piece);
    }
  }

  private end(): void {
    const { overflowed } = this;
    const line = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    this.parts = [];
    this.length = 0;
    this.overflowed = false;
    if (overflowed) this.onOverflow();
    else this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
}

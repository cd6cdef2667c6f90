import { deserialize, serialize } from 'node:v8';

/** The file descriptor of a plugin process's end of its channel to the host (a pipe the host opens at spawn). */
export const PLUGIN_CHANNEL_FD = 3;

/** What a frame's body may not exceed: a 4-byte length, so at most 4 GiB - 1 (a reader may set less). */
const MAX_FRAME_BYTES = 0xffff_ffff;

/**
 * Writes `message` as one frame (a 4-byte big-endian length, then V8's serialization of it) to a
 * plugin process's channel. Throws as `postMessage` does when the message cannot be cloned, before
 * anything is written.
 */
export function writeFrame(stream: { cork(): void; uncork(): void; write(chunk: Uint8Array, cb?: (e?: Error | null) => void): boolean }, message: unknown, cb?: (e?: Error | null) => void): void {
  const body = serialize(message);
  if (body.length > MAX_FRAME_BYTES) throw new RangeError(`a message of ${body.length} bytes is too large to send`);
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(body.length);
  stream.cork();
  stream.write(head);
  stream.write(body, cb);
  stream.uncork();
}

/**
 * Reads the frames written by `writeFrame` from the chunks of a stream. A frame is copied at most
 * once (when it spans chunks) and deserialized inside a try: a message the reader cannot read
 * (nested past its stack, a body that is not V8's format, a frame over `maxBytes`) ends the reading
 * with `onBad`, never with a throw in the reader's process. Node's own IPC deserializes outside any
 * try, so a child could take its parent down with one deep message; this is why plugin processes
 * speak over a pipe of their own.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private broken = false;

  constructor(
    private readonly onMessage: (message: any) => void,
    private readonly onBad: (error: Error) => void,
    private readonly maxBytes = MAX_FRAME_BYTES,
  ) {}

  push(chunk: Buffer): void {
    if (this.broken) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      const size = this.head();
      if (size > this.maxBytes) return this.fail(new RangeError(`a message of ${size} bytes, more than the ${this.maxBytes} allowed`));
      if (this.buffered < 4 + size) return;
      const data = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
      const body = data.subarray(4, 4 + size);
      const rest = data.subarray(4 + size);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      let message: unknown;
      try {
        message = deserialize(body);
      } catch (e) {
        return this.fail(e instanceof Error ? e : new Error(String(e)));
      }
      this.onMessage(message);
    }
  }

  /** The length of the next frame (its 4 bytes may span chunks). */
  private head(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readUInt32BE(0);
    const joined = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [joined];
    return joined.readUInt32BE(0);
  }

  private fail(error: Error): void {
    this.broken = true;
    this.chunks = [];
    this.buffered = 0;
    this.onBad(error);
  }
}

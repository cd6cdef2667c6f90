import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FrameReader, writeFrame } from './frames.js';

/** The bytes writeFrame writes for each message, concatenated. */
function bytesOf(...messages: unknown[]): Buffer {
  const stream = new PassThrough();
  for (const m of messages) writeFrame(stream, m);
  stream.end();
  return stream.read() as Buffer;
}

function reader(maxBytes?: number) {
  const got: unknown[] = [];
  const bad: string[] = [];
  const r = new FrameReader((m) => got.push(m), (e) => bad.push(e.message), maxBytes);
  return { r, got, bad };
}

describe('frames', () => {
  const messages = [[1, true, { text: 'é', bytes: new Uint8Array([1, 2, 3]) }], { type: 'pong' }, [2, false, { kind: 'tool', message: 'no' }], 'x'.repeat(100_000)];

  it('reads back what was written, whole, byte by byte, or in uneven chunks', () => {
    const bytes = bytesOf(...messages);
    for (const size of [bytes.length, 1, 3, 7, 4096]) {
      const { r, got, bad } = reader();
      for (let i = 0; i < bytes.length; i += size) r.push(bytes.subarray(i, i + size));
      expect(got, `chunks of ${size}`).toEqual(messages);
      expect(bad).toEqual([]);
    }
  });

  it('a body that is not V8 serialization, a frame over the limit, a message nested past the stack: reported once, never thrown', () => {
    const garbage = reader();
    expect(() => garbage.r.push(Buffer.from([0, 0, 0, 4, 0xff, 0xff, 0xff, 0xff]))).not.toThrow();
    expect(garbage.bad).toHaveLength(1);
    garbage.r.push(bytesOf('after'));
    expect(garbage.got).toEqual([]); // the stream is out of step: nothing more is read

    const big = reader(1000);
    big.r.push(bytesOf('y'.repeat(2000)));
    expect(big.bad).toEqual([expect.stringMatching(/^a message of 20\d\d bytes, more than the 1000 allowed$/)]);

    // Serialized by hand at a depth the writer's stack allows and the reader's may not.
    let deep: unknown = 0;
    for (let i = 0; i < 3000; i++) deep = [deep];
    let bytes: Buffer | undefined;
    try {
      bytes = bytesOf(deep);
    } catch {
      return; // this machine's stack refuses it already when writing
    }
    const nested = reader();
    expect(() => nested.r.push(bytes!)).not.toThrow();
    expect(nested.got.length + nested.bad.length).toBe(1);
  });
});

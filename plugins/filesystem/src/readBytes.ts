import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { ToolError } from '@mcp-host/sdk';

export interface ReadPart {
  readonly bytes: Buffer;
  /** Size of the whole file. */
  readonly size: number;
  readonly offset: number;
  /** True when only part of the file was read. */
  readonly partial: boolean;
}

/** Thrown for a read over the size limit; the message says how to read it in parts. */
export class TooLargeError extends ToolError {
  override name = 'TooLargeError';
}

// Never follow a link swapped in after the checks, and never block on a FIFO.
const FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Reads a regular file (already checked by the PathGuard), whole or the part `offset`/`length`,
 * refusing to read more than `maxBytes`. `label` names the file in messages.
 */
export async function readBytes(file: string, label: string, maxBytes: number, offset = 0, length?: number): Promise<ReadPart> {
  const info = await stat(file);
  if (info.isDirectory()) throw new ToolError(`${label} is a folder; list it with list_directory.`);
  if (!info.isFile()) throw new ToolError(`${label} is not a regular file (a device, socket or pipe); it cannot be read.`);
  const available = Math.max(0, info.size - offset);
  if (length === undefined && available > maxBytes) {
    throw new TooLargeError(`${label} is ${info.size} bytes, more than the ${maxBytes}-byte read limit (maxReadBytes); read it in parts with offset and length (length at most ${maxBytes}).`);
  }
  if (length !== undefined && length > maxBytes) throw new TooLargeError(`length ${length} is more than the ${maxBytes}-byte read limit (maxReadBytes).`);
  const want = Math.min(length ?? available, available);
  const handle = await open(file, FLAGS);
  try {
    const bytes = Buffer.alloc(want);
    let done = 0;
    while (done < want) {
      const { bytesRead } = await handle.read(bytes, done, want - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return { bytes: bytes.subarray(0, done), size: info.size, offset, partial: offset > 0 || done < info.size };
  } finally {
    await handle.close();
  }
}

import { closeSync, openSync, readSync } from 'node:fs';

interface Watched {
  readonly limitBytes: number;
  readonly onOver: (rssMb: number) => void;
}

const INTERVAL_MS = 100;
const watched = new Map<number, Watched>();
let timer: NodeJS.Timeout | undefined;
const buffer = Buffer.alloc(256);
let pageSize: number | undefined | null;

/** Resident pages of a process from /proc/<pid>/statm (its second field), or undefined when it cannot be read (gone, or not Linux). */
function residentPages(pid: number | 'self'): number | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(`/proc/${pid}/statm`, 'r');
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    const fields = buffer.toString('latin1', 0, n).split(' ');
    return Number(fields[1]);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The page size, from this process's own resident pages against its RSS (a power of two); null where /proc is missing. */
function pageBytes(): number | null {
  if (pageSize !== undefined) return pageSize;
  const pages = residentPages('self');
  pageSize = pages ? 2 ** Math.round(Math.log2(process.memoryUsage.rss() / pages)) : null;
  return pageSize;
}

function tick(): void {
  const page = pageBytes()!;
  for (const [pid, w] of watched) {
    const pages = residentPages(pid);
    if (pages === undefined || pages * page <= w.limitBytes) continue;
    watched.delete(pid);
    w.onOver(Math.round((pages * page) / 1048576));
  }
  if (watched.size === 0) stop();
}

function stop(): void {
  clearInterval(timer);
  timer = undefined;
}

/**
 * Watches the resident memory of a plugin process: one timer for all of them, reading
 * /proc/<pid>/statm every 100 ms (a few microseconds per process). Past `limitMb`, `onOver` is
 * called once with the RSS seen, and the process is no longer watched: the owner kills it.
 * Unlike V8's heap limit this counts everything (ArrayBuffers, native memory), but it is polled:
 * what a process allocates within one interval can go past the limit before it is seen.
 *
 * Returns the function that stops watching, or undefined where RSS cannot be read (not Linux).
 */
export function watchRss(pid: number, limitMb: number, onOver: (rssMb: number) => void): (() => void) | undefined {
  if (pageBytes() === null) return undefined;
  watched.set(pid, { limitBytes: limitMb * 1048576, onOver });
  timer ??= setInterval(tick, INTERVAL_MS).unref();
  return () => {
    if (watched.get(pid)?.onOver !== onOver) return;
    watched.delete(pid);
    if (watched.size === 0) stop();
  };
}

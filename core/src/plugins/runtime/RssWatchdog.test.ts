import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { watchRss } from './RssWatchdog.js';

const linux = process.platform === 'linux';

describe.runIf(linux)('watchRss', () => {
  it('reports a process over its limit once, with the RSS it saw, and leaves one under it alone', async () => {
    // Allocates and touches 160 MB of external memory (what V8's heap limit does not count), then waits (bounded).
    const child = spawn(process.execPath, ['-e', 'const b = Buffer.alloc(160 * 1048576, 1); setTimeout(() => b.length, 10_000);'], { stdio: 'ignore' });
    const quiet: number[] = [];
    const stopQuiet = watchRss(process.pid, 1_000_000, (mb) => quiet.push(mb));
    try {
      const seen: number[] = [];
      const over = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('not reported within 5 s')), 5000);
        watchRss(child.pid!, 96, (mb) => (seen.push(mb), clearTimeout(timer), resolve(mb)));
      });
      expect(over).toBeGreaterThan(96);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seen).toHaveLength(1); // once: the owner kills it
      expect(quiet).toEqual([]);
    } finally {
      stopQuiet?.();
      child.kill('SIGKILL');
    }
  });

  it('stops watching when asked', async () => {
    const seen: number[] = [];
    const stop = watchRss(process.pid, 1, (mb) => seen.push(mb));
    stop?.();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen).toEqual([]);
  });
});

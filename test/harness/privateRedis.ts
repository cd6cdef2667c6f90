import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './prometheus.js';

/**
 * A redis-server of one suite's own, on a free loopback port, for the tests that kill Redis (a
 * crash) and start it again (empty, as without persistence): the machine's Redis is shared with
 * every other suite and is never stopped.
 */
export interface PrivateRedis {
  readonly port: number;
  /** redis://127.0.0.1:<port> */
  readonly url: string;
  /** Starts it (again, empty) and resolves once it accepts connections (bounded: 10 s). */
  start(): Promise<void>;
  /** SIGKILLs it and waits for the exit; nothing when it is not running. */
  kill(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let server: ChildProcess | undefined;
  const redis: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    start: () => {
      const child = (server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] }));
      return new Promise<void>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`redis-server on port ${port} did not start within 10 s: ${out}`))), 10_000);
        child.stdout!.on('data', (d) => {
          out += d;
          if (out.includes('Ready to accept connections')) clearTimeout(timer), resolve();
        });
        child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`redis-server exited with ${code}: ${out}`))));
      });
    },
    kill: async () => {
      const s = server;
      if (!s || s.exitCode !== null || s.signalCode !== null) return;
      s.kill('SIGKILL');
      await new Promise((r) => s.once('exit', r));
    },
  };
  await redis.start();
  return redis;
}

/**
 * Dependency injection in every isolation mode: one plugin class injects its logger, its config,
 * its identity and a host service (NOTIFICATIONS) by sdk token. In-process its container is a child
 * of the kernel's root; in a worker or a process, of that runtime's root, which provides the same
 * tokens with implementations that cross to the host. The plugin sees the same values and its
 * announcement reaches a connected client the same way in all three.
 */
import { fileURLToPath } from 'node:url';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { connectHttpClient, startTestHost, writeConfig } from '../harness/index.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/injection/injection-fixture', import.meta.url));

describe.each(['in-process', 'worker', 'process'] as const)('sdk tokens injected in a plugin running %s', (isolation) => {
  it('gets its logger, config and info, and announces through the host service', async () => {
    const config = writeConfig({ plugins: { settings: { injection: { isolation, config: { greeting: 'hello' } } } } });
    const host = await startTestHost({ plugins: [FIXTURE], args: ['--config', config.file, '--no-watch'], timeoutMs: 30_000 });
    const { client } = await connectHttpClient(host.url);
    try {
      const report = JSON.parse(((await client.callTool({ name: 'injection_report', arguments: {} })).content as Array<{ text: string }>)[0]!.text);
      expect(report).toMatchObject({ config: { greeting: 'hello' }, plugin: 'injection@1.0.0', logger: true });
      // Where it ran: the host's own thread, a worker thread of the host, or another process.
      expect(report.runsIn).toBe(isolation === 'in-process' ? 'host' : isolation);
      expect(report.pid === host.process.pid).toBe(isolation !== 'process');
      // The injected logger is the host's pino, bound to the plugin.
      await expect.poll(() => host.logs.find((l) => l.msg === 'injection report'), { timeout: 5_000 }).toMatchObject({ plugin: 'injection', version: '1.0.0', greeting: 'hello' });

      const changed = new Promise<void>((resolve) => client.setNotificationHandler(ToolListChangedNotificationSchema, async () => resolve()));
      expect(((await client.callTool({ name: 'injection_announce', arguments: {} })).content as Array<{ text: string }>)[0]!.text).toBe('announced');
      await changed;
    } finally {
      await client.close();
      await host.stop();
      config.remove();
    }
  }, 40_000);
});

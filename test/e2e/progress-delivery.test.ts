/**
 * Progress that reaches the official SDK clients. Both SDKs (1.x and 2.x) handle a response at
 * once but each notification one microtask later, so a progress notification read in the same
 * chunk as its call's result is dropped ("unknown token"). The host writes a call's notifications
 * ahead of its result, in an earlier write, so the client reads them first. Measured here with a
 * worker-isolated tool (the worker sends its progress and its result in one batch) over stdio and
 * over HTTP SSE, 100 sequential calls of 3 progress notifications each, per client.
 *
 * HTTP SSE: all 300, before and after (the SDKs' SSE readers await each event, so a progress
 * event's microtask runs before the result event is even parsed).
 * stdio: no host can promise all 300. Nothing on a pipe tells the host the client has read, so the
 * host waits 10 ms after a progress notification before writing the result (StdioTransport); a
 * client not scheduled within that time still reads both at once. Measured on a 2-core machine
 * under a load average of 4 (other test suites): 23–46 of 300 arrived before the change, 291–300
 * after. The bound asserted (≥ 270, and every notification accounted for) leaves room for a loaded
 * machine while failing on the old behaviour by far.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client as Client1 } from '@modelcontextprotocol/sdk/client/index.js';
import type { Client as Client2 } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlugin, pluginSource } from '../harness/faultPlugins.js';
import { connectHttpClient, connectModernHttpClient, connectModernStdioClient, connectStdioClient, startTestHost, type TestHost } from '../harness/index.js';

const CALLS = 100;
const STEPS = 3;
/** stdio's bound: see above. */
const STDIO_AT_LEAST = 270;

function expectStdioBound(m: { delivered: number; unknown: number }): void {
  expect(m.delivered + m.unknown).toBe(CALLS * STEPS);
  expect(m.delivered).toBeGreaterThanOrEqual(STDIO_AT_LEAST);
}

let dir: string;
let plugin: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcp-progress-'));
  // No isolation setting: the host's default, a worker thread.
  plugin = createPlugin(dir, 'progress-worker', pluginSource([{ name: 'three_steps', body: `for (let i = 1; i <= ${STEPS}; i++) await ctx.progress(i, ${STEPS}, 'step ' + i);\nreturn 'done';` }]));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Call = (onprogress: () => void) => Promise<unknown>;
const call1 = (client: Client1): Call => (onprogress) => client.callTool({ name: 'three_steps', arguments: {} }, undefined, { onprogress });
// 2.x dropped the result-schema parameter: the options come second.
const call2 = (client: Client2): Call => (onprogress) => client.callTool({ name: 'three_steps', arguments: {} }, { onprogress });

/** Calls the tool `CALLS` times, one after another; counts the progress seen and the client's "unknown token" errors. */
async function measure(client: { onerror?: (e: Error) => void }, call: Call): Promise<{ delivered: number; unknown: number }> {
  let delivered = 0;
  let unknown = 0;
  client.onerror = (e) => void (/unknown token/.test(e.message) && unknown++);
  for (let i = 0; i < CALLS; i++) {
    const result = await call(() => void delivered++);
    expect((result as { content: Array<{ text: string }> }).content[0].text).toBe('done');
  }
  // A notification dropped by the client is reported on its next microtask; let those run.
  await new Promise((r) => setTimeout(r, 50));
  return { delivered, unknown };
}

describe('progress of a worker-isolated tool over stdio', () => {
  it(`SDK 1.x: at least ${STDIO_AT_LEAST} of ${CALLS * STEPS} progress notifications arrive`, async () => {
    const { client } = await connectStdioClient([plugin]);
    try {
      const measured = await measure(client, call1(client));
      console.log('stdio SDK 1.x progress delivered', measured);
      expectStdioBound(measured);
    } finally {
      await client.close();
    }
  }, 60_000);

  it(`SDK 2.x (2026-07-28): at least ${STDIO_AT_LEAST} of ${CALLS * STEPS} progress notifications arrive`, async () => {
    const { client } = await connectModernStdioClient([plugin]);
    try {
      const measured = await measure(client, call2(client));
      console.log('stdio SDK 2.x progress delivered', measured);
      expectStdioBound(measured);
    } finally {
      await client.close();
    }
  }, 60_000);
});

describe('progress of a worker-isolated tool over HTTP SSE', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ plugins: [plugin] });
  });
  afterAll(async () => {
    await host?.stop();
  });

  it(`SDK 1.x: all ${CALLS * STEPS} progress notifications arrive`, async () => {
    const { client } = await connectHttpClient(host.url);
    try {
      expect(await measure(client, call1(client))).toEqual({ delivered: CALLS * STEPS, unknown: 0 });
    } finally {
      await client.close();
    }
  }, 60_000);

  it(`SDK 2.x (2026-07-28): all ${CALLS * STEPS} progress notifications arrive`, async () => {
    const { client } = await connectModernHttpClient(host.url);
    try {
      expect(await measure(client, call2(client))).toEqual({ delivered: CALLS * STEPS, unknown: 0 });
    } finally {
      await client.close();
    }
  }, 60_000);
});

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { HOST_BIN } from './startTestHost.js';

const DEFAULT_CAPABILITIES: ClientCapabilities = { sampling: {}, elicitation: {}, roots: {} };

/** An official SDK 1.x client connected over Streamable HTTP; `headers` go with every request (e.g. Authorization). */
export async function connectHttpClient(url: string, capabilities: ClientCapabilities = DEFAULT_CAPABILITIES, headers?: Record<string, string>): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name: 'mcp-host-e2e', version: '1.0.0' }, { capabilities });
  const transport = new StreamableHTTPClientTransport(new URL(url), headers ? { requestInit: { headers } } : undefined);
  await client.connect(transport);
  return { client, transport };
}

/** An official SDK 1.x client that spawns `mcp-host --stdio` with the given plugins. */
export async function connectStdioClient(plugins: string[], capabilities: ClientCapabilities = DEFAULT_CAPABILITIES, extraArgs: string[] = []): Promise<{ client: Client; transport: StdioClientTransport; stderr: () => string }> {
  const client = new Client({ name: 'mcp-host-e2e-stdio', version: '1.0.0' }, { capabilities });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [HOST_BIN, '--stdio', '--log-level', 'debug', ...plugins.flatMap((p) => ['--plugins', p]), ...extraArgs],
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d) => (stderr += d));
  await client.connect(transport);
  return { client, transport, stderr: () => stderr };
}

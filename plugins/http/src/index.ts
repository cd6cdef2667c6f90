/**
 * The http plugin (id `http`): one tool per operation of the configured OpenAPI 3 documents, and
 * `http_request` for the allowed hosts; every call goes through the SSRF-guarded `HttpClient`.
 */
import { definePlugin, type ToolDefinition } from '@mcp-host/sdk';
import { AddressPolicy } from './AddressPolicy.js';
import { ApiTools } from './ApiTools.js';
import { HttpConfigSchema } from './config.js';
import { HttpClient } from './HttpClient.js';
import { HttpRequestTool } from './HttpRequestTool.js';
import { loadDocument } from './openapi/loadDocument.js';

export default definePlugin({
  config: HttpConfigSchema,
  classes: [HttpRequestTool],
  setup({ config, container }) {
    container.registerInstance(AddressPolicy, new AddressPolicy(config.allowedHosts, config.allowedAddresses));
    container.registerInstance(HttpClient, new HttpClient({ timeoutMs: config.timeoutMs, maxResponseBytes: config.maxResponseBytes, maxRedirects: config.maxRedirects, userAgent: config.userAgent }));
  },
  // The operation tools exist only once the config names the documents.
  items(config, { container, logger }) {
    const client = container.resolve(HttpClient);
    const policy = container.resolve(AddressPolicy);
    const problems: string[] = [];
    const names = new Map<string, string>([['http_request', 'the http_request tool']]);
    const operationTools: ToolDefinition[] = [];
    for (const api of config.apis) {
      let tools: ToolDefinition[];
      try {
        const apiTools = new ApiTools(api, loadDocument(api.document), client, policy, logger);
        for (const skipped of apiTools.skipped) logger.warn({ api: api.name, skipped }, 'OpenAPI operation left out');
        tools = apiTools.tools();
      } catch (e) {
        problems.push(`API "${api.name}": ${(e as Error).message}`);
        continue;
      }
      for (const tool of tools) {
        const owner = names.get(tool.name);
        if (owner) problems.push(`API "${api.name}": tool name ${tool.name} is also used by ${owner}; set apis[].toolPrefix or exclude one`);
        names.set(tool.name, `API "${api.name}"`);
      }
      operationTools.push(...tools);
    }
    if (problems.length > 0) throw new Error(`invalid http config: ${problems.join('; ')}`);
    logger.info({ apis: config.apis.map((a) => a.name), tools: operationTools.length, allowedHosts: config.allowedHosts }, 'http plugin set up');
    return { tools: operationTools };
  },
});

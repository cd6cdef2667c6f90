/*
 * Attribute names of the OpenTelemetry MCP conventions (semantic-conventions-genai, docs/gen-ai/mcp.md,
 * status "development"), and ours. Copied rather than imported from the package's `incubating`
 * entry, as OpenTelemetry advises for conventions that may still change: a rename there must be a
 * decision here, not a side effect of an upgrade.
 */
export const MCP_METHOD_NAME = 'mcp.method.name';
export const MCP_PROTOCOL_VERSION = 'mcp.protocol.version';
export const MCP_SESSION_ID = 'mcp.session.id';
export const MCP_RESOURCE_URI = 'mcp.resource.uri';
export const JSONRPC_REQUEST_ID = 'jsonrpc.request.id';
export const GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
export const GEN_AI_PROMPT_NAME = 'gen_ai.prompt.name';
export const GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const RPC_RESPONSE_STATUS_CODE = 'rpc.response.status_code';
export const ERROR_TYPE = 'error.type';
export const NETWORK_TRANSPORT = 'network.transport';
export const NETWORK_PROTOCOL_NAME = 'network.protocol.name';

/** Ours: which plugin generation served the call, and which era of the protocol it came in. */
export const MCP_HOST_PLUGIN = 'mcp_host.plugin';
export const MCP_HOST_PLUGIN_VERSION = 'mcp_host.plugin.version';
export const MCP_HOST_ERA = 'mcp_host.era';
/** On the isolation hop span: `worker` or `process`. */
export const MCP_HOST_ISOLATION = 'mcp_host.isolation';

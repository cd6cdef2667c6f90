/**
 * Protocol types re-exported from the official MCP SDK (types only: nothing of it is loaded at
 * run time), so plugin authors need a single import.
 */
export type {
  Annotations,
  BlobResourceContents,
  CallToolResult,
  ClientCapabilities,
  ContentBlock,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestFormParams,
  ElicitRequestParams,
  ElicitResult,
  GetPromptResult,
  Icon,
  Implementation,
  ListRootsResult,
  LoggingLevel,
  PromptArgument,
  PromptMessage,
  ReadResourceResult,
  ResourceContents,
  TextResourceContents,
  ToolAnnotations,
} from '@modelcontextprotocol/sdk/types.js';

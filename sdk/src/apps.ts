/** MCP Apps (SEP-1865): the MIME type of an app resource (HTML served under `ui://`). */
export const MCP_APP_MIME_TYPE = 'text/html;profile=mcp-app';
/** MCP Apps: the extension's id in `capabilities.extensions`. */
export const APPS_EXTENSION = 'io.modelcontextprotocol/ui';

export const USAGE = `Usage: mcp-host [options]

Serves MCP plugins over Streamable HTTP (default) or stdio.

Options:
  --port <n>          HTTP port (default 3000; 0 picks a free port)
  --admin-port <n>    Serve health, /metrics and the admin API and UI on 127.0.0.1:<n> (0 picks a free port)
  --host <addr>       HTTP address to bind (default 127.0.0.1)
  --stdio             serve one client on stdin/stdout instead of HTTP (logs go to stderr)
  --plugins <path>    a plugin folder, or a folder of plugin folders (repeatable;
                      replaces the config's plugins.paths)
  --no-watch          do not reload plugins when their files change
  --config <file>     config file (YAML or JSON); without it the embedded default
                      config serves the example plugins
  --log-level <lvl>   fatal | error | warn | info | debug | trace | silent
  -h, --help          show this help
  -v, --version       print the version

Precedence: defaults < config file < flags < MCP_HOST_* environment variables
(MCP_HOST_HOST, MCP_HOST_PORT, MCP_HOST_PATH, MCP_HOST_STDIO, MCP_HOST_PLUGINS,
MCP_HOST_LOG_LEVEL, MCP_HOST_ALLOWED_HOSTS, MCP_HOST_ALLOWED_ORIGINS).
`;

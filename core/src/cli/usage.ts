export const USAGE = `Usage: mcp-host [options]
       mcp-host dev [plugin-dir…] [options]
       mcp-host new plugin <dir> [--ts|--js]

Serves MCP plugins over Streamable HTTP (default) or stdio.

Commands:
  dev [dir…]          the author's loop: serves the plugins (the folders given, like --plugins),
                      compiles TypeScript plugins on save (swc) and reloads them; compile errors
                      show file:line:column and the last good version keeps serving
  new plugin <dir>    writes a plugin that builds, tests and hot-reloads on its own
                      (--ts, the default, or --js); see docs/plugins.md

Options:
  --port <n>          HTTP port (default 3000; 0 picks a free port)
  --admin-port <n>    Serve health, /metrics and the admin API and UI on 127.0.0.1:<n> (0 picks a free port)
  --host <addr>       HTTP address to bind (default 127.0.0.1)
  --stdio             serve one client on stdin/stdout instead of HTTP (logs go to stderr)
  --plugins <path>    a plugin folder, or a folder of plugin folders (repeatable;
                      replaces the config's plugins.paths)
  --no-watch          do not reload plugins when their files change
  --dev               the dev loop (as \`mcp-host dev\`) with the plugins of --plugins / the config
  --config <file>     config file (YAML or JSON); without it the embedded default
                      config serves the example plugins
  --log-level <lvl>   fatal | error | warn | info | debug | trace | silent
  -h, --help          show this help
  -v, --version       print the version

Precedence: defaults < config file < flags < MCP_HOST_* environment variables
(MCP_HOST_HOST, MCP_HOST_PORT, MCP_HOST_PATH, MCP_HOST_STDIO, MCP_HOST_PLUGINS,
MCP_HOST_LOG_LEVEL, MCP_HOST_ALLOWED_HOSTS, MCP_HOST_ALLOWED_ORIGINS).
`;

export const NEW_USAGE = `Usage: mcp-host new plugin <dir> [--ts|--js]

Writes a new plugin into <dir> (absent or empty): one tool, one resource, one prompt, a unit test
(createToolContext) and an in-host test (startTestHost), a README, and a package.json with the
engine range of this host. --ts (default): TypeScript with decorators, a tsconfig that compiles
them; --js: plain JavaScript, no build step.

The author kit (@mcp-host/sdk, @mcp-host/testing, @mcp-host/core) is not on a registry: the
package.json links it from this checkout (link:<folder>), so run \`pnpm build\` here first, then
\`pnpm install\` in <dir>. See docs/plugins.md.
`;

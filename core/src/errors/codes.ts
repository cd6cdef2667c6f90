/**
 * Every error code mcp-host answers with, in one place: the JSON-RPC error codes of its responses
 * (with the HTTP status each goes with on the HTTP transport), and the host's own `MCPH_*` codes of
 * plugin problems. One code per kind of refusal, so a client (or an operator reading a log) can
 * tell them apart without parsing messages.
 *
 * | code   | name                             | HTTP | when |
 * |--------|----------------------------------|------|------|
 * | -32700 | ParseError                       | 400  | the body is not JSON |
 * | -32600 | InvalidRequest                   | 400/413/415 | not a JSON-RPC message, a batch, over `server.limits`, too large, not JSON |
 * | -32601 | MethodNotFound                   | 200 (404 modern) | no such method |
 * | -32602 | InvalidParams                    | 200/400 | bad params, unknown tool/prompt, bad cursor or requestState |
 * | -32603 | InternalError                    | 200/500 | the host failed (logged) |
 * | -32000 | ConnectionClosed                 | 400  | a legacy request the session layer cannot take: no `Mcp-Session-Id`, an unsupported `MCP-Protocol-Version`, a malformed `Last-Event-ID`; a session closed under a request waiting on the client |
 * | -32001 | SessionNotFound                  | 404  | the session expired, was closed, or is another principal's |
 * | -32002 | ResourceNotFound                 | 200  | legacy era: no resource at that URI |
 * | -32003 | Forbidden                        | 403  | the principal lacks a scope or role (`WWW-Authenticate: insufficient_scope`) |
 * | -32004 | Unauthorized                     | 401/400 | no, a bad, or a malformed bearer token |
 * | -32005 | Unavailable                      | 503  | shutting down (or a call cut short by the drain), session limit reached, keys unavailable, starting |
 * | -32006 | OriginRefused                    | 403  | Host or Origin not allowed (DNS-rebinding protection) |
 * | -32007 | MethodNotAllowed                 | 405  | an HTTP method the endpoint does not serve |
 * | -32008 | NotAcceptable                    | 406  | `Accept` lacks what the response needs |
 * | -32009 | Conflict                         | 409  | a second GET stream for one session |
 * | -32020 | HeaderMismatch                   | 400  | 2026-07-28: `Mcp-Method`/`Mcp-Name`/`Mcp-Param-*` disagree with the body |
 * | -32021 | MissingRequiredClientCapability  | 400  | 2026-07-28: the request needs a capability the client did not declare |
 * | -32022 | UnsupportedProtocolVersion       | 400  | 2026-07-28: a protocol version this host does not serve |
 * | -32029 | RateLimited                      | 429/200 | over a rate, a concurrency limit or a quota (`data.limit`, `data.retryAfterMs`) |
 *
 * JSON-RPC leaves -32000..-32099 to implementations: -32000..-32002 are the codes the MCP SDKs
 * use, -32020..-32022 the 2026-07-28 specification's, the rest the host's own. Plugins raise codes
 * through the sdk's `ErrorCode`, which names the JSON-RPC and MCP ones among these.
 */
export const RpcCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  ConnectionClosed: -32000,
  SessionNotFound: -32001,
  ResourceNotFound: -32002,
  Forbidden: -32003,
  Unauthorized: -32004,
  Unavailable: -32005,
  OriginRefused: -32006,
  MethodNotAllowed: -32007,
  NotAcceptable: -32008,
  Conflict: -32009,
  HeaderMismatch: -32020,
  MissingRequiredClientCapability: -32021,
  UnsupportedProtocolVersion: -32022,
  RateLimited: -32029,
} as const;

/**
 * The host's own codes of plugin problems: every problem names the plugin (when known), the path,
 * what is wrong and how to fix it; a plugin with problems is skipped and the host serves the rest.
 */
export const PluginProblemCode = {
  PathNotFound: 'MCPH_PLUGIN_PATH_NOT_FOUND',
  NoManifest: 'MCPH_PLUGIN_NO_MANIFEST',
  BadManifest: 'MCPH_PLUGIN_BAD_MANIFEST',
  EngineMismatch: 'MCPH_PLUGIN_ENGINE_MISMATCH',
  EntryMissing: 'MCPH_PLUGIN_ENTRY_MISSING',
  ImportFailed: 'MCPH_PLUGIN_IMPORT_FAILED',
  NotAPlugin: 'MCPH_PLUGIN_NOT_A_PLUGIN',
  SetupFailed: 'MCPH_PLUGIN_SETUP_FAILED',
  /** The plugin's config section does not match the schema the plugin declares (`definePlugin({ config })`); the message names each path. */
  BadConfig: 'MCPH_PLUGIN_BAD_CONFIG',
  ConstructFailed: 'MCPH_PLUGIN_CONSTRUCT_FAILED',
  BadDeclaration: 'MCPH_PLUGIN_BAD_DECLARATION',
  /** A tool's input or output JSON Schema does not compile (the message names the tool and Ajv's error). */
  BadSchema: 'MCPH_PLUGIN_BAD_SCHEMA',
  DuplicateName: 'MCPH_PLUGIN_DUPLICATE_NAME',
  DuplicateId: 'MCPH_PLUGIN_DUPLICATE_ID',
  VersionPinned: 'MCPH_PLUGIN_VERSION_PINNED',
  NotNewer: 'MCPH_PLUGIN_NOT_NEWER',
  BreakingChange: 'MCPH_PLUGIN_BREAKING_CHANGE',
} as const;
export type PluginProblemCode = (typeof PluginProblemCode)[keyof typeof PluginProblemCode];

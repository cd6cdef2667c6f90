/**
 * Clients of the 2026-07-28 ("modern") protocol era: the official SDK 2.x client pinned to
 * 2026-07-28 over Streamable HTTP and over stdio, and a raw `postModern` for requests a
 * well-behaved client would never send.
 */
import {
  Client,
  StreamableHTTPClientTransport,
  type ClientCapabilities,
  type CreateMessageRequest,
  type CreateMessageResult,
  type ElicitRequest,
  type ElicitResult,
  type ListRootsResult,
} from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { HOST_BIN } from './startTestHost.js';

export const MODERN_VERSION = '2026-07-28';

/** The reserved `_meta` keys of 2026-07-28. */
export const META = {
  protocolVersion: 'io.modelcontextprotocol/protocolVersion',
  clientCapabilities: 'io.modelcontextprotocol/clientCapabilities',
  clientInfo: 'io.modelcontextprotocol/clientInfo',
  logLevel: 'io.modelcontextprotocol/logLevel',
  serverInfo: 'io.modelcontextprotocol/serverInfo',
  subscriptionId: 'io.modelcontextprotocol/subscriptionId',
} as const;

const DEFAULT_CAPABILITIES: ClientCapabilities = { sampling: {}, elicitation: {}, roots: {} };

export type ModernClient = Client;

export interface ModernClientOptions {
  /** Declared client capabilities (default: sampling, elicitation and roots). */
  readonly capabilities?: ClientCapabilities;
  /** Client name sent in `_meta` clientInfo. */
  readonly name?: string;
  /** Timeout of the connect-time `server/discover` probe (default 10 s). */
  readonly probeTimeoutMs?: number;
  /**
   * Handlers the client runs for the `inputRequests` of an `input_required` result (then it
   * retries the call with the answers). Each can also be set, or replaced, later with
   * `client.setRequestHandler('elicitation/create' | 'sampling/createMessage' | 'roots/list', …)`;
   * a handler needs the matching capability to be declared.
   */
  readonly onElicit?: (request: ElicitRequest) => ElicitResult | Promise<ElicitResult>;
  readonly onSample?: (request: CreateMessageRequest) => CreateMessageResult | Promise<CreateMessageResult>;
  readonly onListRoots?: () => ListRootsResult | Promise<ListRootsResult>;
}

function newModernClient(options: ModernClientOptions, defaultName: string): Client {
  const client = new Client(
    { name: options.name ?? defaultName, version: '1.0.0' },
    {
      capabilities: options.capabilities ?? DEFAULT_CAPABILITIES,
      versionNegotiation: { mode: { pin: MODERN_VERSION }, probe: { timeoutMs: options.probeTimeoutMs ?? 10_000 } },
    },
  );
  const { onElicit, onSample, onListRoots } = options;
  if (onElicit) client.setRequestHandler('elicitation/create', (req) => onElicit(req) as never);
  if (onSample) client.setRequestHandler('sampling/createMessage', (req) => onSample(req) as never);
  if (onListRoots) client.setRequestHandler('roots/list', () => onListRoots() as never);
  return client;
}

/** One HTTP exchange of a client, as `WireLog` records it. */
export interface WireExchange {
  /** The POSTed JSON-RPC message (undefined for GET/DELETE). */
  readonly request: JsonRpcBody | undefined;
  /** Request headers, names lower-cased. */
  readonly requestHeaders: Record<string, string>;
  status?: number;
  responseHeaders?: Headers;
  /** The response messages: the JSON body, or every SSE event. Filled in once the body has ended. */
  responses?: JsonRpcBody[];
  /** Settles when `responses` is filled in (or the body was aborted). */
  readonly done: Promise<void>;
}

/** What a client sent and received over HTTP, in order. */
export type WireLog = WireExchange[];

/** A fetch that records every exchange in `log` (the response body is read from a clone). */
export function recordingFetch(log: WireLog): typeof fetch {
  return async (input, init) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
    let request: JsonRpcBody | undefined;
    try {
      request = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    } catch {
      request = undefined;
    }
    let settle!: () => void;
    const exchange: WireExchange = { request, requestHeaders: headers, done: new Promise<void>((r) => (settle = r)) };
    log.push(exchange);
    let res: Response;
    try {
      res = await fetch(input, init);
    } catch (e) {
      settle();
      throw e;
    }
    exchange.status = res.status;
    exchange.responseHeaders = res.headers;
    const isSse = (res.headers.get('content-type') ?? '').includes('text/event-stream');
    res
      .clone()
      .text()
      .then(
        (text) => {
          try {
            exchange.responses = isSse ? parseSse(text) : text ? [JSON.parse(text)] : [];
          } catch {
            exchange.responses = [];
          }
        },
        () => undefined,
      )
      .finally(settle);
    return res;
  };
}

/**
 * An official SDK 2.x client, pinned to 2026-07-28, connected over Streamable HTTP. With `wire`,
 * every HTTP exchange of the client is recorded there (to check what went over the wire, which
 * the client's decoded results no longer show, e.g. `resultType`).
 */
export async function connectModernHttpClient(
  url: string,
  options: ModernClientOptions & { readonly wire?: WireLog; readonly fetch?: typeof fetch } = {},
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = newModernClient(options, 'mcp-host-e2e-modern');
  const fetchLike = options.wire ? recordingFetch(options.wire) : options.fetch;
  const transport = new StreamableHTTPClientTransport(new URL(url), fetchLike ? { fetch: fetchLike } : undefined);
  await client.connect(transport);
  return { client, transport };
}

/** An official SDK 2.x client, pinned to 2026-07-28, that spawns `mcp-host --stdio` with the given plugins. */
export async function connectModernStdioClient(
  plugins: string[],
  options: ModernClientOptions & { readonly extraArgs?: string[] } = {},
): Promise<{ client: Client; transport: StdioClientTransport; stderr: () => string }> {
  const client = newModernClient(options, 'mcp-host-e2e-modern-stdio');
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [HOST_BIN, '--stdio', '--log-level', 'debug', ...plugins.flatMap((p) => ['--plugins', p]), ...(options.extraArgs ?? [])],
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d) => (stderr += d));
  await client.connect(transport);
  return { client, transport, stderr: () => stderr };
}

// ---- raw requests -----------------------------------------------------------------------------

export interface JsonRpcBody {
  jsonrpc?: string;
  id?: unknown;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown> & { resultType?: string };
  error?: { code: number; message: string; data?: any };
}

export interface ModernResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The raw body. */
  readonly text: string;
  /** A JSON body, parsed (undefined for SSE or an empty body). */
  readonly json: JsonRpcBody | undefined;
  /** The messages of an SSE body, in order (undefined for a JSON body). */
  readonly sseEvents: JsonRpcBody[] | undefined;
  /** The JSON-RPC response: the JSON body, or the SSE event carrying an id with a result or error. */
  readonly response: JsonRpcBody | undefined;
}

export interface PostModernOptions {
  /** Headers to add; a value of `null` removes a default header. */
  readonly headers?: Record<string, string | null>;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** A complete 2026-07-28 `_meta` envelope, with `extra` keys merged in. */
export function modernMeta(extra: Record<string, unknown> = {}, capabilities: ClientCapabilities = DEFAULT_CAPABILITIES): Record<string, unknown> {
  return {
    [META.protocolVersion]: MODERN_VERSION,
    [META.clientCapabilities]: capabilities,
    [META.clientInfo]: { name: 'mcp-host-e2e-raw', version: '1.0.0' },
    ...extra,
  };
}

/** A 2026-07-28 request body: `params` plus a complete `_meta` unless `params._meta` is given. */
export function modernRequest(id: string | number, method: string, params: Record<string, unknown> = {}): Record<string, unknown> {
  return { jsonrpc: '2.0', id, method, params: { ...params, _meta: params._meta ?? modernMeta() } };
}

/** The headers a conforming client sends with `body`. */
export function modernHeaders(body: unknown): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': MODERN_VERSION,
  };
  const b = body as { method?: unknown; params?: Record<string, unknown> } | null;
  if (b && typeof b === 'object' && typeof b.method === 'string') {
    const meta = b.params?._meta as Record<string, unknown> | undefined;
    if (typeof meta?.[META.protocolVersion] === 'string') headers['mcp-protocol-version'] = meta[META.protocolVersion] as string;
    if ('id' in b) headers['mcp-method'] = b.method;
    const name = b.method === 'resources/read' ? b.params?.uri : b.method === 'tools/call' || b.method === 'prompts/get' ? b.params?.name : undefined;
    if (typeof name === 'string') headers['mcp-name'] = name;
  }
  return headers;
}

/** Parses an SSE body into its JSON messages (data lines of each event joined, comments skipped). */
export function parseSse(text: string): JsonRpcBody[] {
  const events: JsonRpcBody[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    const data = block
      .split(/\r?\n/)
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).replace(/^ /, ''))
      .join('\n');
    if (data) events.push(JSON.parse(data));
  }
  return events;
}

/**
 * POSTs a 2026-07-28 message with the headers a conforming client sends (MCP-Protocol-Version,
 * Mcp-Method, Mcp-Name), unless `headers` overrides them. Reads the whole body, so do not use it
 * for `subscriptions/listen` (see `openListenStream`).
 */
export async function postModern(url: string, body: unknown, options: PostModernOptions = {}): Promise<ModernResponse> {
  const headers: Record<string, string> = modernHeaders(body);
  for (const [k, v] of Object.entries(options.headers ?? {})) {
    const key = k.toLowerCase();
    if (v === null) delete headers[key];
    else headers[key] = v;
  }
  const signal = options.signal ?? AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const res = await fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body), signal });
  const text = await res.text();
  const isSse = (res.headers.get('content-type') ?? '').includes('text/event-stream');
  let json: JsonRpcBody | undefined;
  let sseEvents: JsonRpcBody[] | undefined;
  if (isSse) sseEvents = parseSse(text);
  else if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  const response = json ?? sseEvents?.find((e) => 'id' in e && ('result' in e || 'error' in e));
  return { status: res.status, headers: res.headers, text, json, sseEvents, response };
}

/** An open `subscriptions/listen` SSE stream read incrementally. */
export interface ListenStream {
  readonly status: number;
  readonly headers: Headers;
  /** Messages received so far. */
  readonly events: JsonRpcBody[];
  /** Resolves with the first event matching `pred` (rejects after `timeoutMs`). */
  waitFor(pred: (e: JsonRpcBody) => boolean, timeoutMs?: number): Promise<JsonRpcBody>;
  /** Resolves when the server ends the body. */
  readonly ended: Promise<void>;
  close(): void;
}

/**
 * Opens a raw `subscriptions/listen` request and reads its body as it arrives. The body may also
 * be a single JSON error (a refused listen): it then lands in `events` as one message. `meta` adds
 * keys to the request's `_meta` (e.g. `mcp-host/contextId`).
 */
export async function openListenStream(url: string, id: string | number, notifications: Record<string, unknown>, options: PostModernOptions & { readonly meta?: Record<string, unknown> } = {}): Promise<ListenStream> {
  // `meta`: extra `_meta` keys of the listen request (e.g. "mcp-host/contextId"), beside the full envelope.
  const body = modernRequest(id, 'subscriptions/listen', { notifications, ...(options.meta ? { _meta: modernMeta(options.meta) } : {}) });
  const headers: Record<string, string> = modernHeaders(body);
  for (const [k, v] of Object.entries(options.headers ?? {})) {
    if (v === null) delete headers[k.toLowerCase()];
    else headers[k.toLowerCase()] = v;
  }
  const controller = new AbortController();
  const connectTimer = setTimeout(() => controller.abort(new Error('listen: no response headers in time')), options.timeoutMs ?? 10_000);
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: controller.signal }).finally(() => clearTimeout(connectTimer));
  const events: JsonRpcBody[] = [];
  const waiters = new Set<() => void>();
  const isSse = (res.headers.get('content-type') ?? '').includes('text/event-stream');
  const ended = (async () => {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += decoder.decode(value, { stream: true });
        if (!isSse) continue;
        let sep: number;
        while ((sep = buffered.search(/\r?\n\r?\n/)) !== -1) {
          const block = buffered.slice(0, sep);
          buffered = buffered.slice(sep).replace(/^\r?\n\r?\n/, '');
          events.push(...parseSse(block));
          for (const w of waiters) w();
        }
      }
    } catch {
      // aborted by close()
    }
    if (!isSse && buffered) events.push(JSON.parse(buffered));
    else if (buffered.trim()) events.push(...parseSse(buffered));
    for (const w of waiters) w();
  })();
  let finished = false;
  void ended.then(() => (finished = true));
  return {
    status: res.status,
    headers: res.headers,
    events,
    ended,
    waitFor(pred, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = events.find(pred);
          if (hit) return done(() => resolve(hit));
          if (finished) return done(() => reject(new Error(`listen stream ended without the expected event; got ${JSON.stringify(events)}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`no matching listen event within ${timeoutMs} ms; got ${JSON.stringify(events)}`))), timeoutMs);
        const done = (f: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          f();
        };
        waiters.add(check);
        void ended.then(check);
        check();
      });
    },
    close: () => controller.abort(),
  };
}

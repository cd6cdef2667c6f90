import type { Readable, Writable } from 'node:stream';
import type { JsonLimits } from '@mcp-host/config';
import type { Principal } from '@mcp-host/sdk';
import type { Logger } from 'pino';
import { ANONYMOUS } from '../../identity/principals.js';
import { ChurnMap } from '../../collections/ChurnMap.js';
import { OpenSet } from '../../collections/OpenSet.js';
import { CallLifetime } from '../../calls/CallLifetime.js';
import type { Channel } from '../../protocol/Channel.js';
import type { Engine } from '../../protocol/Engine.js';
import { errorResponse, type Classified, type JsonRpcMessage, type JsonRpcRequest, type RequestId } from '../../protocol/jsonrpc.js';
import { DEFAULT_JSON_LIMITS } from '../../calls/jsonLimits.js';
import { hasModernMeta } from '../../protocol/modern/modernMeta.js';
import { RpcCode } from '../../protocol/ProtocolError.js';
import { serializeMessage } from '../../protocol/RawJson.js';
import { readMessage } from '../../protocol/readMessage.js';
import { BATCH_VERSION, batchRefusal, isBatchText, readBatch } from '../../protocol/readBatch.js';
import { Session } from '../../protocol/Session.js';
import { LineReader } from './LineReader.js';

/** How long a response waits after a progress notification, for the client to read the progress first (see `progressAt`). */
const PROGRESS_GAP_MS = 10;

/** What needs no plugin: answered at once while the plugins load (see `holdUntil`). */
const ANSWERED_WHILE_LOADING: ReadonlySet<string> = new Set(['initialize', 'ping', 'server/discover']);

export interface StdioOptions {
  /** stdio carries no credentials: the principal is whoever the launcher configured (auth.stdioPrincipal). */
  readonly principal?: Principal;
  /** What one message's JSON may hold. */
  readonly limits?: JsonLimits;
  /** A longer line is refused (and not buffered): the stdio counterpart of server.bodyLimitBytes. */
  readonly maxLineBytes?: number;
}

/**
 * stdio: newline-delimited JSON-RPC on stdin/stdout for one client. stdout carries MCP messages
 * only (logs go to stderr). Requests are served concurrently, so a tool waiting on the client (an
 * elicitation) does not block the client's answer arriving on the next line.
 */
export class StdioTransport {
  readonly session: Session;
  private readonly channel: Channel;
  private readonly modernInFlight = new ChurnMap<RequestId, CallLifetime>();
  /** Requests of either era not yet answered: a drain waits for them, then answers those left. */
  private readonly open = new OpenSet<RequestId>();
  private readonly limits: JsonLimits;
  private readonly reader: LineReader;

  constructor(
    private readonly engine: Engine,
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly logger: Logger,
    options: StdioOptions = {},
  ) {
    this.session = new Session(undefined, options.principal ?? ANONYMOUS);
    this.channel = { canSend: true, transport: 'stdio', send: (m) => this.send(m) };
    this.session.standalone = this.channel;
    this.limits = options.limits ?? DEFAULT_JSON_LIMITS;
    const maxLineBytes = options.maxLineBytes ?? 4_194_304;
    this.reader = new LineReader(maxLineBytes, (line) => this.onLine(line), () =>
      (engine.signals.refused('limits', this.session.principal.id), this.write(errorResponse(null, { code: RpcCode.InvalidRequest, message: `Invalid Request: a line longer than ${maxLineBytes} bytes was dropped (server.bodyLimitBytes)` }))),
    );
    engine.addSession(this.session);
  }

  private write(message: JsonRpcMessage): void {
    if (this.session.closed) return;
    this.output.write(serializeMessage(message as never) + '\n');
  }

  /**
   * When a progress notification last went to the client (performance.now(); 0: never).
   *
   * The official SDK clients (1.x and 2.x) handle a response at once but a notification one
   * microtask later, so a progress notification read in the same chunk as its call's result finds
   * its handler gone and is dropped ("unknown token"). A worker even hands the host a call's
   * progress and result in one message. Writing the result in a later turn is not enough: a client
   * still waking up reads both writes at once (measured: the same loss as before). So a response
   * ready within PROGRESS_GAP_MS of a progress notification waits out the rest of it (`respond`):
   * time for the client to read the progress first. Measured with 100 calls of 3 progress each
   * (test/e2e/progress-delivery.test.ts): 23–46 of 300 arrived before, 291–300 with a 10 ms gap on
   * a loaded 2-core machine; what is still lost is a client not scheduled for that long.
   * Only progress: a log or a list_changed handled after the response is late, not lost. Calls
   * that send none pay nothing (a host that never sent progress skips even the clock read).
   */
  private progressAt = 0;

  /** What the engine sends ahead of a response (progress, logs, requests to the client, list_changed). */
  private send(message: JsonRpcMessage): void {
    if ((message as { method?: string }).method === 'notifications/progress') this.progressAt = performance.now();
    this.write(message);
  }

  /**
   * Until `ready` settles, requests other than `initialize`, `ping` and `server/discover` wait for
   * it (in order), then are served; those three and every notification and response are handled at
   * once. The host reads stdin before its plugins have loaded, so a client's handshake (and the
   * 2026-07-28 discovery probe, which the AI SDK abandons after 1 s) is answered within
   * milliseconds, while a list or a call sees the full catalog, not a partial one. The kernel
   * bounds `ready` (plugins.loadTimeoutMs).
   */
  holdUntil(ready: Promise<void>): void {
    const held = ready.then(() => void (this.held === held && (this.held = undefined)));
    this.held = held;
  }

  private held: Promise<void> | undefined;

  /** Starts reading; the returned promise settles when stdin closes (or a drain stops reading). */
  start(): Promise<void> {
    return this.reader.read(this.input);
  }

  /**
   * Graceful drain: stops reading new messages, waits up to `timeoutMs` for the requests in flight,
   * then answers those left with a shutting-down error and cancels them. Resolves with how many
   * were cut short.
   */
  async drain(timeoutMs: number): Promise<number> {
    this.reader.stop();
    await this.open.idle(timeoutMs);
    const left = [...this.open];
    for (const id of left) {
      this.write(errorResponse(id, { code: RpcCode.Unavailable, message: `Service Unavailable: the host shut down before this call finished (server.drainTimeoutMs: ${timeoutMs} ms); retry it` }));
      this.open.delete(id);
    }
    this.close();
    return left.length;
  }

  /** Tracks a request until its answer is written (or dropped: cancelled); the answer is not written twice. */
  private answer(id: RequestId, pending: Promise<JsonRpcMessage | undefined>): void {
    this.open.add(id);
    pending.then(
      (response) => (response ? this.respond(id, response) : this.open.delete(id)),
      (err) => (this.logger.error({ err }, 'stdio request failed'), this.open.delete(id)),
    );
  }

  /** Writes a response now, or once PROGRESS_GAP_MS have passed since the last progress notification (see `progressAt`). */
  private respond(id: RequestId, response: JsonRpcMessage): void {
    const wait = this.progressAt === 0 ? 0 : this.progressAt + PROGRESS_GAP_MS - performance.now();
    if (wait <= 0) return this.answered(id, response);
    setTimeout(() => this.answered(id, response), wait);
  }

  private answered(id: RequestId, response: JsonRpcMessage): void {
    if (this.open.has(id)) this.write(response);
    this.open.delete(id);
  }

  private onLine(line: string): void {
    if (line.trim() === '') return;
    if (isBatchText(line)) return this.onBatch(line);
    const msg = readMessage(line, this.limits, 'line');
    switch (msg.kind) {
      case 'invalid':
        this.engine.signals.refused((msg.error.data as { limit?: unknown } | undefined)?.limit !== undefined ? 'limits' : 'bad-request', this.session.principal.id);
        return this.write(errorResponse(msg.id, msg.error));
      case 'notification':
        if (msg.message.method === 'notifications/cancelled') this.modernInFlight.get(msg.message.params?.requestId as RequestId)?.abort(new Error('cancelled by the client'));
        return this.engine.handleNotification(msg.message, this.session);
      case 'response':
        return this.engine.handleResponse(msg.message, this.session);
      case 'request':
        if (this.held && !ANSWERED_WHILE_LOADING.has(msg.message.method)) {
          const request = msg.message;
          this.open.add(request.id);
          // Not served if a drain answered it meanwhile.
          return void this.held.then(() => this.open.has(request.id) && !this.session.closed && this.serve(request));
        }
        this.serve(msg.message);
    }
  }

  /**
   * A batch line, on a session that negotiated 2025-03-26 (refused with the reason on any other):
   * read under the limits of readBatch; its notifications and responses are handled in order, its
   * requests run concurrently and their responses go out together as one JSON array line (nothing
   * when the batch held only notifications and responses), after the batch's progress, like any
   * response (`respond`). Held while the plugins load, as a list or a call is.
   */
  private onBatch(line: string): void {
    if (this.session.protocolVersion !== BATCH_VERSION) {
      this.engine.signals.refused('bad-request', this.session.principal.id);
      return this.write(errorResponse(null, batchRefusal(this.session.protocolVersion ? `this session negotiated ${this.session.protocolVersion}` : 'no initialize yet', 'line')));
    }
    const read = readBatch(line, this.limits);
    if (!read.ok) {
      this.engine.signals.refused((read.error.data as { limit?: unknown } | undefined)?.limit !== undefined ? 'limits' : 'bad-request', this.session.principal.id);
      return this.write(errorResponse(null, read.error));
    }
    if (this.held) return void this.held.then(() => !this.session.closed && this.serveBatch(read.messages));
    this.serveBatch(read.messages);
  }

  private serveBatch(messages: Classified[]): void {
    const answers: Array<Promise<JsonRpcMessage | undefined>> = [];
    for (const m of messages) {
      if (m.kind === 'notification') this.engine.handleNotification(m.message, this.session);
      else if (m.kind === 'response') this.engine.handleResponse(m.message, this.session);
      else if (m.kind === 'invalid') answers.push(Promise.resolve(errorResponse(m.id, m.error)));
      else if (m.message.method === 'initialize') answers.push(Promise.resolve(errorResponse(m.message.id, { code: RpcCode.InvalidRequest, message: 'Invalid Request: initialize must not be part of a batch (2025-03-26)' })));
      else answers.push(this.engine.handleRequest(m.message, this.session, this.channel));
    }
    if (answers.length === 0) return;
    const ids = messages.flatMap((m) => (m.kind === 'request' ? [m.message.id] : []));
    for (const id of ids) this.open.add(id);
    void Promise.all(answers).then(
      (responses) => {
        const batch = responses.filter((r): r is JsonRpcMessage => r !== undefined);
        const write = () => {
          // Answered by a drain meanwhile: the drain's answers stand.
          if (batch.length > 0 && ids.every((id) => this.open.has(id)) && !this.session.closed) this.output.write(`[${batch.map((r) => serializeMessage(r as never)).join(',')}]\n`);
          for (const id of ids) this.open.delete(id);
        };
        const wait = this.progressAt === 0 ? 0 : this.progressAt + PROGRESS_GAP_MS - performance.now();
        if (wait <= 0) write();
        else setTimeout(write, wait);
      },
      (err) => (this.logger.error({ err }, 'stdio batch failed'), ids.forEach((id) => this.open.delete(id))),
    );
  }

  private serve(request: JsonRpcRequest): void {
    if (hasModernMeta(request.params)) return this.serveModern(request);
    this.answer(request.id, this.engine.handleRequest(request, this.session, this.channel));
  }

  /** A 2026-07-28 request: stateless, cancelled by `notifications/cancelled` with its id. */
  private serveModern(request: JsonRpcRequest): void {
    let meta;
    try {
      meta = this.engine.readEnvelope(request);
    } catch (e) {
      this.engine.signals.refused('bad-request', this.session.principal.id);
      return this.write(this.engine.errorResponse(request.id, request.method, e));
    }
    const lifetime = new CallLifetime();
    this.modernInFlight.set(request.id, lifetime);
    this.answer(request.id, this.engine.handleModernRequest(request, meta, this.channel, lifetime, this.session.principal).finally(() => this.modernInFlight.delete(request.id)));
  }

  close(): void {
    this.reader.stop();
    for (const c of this.modernInFlight.values()) c.abort(new Error('host shutting down'));
    this.engine.removeSession(this.session);
    this.session.close();
  }
}

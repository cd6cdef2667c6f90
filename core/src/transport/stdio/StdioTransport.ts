import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Principal } from '@mcp-host/sdk';
import type { Logger } from 'pino';
import { ANONYMOUS } from '../../auth/principals.js';
import { ChurnMap } from '../../collections/ChurnMap.js';
import { CallLifetime } from '../../protocol/CallLifetime.js';
import type { Channel } from '../../protocol/Channel.js';
import type { Engine } from '../../protocol/Engine.js';
import { classify, errorResponse, type JsonRpcMessage, type JsonRpcRequest, type RequestId } from '../../protocol/jsonrpc.js';
import { hasModernMeta } from '../../protocol/modern/modernMeta.js';
import { RpcCode } from '../../protocol/ProtocolError.js';
import { serializeMessage } from '../../protocol/RawJson.js';
import { Session } from '../../protocol/Session.js';

/**
 * stdio: newline-delimited JSON-RPC on stdin/stdout for one client. stdout carries MCP messages
 * only (logs go to stderr). Requests are served concurrently, so a tool waiting on the client (an
 * elicitation) does not block the client's answer arriving on the next line.
 */
export class StdioTransport {
  readonly session: Session;
  private readonly channel: Channel;
  private readonly modernInFlight = new ChurnMap<RequestId, CallLifetime>();
  private ended!: Promise<void>;

  constructor(
    private readonly engine: Engine,
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly logger: Logger,
    /** stdio carries no credentials: the principal is whoever the launcher configured (auth.stdioPrincipal). */
    principal: Principal = ANONYMOUS,
  ) {
    this.session = new Session(undefined, principal);
    this.channel = { canSend: true, send: (m) => this.write(m) };
    this.session.standalone = this.channel;
    engine.notifier.sessions.add(this.session);
  }

  private write(message: JsonRpcMessage): void {
    if (this.session.closed) return;
    this.output.write(serializeMessage(message as never) + '\n');
  }

  /** Starts reading; the returned promise settles when stdin closes. */
  start(): Promise<void> {
    const lines = createInterface({ input: this.input, crlfDelay: Infinity });
    lines.on('line', (line) => this.onLine(line));
    this.ended = new Promise((resolve) => lines.once('close', () => resolve()));
    return this.ended;
  }

  private onLine(line: string): void {
    if (line.trim() === '') return;
    let body: unknown;
    try {
      body = JSON.parse(line);
    } catch (e) {
      return this.write(errorResponse(null, { code: RpcCode.ParseError, message: `Parse error: ${(e as Error).message}` }));
    }
    if (Array.isArray(body)) {
      return this.write(errorResponse(null, { code: RpcCode.InvalidRequest, message: 'Invalid Request: JSON-RPC batches are not supported (removed in protocol 2025-06-18); send one message per line' }));
    }
    const msg = classify(body);
    switch (msg.kind) {
      case 'invalid':
        return this.write(errorResponse(msg.id, msg.error));
      case 'notification':
        if (msg.message.method === 'notifications/cancelled') this.modernInFlight.get(msg.message.params?.requestId as RequestId)?.abort(new Error('cancelled by the client'));
        return this.engine.handleNotification(msg.message, this.session);
      case 'response':
        return this.engine.handleResponse(msg.message, this.session);
      case 'request':
        if (hasModernMeta(msg.message.params)) return this.serveModern(msg.message);
        this.engine.handleRequest(msg.message, this.session, this.channel).then(
          (response) => response && this.write(response),
          (err) => this.logger.error({ err }, 'stdio request failed'),
        );
    }
  }

  /** A 2026-07-28 request: stateless, cancelled by `notifications/cancelled` with its id. */
  private serveModern(request: JsonRpcRequest): void {
    let meta;
    try {
      meta = this.engine.readEnvelope(request);
    } catch (e) {
      return this.write(this.engine.errorResponse(request.id, request.method, e));
    }
    const lifetime = new CallLifetime();
    this.modernInFlight.set(request.id, lifetime);
    this.engine.handleModernRequest(request, meta, this.channel, lifetime, this.session.principal).then(
      (response) => response && this.write(response),
      (err) => this.logger.error({ err }, 'stdio request failed'),
    ).finally(() => this.modernInFlight.delete(request.id));
  }

  close(): void {
    for (const c of this.modernInFlight.values()) c.abort(new Error('host shutting down'));
    this.engine.notifier.sessions.delete(this.session);
    this.session.close();
  }
}

import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from 'pino';
import type { Channel } from '../../protocol/Channel.js';
import type { Engine } from '../../protocol/Engine.js';
import { classify, errorResponse, type JsonRpcMessage } from '../../protocol/jsonrpc.js';
import { RpcCode } from '../../protocol/ProtocolError.js';
import { serializeMessage } from '../../protocol/RawJson.js';
import { Session } from '../../protocol/Session.js';

/**
 * stdio: newline-delimited JSON-RPC on stdin/stdout for one client. stdout carries MCP messages
 * only (logs go to stderr). Requests are served concurrently, so a tool waiting on the client (an
 * elicitation) does not block the client's answer arriving on the next line.
 */
export class StdioTransport {
  readonly session = new Session(undefined);
  private readonly channel: Channel;
  private ended!: Promise<void>;

  constructor(
    private readonly engine: Engine,
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly logger: Logger,
  ) {
    this.channel = { canSend: true, send: (m) => this.write(m) };
    this.session.standalone = this.channel;
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
        return this.engine.handleNotification(msg.message, this.session);
      case 'response':
        return this.engine.handleResponse(msg.message, this.session);
      case 'request':
        this.engine.handleRequest(msg.message, this.session, this.channel).then(
          (response) => response && this.write(response),
          (err) => this.logger.error({ err }, 'stdio request failed'),
        );
    }
  }

  close(): void {
    this.session.close();
  }
}

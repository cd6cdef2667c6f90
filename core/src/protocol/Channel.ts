import type { JsonRpcMessage } from './jsonrpc.js';

/**
 * Where the engine sends messages related to one request (progress, logs, server→client requests).
 * On HTTP it is the POST's response stream (upgraded to SSE on first use); on stdio, stdout.
 */
export interface Channel {
  send(message: JsonRpcMessage): void;
  /** False when nothing can reach the client this way (e.g. a JSON-only HTTP client): server→client requests then fail fast. */
  readonly canSend: boolean;
  /** Ends a long-lived stream (a legacy GET stream whose session ended, or that another replica took over). */
  end?(): void;
  /** Which transport carries it, for telemetry (`network.transport`, `network.protocol.name`). */
  readonly transport?: 'http' | 'stdio';
  /**
   * Ends the stream carrying this request's messages while the request runs on, where the client
   * can resume it (a legacy HTTP POST stream, SEP-1699); absent elsewhere (stdio, modern requests).
   */
  closeStream?(): void;
}

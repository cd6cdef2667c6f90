import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { HostSignals } from '../../protocol/ports/ObservePorts.js';
import type { QuotaPort } from '../../protocol/ports/SecurityPorts.js';
import type { StoredEvent, StreamFollower } from '../../protocol/ports/EventStore.js';
import type { Channel } from '../../protocol/Channel.js';
import { ChurnSet } from '../../collections/ChurnSet.js';
import { RpcCode } from '../../protocol/ProtocolError.js';
import type { Session } from '../../protocol/Session.js';
import { rpcError } from './rpcError.js';
import { ResumableStream, streamKey, type SseResumption, type StreamKind } from './ResumableStream.js';
import type { SseKeepalive } from './SseKeepalive.js';
import { startSse, writeSseEvent } from './sse.js';

/** Where a GET with Last-Event-ID asks to resume: a stream of its session, after one of its events. */
export interface StreamCursor {
  readonly streamId: string;
  readonly kind: StreamKind;
  readonly seq: number;
}

/**
 * The GET streams of legacy sessions, each counted against its principal's
 * `server.quotas.getStreamsPerPrincipal`, kept alive through proxies, and ended when the host
 * drains. A GET without Last-Event-ID opens the session's standalone stream (one per session). A
 * GET with one resumes a stream of its session from the event store (SEP-1699): a POST's stream is
 * replayed and followed until its response, then the GET ends; the standalone stream is replayed
 * and the GET becomes the session's standalone stream, replacing (and ending) the one before. An
 * id of a stream the store does not hold under this session (another session's, expired, made up)
 * is treated as no id at all: its existence is never told.
 */
export class LegacyStreams {
  private readonly streams = new ChurnSet<ServerResponse>();

  constructor(
    private readonly quotas: QuotaPort,
    private readonly keepalive: SseKeepalive,
    private readonly signals: HostSignals,
    private readonly resumption: SseResumption,
  ) {}

  /** How many GET streams are open. */
  get size(): number {
    return this.streams.size;
  }

  /**
   * Opens or resumes a stream of `session` on this GET (hijacking the reply), or answers why not
   * (409, 429). `onClose` runs when the session's standalone stream opened here closes while it is
   * still the session's (not when a resumption here replaced it).
   */
  async open(session: Session, reply: FastifyReply, cursor: StreamCursor | undefined, onClose?: () => void): Promise<void> {
    if (!cursor && session.standalone) return this.conflict(session, reply);
    const owner = session.principal.id;
    if (!this.quotas.take('getStreams', owner)) {
      this.signals.refused('quota', owner);
      return void rpcError(reply.header('retry-after', '5'), 429, { code: RpcCode.RateLimited, message: `Too Many Requests: ${this.quotas.refusal('getStreams')}`, data: { limit: 'getStreamsPerPrincipal', max: this.quotas.limit('getStreams') } });
    }
    if (cursor && (await this.resume(session, reply, cursor, onClose))) return;
    if (reply.raw.destroyed) return this.quotas.give('getStreams', owner);
    // Without a cursor, or with one the store does not hold for this session: a GET without Last-Event-ID.
    if (session.standalone) return this.quotas.give('getStreams', owner), this.conflict(session, reply);
    const stream = ResumableStream.start(this.resumption, session, 'g');
    const res = this.attach(session, reply, () => undefined);
    stream.prime(res);
    this.becomeStandalone(session, res, stream, onClose);
  }

  /** Ends every stream (a drain): the clients see the stream close and reconnect elsewhere or later. */
  endAll(): void {
    for (const res of this.streams) res.end();
  }

  /**
   * Follows the stream at `cursor` from the store: what the client missed, then what comes. Resolves
   * false when the store does not hold it for this session (nothing was answered).
   */
  private async resume(session: Session, reply: FastifyReply, cursor: StreamCursor, onClose: (() => void) | undefined): Promise<boolean> {
    // Events delivered before this GET's response starts (the replay) wait here, in order.
    let res: ServerResponse | undefined;
    const early: StoredEvent[] = [];
    let ended = false;
    let last = cursor.seq;
    const follower: StreamFollower = {
      event: (e) => {
        last = e.seq;
        if (res) writeSseEvent(res, `${cursor.streamId}_${e.seq}`, e.data);
        else early.push(e);
      },
      end: () => (res ? void res.end() : void (ended = true)),
    };
    const stop = await this.resumption.store.follow(streamKey(session, cursor.streamId), cursor.seq, follower);
    if (!stop) return false;
    if (reply.raw.destroyed) return stop(), this.quotas.give('getStreams', session.principal.id), true;
    const target = this.attach(session, reply, stop);
    for (const e of early) writeSseEvent(target, `${cursor.streamId}_${e.seq}`, e.data);
    if (cursor.kind === 'p') {
      // A POST's stream: followed until its response, then this GET ends.
      if (ended) target.end();
      else res = target;
      return true;
    }
    // The standalone stream: this GET writes it from now on. The follow ends here: the replay is
    // done, and the writer (this process, so far) is switched in the same step, so no message
    // falls between the replay and this stream, and none comes twice.
    stop();
    this.becomeStandalone(session, target, new ResumableStream(this.resumption, session, cursor.streamId, Math.max(last, cursor.seq)), onClose);
    return true;
  }

  /** Makes `res` the session's standalone stream, ending the one it replaces. */
  private becomeStandalone(session: Session, res: ServerResponse, stream: ResumableStream, onClose: (() => void) | undefined): void {
    const previous = session.standalone;
    const channel: Channel = { canSend: true, send: (m) => stream.write(res, m), end: () => void res.end() };
    session.standalone = channel;
    previous?.end?.();
    res.on('close', () => {
      if (session.standalone !== channel) return;
      session.standalone = undefined;
      onClose?.();
    });
  }

  /** Starts the SSE response on `reply`, counted as a GET stream until it closes (then `stop` runs and the quota is given back). */
  private attach(session: Session, reply: FastifyReply, stop: () => void): ServerResponse {
    const owner = session.principal.id;
    reply.hijack();
    const res = reply.raw;
    startSse(res, { 'mcp-session-id': session.id! });
    this.keepalive.add(res);
    this.streams.add(res);
    res.on('close', () => {
      stop();
      this.keepalive.delete(res);
      this.streams.delete(res);
      this.quotas.give('getStreams', owner);
      session.lastSeen = Date.now();
    });
    return res;
  }

  private conflict(session: Session, reply: FastifyReply): void {
    this.signals.refused('bad-request', session.principal.id);
    rpcError(reply, 409, { code: RpcCode.Conflict, message: 'Conflict: this session already has an open GET stream' });
  }
}

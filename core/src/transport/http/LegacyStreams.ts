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
 * With replicas, the hold on a session's GET stream (one replica writes it): taken before a GET
 * becomes the session's stream (false: `take` answered why not, 409 or 503), given back when no
 * stream of the session is open here any more.
 */
export interface StreamLease {
  take(takeOver: boolean): Promise<boolean>;
  release(): void;
}

/**
 * The GET streams of legacy sessions, each counted against its principal's
 * `server.quotas.getStreamsPerPrincipal`, kept alive through proxies, and ended when the host
 * drains. A GET without Last-Event-ID opens the session's standalone stream (one per session). A
 * GET with one resumes a stream of its session from the event store (SEP-1699): a POST's stream is
 * replayed and followed until its response, then the GET ends; the standalone stream is replayed
 * and the GET becomes the session's standalone stream (a new one, primed after the replay),
 * replacing (and ending) the one before. An
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
   * (409, 429; with replicas, what `lease` answers).
   */
  async open(session: Session, reply: FastifyReply, cursor: StreamCursor | undefined, lease?: StreamLease): Promise<void> {
    if (!cursor && session.standalone) return this.conflict(session, reply);
    const owner = session.principal.id;
    let took = this.quotas.take('getStreams', owner);
    // A share counted across replicas answers later; what follows checks again what may have changed meanwhile.
    if (typeof took !== 'boolean') took = await took;
    if (!took) {
      this.signals.refused('quota', owner);
      return void rpcError(reply.header('retry-after', '5'), 429, { code: RpcCode.RateLimited, message: `Too Many Requests: ${this.quotas.refusal('getStreams')}`, data: { limit: 'getStreamsPerPrincipal', max: this.quotas.limit('getStreams') } });
    }
    if (cursor && (await this.resume(session, reply, cursor, lease))) return;
    // Without a cursor, or with one the store does not hold for this session: a GET without Last-Event-ID.
    if (session.standalone) return this.quotas.give('getStreams', owner), this.conflict(session, reply);
    if (!(await this.hold(session, lease, cursor !== undefined))) return this.quotas.give('getStreams', owner);
    if (reply.raw.destroyed || session.standalone) {
      this.quotas.give('getStreams', owner);
      if (session.standalone) this.conflict(session, reply);
      return lease?.release();
    }
    const stream = ResumableStream.start(this.resumption, session, 'g');
    const res = this.attach(session, reply, () => undefined);
    stream.prime(res);
    this.becomeStandalone(session, res, stream, lease);
  }

  /** Ends every stream (a drain): the clients see the stream close and reconnect elsewhere or later. */
  endAll(): void {
    for (const res of this.streams) res.end();
  }

  /**
   * Follows the stream at `cursor` from the store: what the client missed, then what comes. Resolves
   * false when the store does not hold it for this session (nothing was answered).
   */
  private async resume(session: Session, reply: FastifyReply, cursor: StreamCursor, lease: StreamLease | undefined): Promise<boolean> {
    // Events delivered before this GET's response starts (the replay) wait here, in order.
    let res: ServerResponse | undefined;
    const early: StoredEvent[] = [];
    let ended = false;
    const follower: StreamFollower = {
      event: (e) => {
        if (res) writeSseEvent(res, `${cursor.streamId}_${e.seq}`, e.data);
        else early.push(e);
      },
      end: () => (res ? void res.end() : void (ended = true)),
    };
    const stop = await this.resumption.store.follow(streamKey(session, cursor.streamId), cursor.seq, follower);
    if (!stop) return false;
    if (cursor.kind === 'g') {
      // The standalone stream: replayed, then this GET becomes the session's stream, taking it over.
      stop();
      const held = this.hold(session, lease, true);
      if (held !== true && !(await held)) return this.quotas.give('getStreams', session.principal.id), true;
    }
    if (reply.raw.destroyed) return stop(), this.quotas.give('getStreams', session.principal.id), lease?.release(), true;
    const target = this.attach(session, reply, stop);
    for (const e of early) writeSseEvent(target, `${cursor.streamId}_${e.seq}`, e.data);
    if (cursor.kind === 'p') {
      // A POST's stream: followed until its response, then this GET ends.
      if (ended) target.end();
      else res = target;
      return true;
    }
    // Goes on as a new stream, primed after the replay: the writer it replaces (on another replica,
    // perhaps, until it hears it lost the stream) may still append to the old one, and two writers
    // must never number events of one stream.
    const stream = ResumableStream.start(this.resumption, session, 'g');
    stream.prime(target);
    this.becomeStandalone(session, target, stream, lease);
    return true;
  }

  /**
   * With replicas, takes the hold on the session's GET stream unless this replica has it (false:
   * the lease answered why not). `true` at once when there is nothing to take: no await, so an
   * in-process writer is switched in the same step as the replay it follows.
   */
  private hold(session: Session, lease: StreamLease | undefined, takeOver: boolean): Promise<boolean> | boolean {
    return !lease || session.standalone !== undefined || lease.take(takeOver);
  }

  /** Makes `res` the session's standalone stream, ending the one it replaces. */
  private becomeStandalone(session: Session, res: ServerResponse, stream: ResumableStream, lease: StreamLease | undefined): void {
    const previous = session.standalone;
    const channel: Channel = { canSend: true, send: (m) => stream.write(res, m), end: () => void res.end() };
    session.standalone = channel;
    previous?.end?.();
    res.on('close', () => {
      if (session.standalone !== channel) return;
      session.standalone = undefined;
      lease?.release();
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

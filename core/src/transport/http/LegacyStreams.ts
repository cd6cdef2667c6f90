import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { HostSignals } from '../../protocol/ports/ObservePorts.js';
import type { QuotaPort } from '../../protocol/ports/SecurityPorts.js';
import { ChurnSet } from '../../collections/ChurnSet.js';
import { RpcCode } from '../../protocol/ProtocolError.js';
import type { Session } from '../../protocol/Session.js';
import { rpcError } from './rpcError.js';
import type { SseKeepalive } from './SseKeepalive.js';
import { startSse, writeSseMessage } from './sse.js';

/**
 * The GET streams of legacy sessions: one per session, each counted against its principal's
 * `server.quotas.getStreamsPerPrincipal`, kept alive through proxies, and ended when the host drains.
 */
export class LegacyStreams {
  private readonly streams = new ChurnSet<ServerResponse>();

  constructor(
    private readonly quotas: QuotaPort,
    private readonly keepalive: SseKeepalive,
    private readonly signals: HostSignals,
  ) {}

  /** How many GET streams are open. */
  get size(): number {
    return this.streams.size;
  }

  /** Opens `session`'s stream on this GET (hijacking the reply), or answers why not (409, 429). */
  open(session: Session, reply: FastifyReply, onClose?: () => void): void {
    if (session.standalone) {
      this.signals.refused('bad-request', session.principal.id);
      return void rpcError(reply, 409, { code: RpcCode.Conflict, message: 'Conflict: this session already has an open GET stream' });
    }
    const owner = session.principal.id;
    if (!this.quotas.take('getStreams', owner)) {
      this.signals.refused('quota', owner);
      return void rpcError(reply.header('retry-after', '5'), 429, { code: RpcCode.RateLimited, message: `Too Many Requests: ${this.quotas.refusal('getStreams')}`, data: { limit: 'getStreamsPerPrincipal', max: this.quotas.limit('getStreams') } });
    }
    reply.hijack();
    const res = reply.raw;
    startSse(res, { 'mcp-session-id': session.id! });
    this.keepalive.add(res);
    this.streams.add(res);
    const channel = { canSend: true, send: (m: never) => void writeSseMessage(res, m), end: () => void res.end() };
    session.standalone = channel;
    res.on('close', () => {
      this.keepalive.delete(res);
      this.streams.delete(res);
      this.quotas.give('getStreams', owner);
      if (session.standalone === channel) session.standalone = undefined;
      session.lastSeen = Date.now();
      onClose?.();
    });
  }

  /** Ends every stream (a drain): the clients see the stream close and reconnect elsewhere or later. */
  endAll(): void {
    for (const res of this.streams) res.end();
  }
}

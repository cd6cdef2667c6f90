import type { Logger } from 'pino';
import type { BusHandler, ClusterBusPort } from '../protocol/ports/ClusterPorts.js';
import type { RedisLink } from './RedisLink.js';

/** Envelope of a bus message: who sent it, so a replica ignores its own. */
interface Envelope {
  readonly from: string;
  readonly m: Record<string, unknown>;
}

/**
 * Redis pub/sub between replicas: a topic is a channel under the cluster's prefix; a message goes to
 * every replica subscribed to it but the sender. Pub/sub delivers at most once and only to replicas
 * connected now: what must survive a disconnect is kept in Redis itself (sessions, events), and the
 * bus only tells replicas to act on it. Publishing while Redis is down drops the message (counted,
 * logged with the state change), so nothing buffers without bound.
 */
export class ClusterBus implements ClusterBusPort {
  private readonly handlers = new Map<string, Set<BusHandler>>();
  /** Messages that could not be published (Redis down). */
  dropped = 0;

  constructor(
    private readonly link: RedisLink,
    private readonly logger: Logger,
  ) {
    link.sub.on('message', (channel: string, text: string) => this.deliver(channel, text));
  }

  get replicaId(): string {
    return this.link.replicaId;
  }

  publish(topic: string, message: Record<string, unknown>): void {
    if (!this.link.up) return void this.dropped++;
    const envelope: Envelope = { from: this.link.replicaId, m: message };
    this.link.redis.publish(this.link.key('bus', topic), JSON.stringify(envelope)).catch(() => this.dropped++);
  }

  subscribe(topic: string, handler: BusHandler): () => void {
    const channel = this.link.key('bus', topic);
    let set = this.handlers.get(channel);
    if (!set) {
      this.handlers.set(channel, (set = new Set()));
      void this.link.sub.subscribe(channel).catch((err: Error) => this.logger.warn({ err: { message: err.message }, topic }, 'cluster bus: subscribe failed (retried on reconnect)'));
    }
    set.add(handler);
    return () => {
      const s = this.handlers.get(channel);
      if (!s?.delete(handler) || s.size > 0) return;
      this.handlers.delete(channel);
      void this.link.sub.unsubscribe(channel).catch(() => {});
    };
  }

  private deliver(channel: string, text: string): void {
    const set = this.handlers.get(channel);
    if (!set) return;
    let envelope: unknown;
    try {
      envelope = JSON.parse(text);
    } catch {
      return void this.logger.warn({ channel }, 'cluster bus: a message that is not JSON ignored');
    }
    // Anyone who can PUBLISH on this Redis can send `null` or `42`: reading `.from` of that here,
    // in ioredis's event, would be an uncaught exception taking every replica down at once.
    if (!isEnvelope(envelope)) return void this.logger.warn({ channel }, 'cluster bus: a message that is not an envelope {from, m} ignored');
    if (envelope.from === this.link.replicaId) return;
    for (const handler of set) {
      try {
        handler(envelope.m, envelope.from);
      } catch (err) {
        this.logger.error({ err, channel }, 'cluster bus: a handler failed');
      }
    }
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What every handler may rely on: a sender's id, and a message that is an object. */
function isEnvelope(v: unknown): v is Envelope {
  return isObject(v) && typeof v.from === 'string' && isObject(v.m);
}

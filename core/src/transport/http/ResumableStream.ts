import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { JsonRpcMessage } from '../../protocol/jsonrpc.js';
import type { EventStore } from '../../protocol/ports/EventStore.js';
import { serializeMessage } from '../../protocol/RawJson.js';
import type { Session } from '../../protocol/Session.js';
import { writeSseEvent, writeSsePriming } from './sse.js';

/** What makes legacy SSE streams resumable: where their events are kept, and the `retry` their priming event gives. */
export interface SseResumption {
  readonly store: EventStore;
  readonly retryMs: number;
}

/** A POST's response stream or a session's standalone (GET) stream: the first letter of a stream id. */
export type StreamKind = 'p' | 'g';

/** An event id: `<kind><uuid>_<seq>`; the uuid makes the stream unique across replicas, the seq orders its events. */
const EVENT_ID = /^([pg][0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})_(\d{1,15})$/;
/** Longer than any id the host makes: refused before it is matched. */
export const MAX_EVENT_ID_LENGTH = 64;

/** A Last-Event-ID the host could have made, split into its stream and sequence; undefined when it could not. */
export function parseEventId(id: string): { readonly streamId: string; readonly kind: StreamKind; readonly seq: number } | undefined {
  if (id.length > MAX_EVENT_ID_LENGTH) return undefined;
  const m = EVENT_ID.exec(id);
  return m ? { streamId: m[1], kind: m[1][0] as StreamKind, seq: Number(m[2]) } : undefined;
}

/** The store's key of a stream: under its session, so another session's client never finds it. */
export const streamKey = (session: Session, streamId: string): string => `${session.id}/${streamId}`;

/**
 * Priming only for sessions of 2025-11-25 and later: an event with empty data is what older
 * clients (the SDKs before that version) fail to parse. Their events still carry ids.
 */
export const primes = (session: Session): boolean => session.protocolVersion >= '2025-11-25';

/**
 * One legacy SSE stream as its writer sees it: it numbers the events, keeps each in the store
 * (without waiting) and writes it with its id while the connection is open. Once the connection
 * is gone the events still go to the store, for the client that resumes with Last-Event-ID.
 */
export class ResumableStream {
  readonly key: string;

  constructor(
    private readonly events: SseResumption,
    readonly session: Session,
    readonly streamId: string,
    /** The last sequence written (0: none yet; a resumed stream goes on after the events it replayed). */
    private seq = 0,
  ) {
    this.key = streamKey(session, streamId);
  }

  /** A new stream of `kind`. */
  static start(events: SseResumption, session: Session, kind: StreamKind): ResumableStream {
    return new ResumableStream(events, session, kind + randomUUID());
  }

  /** Opens it in the store and, for a client that understands it, writes the priming event. */
  prime(res: ServerResponse): void {
    this.events.store.open(this.key);
    if (primes(this.session)) writeSsePriming(res, `${this.streamId}_${this.seq}`, this.events.retryMs);
  }

  write(res: ServerResponse, message: JsonRpcMessage): void {
    const data = serializeMessage(message as never);
    const seq = ++this.seq;
    this.events.store.append(this.key, seq, data);
    writeSseEvent(res, `${this.streamId}_${seq}`, data);
  }

  /** The stream's last event is written: followers of a resumed connection end after it. */
  end(): void {
    this.events.store.end(this.key, this.seq);
  }
}

/**
 * Where legacy (2025-11-25) SSE events are kept so a client that lost a stream can resume it with
 * `Last-Event-ID` (SEP-1699), on this replica or another one.
 *
 * A stream is named by a key the transport makes (its session and its stream id, so a stream is
 * never found through another session). Each stream has exactly one writer at a time, the replica
 * serving it, which numbers its events 1, 2, 3…: the store never assigns a sequence, so an append
 * needs no answer and the writer never waits for it.
 */
export interface EventStore {
  /**
   * Starts stream `key` (its priming event went out, with sequence 0), so a client that resumes
   * before the first event finds it. Fire-and-forget, like `append`.
   */
  open(key: string): void;
  /**
   * Records event `seq` (the writer's own counter) of stream `key`: `data` is the serialized
   * JSON-RPC message. Fire-and-forget: the writer does not wait, and the store keeps each stream's
   * appends in the order they were made.
   */
  append(key: string, seq: number, data: string): void;
  /** Marks stream `key` ended after event `lastSeq` (its response was written): its followers end there. */
  end(key: string, lastSeq: number): void;
  /** The events of `key` after `afterSeq`, oldest first, and whether it has ended; undefined when the stream is unknown or expired. */
  replay(key: string, afterSeq: number): Promise<StreamReplay | undefined>;
  /**
   * Replays `key` after `afterSeq` and then delivers its live events as their writer (in any
   * process) appends them, each once and in order, until the stream ends or the returned function
   * is called. Resolves with undefined (and delivers nothing) when the stream is unknown or expired.
   */
  follow(key: string, afterSeq: number, follower: StreamFollower): Promise<(() => void) | undefined>;
  /** Stops its timers and connections. */
  close(): Promise<void>;
}

/** One stored event: its place in its stream and its JSON-RPC message, serialized. */
export interface StoredEvent {
  readonly seq: number;
  readonly data: string;
}

export interface StreamReplay {
  readonly events: readonly StoredEvent[];
  /** The writer marked the stream ended (the last of `events` is its last). */
  readonly ended: boolean;
}

/** Who reads a followed stream: each event once, in order, then `end` when the writer ended it. */
export interface StreamFollower {
  event(event: StoredEvent): void;
  end(): void;
}

/** How much the store keeps: events per stream (oldest dropped first), how long a stream outlives its last write, and how many streams. */
export interface EventRetention {
  readonly maxPerStream: number;
  readonly ttlMs: number;
  readonly maxStreams: number;
}

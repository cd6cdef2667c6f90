/**
 * How the engine and transports see the other replicas of a cluster: interfaces they own, which
 * `cluster/` implements on Redis and the kernel hands in. In one process there are none.
 */

/** Handles one message from another replica (`from` names it). */
export type BusHandler = (message: Record<string, unknown>, from: string) => void;

/** Messages between replicas: at most once, to those connected now, never back to the sender. */
export interface ClusterBusPort {
  readonly replicaId: string;
  publish(topic: string, message: Record<string, unknown>): void;
  /** Hears `topic` from the other replicas; returns the unsubscribe. */
  subscribe(topic: string, handler: BusHandler): () => void;
}

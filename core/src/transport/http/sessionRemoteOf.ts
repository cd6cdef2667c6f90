import type { Logger } from 'pino';
import { replicaOf } from '../../protocol/ElsewhereSignal.js';
import type { SessionRemote, SessionStorePort } from '../../protocol/ports/ClusterPorts.js';

/**
 * How a session's copy on this replica reaches the other replicas through the shared store: its
 * changes are stored and broadcast, a cancellation goes to whichever replica serves the request,
 * and a client's answer goes to the replica named in the id of the request it answers.
 */
export function sessionRemoteOf(store: SessionStorePort, logger: Logger): SessionRemote {
  return {
    replicaId: store.replicaId,
    changed: (session, record) => {
      store.save(session, record).catch((err: Error) => logger.warn({ session, err: { message: err.message } }, 'session change not stored (Redis down?): other replicas keep the old state'));
      store.broadcast({ type: 'changed', session, record });
    },
    cancel: (session, requestId, reason) => store.broadcast({ type: 'cancel', session, requestId, reason }),
    answer: (session, response) => {
      const replica = typeof response.id === 'string' ? replicaOf(response.id, store.replicaId) : undefined;
      if (!replica) return false;
      store.sendTo(replica, { type: 'answer', session, response });
      return true;
    },
  };
}

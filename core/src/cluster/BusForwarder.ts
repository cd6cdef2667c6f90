import { randomUUID } from 'node:crypto';
import type { Principal } from '@mcp-host/sdk';
import type { Logger } from 'pino';
import { errorResponse, type JsonRpcRequest, type JsonRpcResponse } from '../protocol/jsonrpc.js';
import type { ForwardedEra, ReplicaForwarder } from '../protocol/ports/ClusterPorts.js';
import { RpcCode } from '../protocol/ProtocolError.js';
import { serializeMessage } from '../protocol/RawJson.js';
import type { ClusterBus } from './ClusterBus.js';
import type { RedisLink } from './RedisLink.js';

type Serve = (era: ForwardedEra, request: JsonRpcRequest, principal: Principal) => Promise<JsonRpcResponse>;

interface Pending {
  resolve(response: JsonRpcResponse): void;
  timer: NodeJS.Timeout;
}

/** Requests forwarded and not yet answered, bounded: a flood of task polls for a silent replica cannot grow without bound. */
const MAX_PENDING = 10_000;

/**
 * Forwards a request over the cluster bus to the replica that keeps what it names (a task), and
 * serves the requests other replicas forward here. Request and answer are one message each on the
 * replicas' `rpc:<id>` topics; an answer that does not come within the timeout (the replica died,
 * or Redis is down) is an error response saying so — a task lives on the replica that runs it.
 */
export class BusForwarder implements ReplicaForwarder {
  private readonly pending = new Map<string, Pending>();
  private serve: Serve | undefined;
  private readonly off: () => void;

  constructor(
    private readonly link: RedisLink,
    private readonly bus: ClusterBus,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {
    this.off = bus.subscribe(`rpc:${link.replicaId}`, (m, from) => void this.onMessage(m, from));
  }

  get replicaId(): string {
    return this.link.replicaId;
  }

  /** What serves requests forwarded here (the engine, set once it is built). */
  serveWith(serve: Serve): void {
    this.serve = serve;
  }

  forward(replica: string, era: ForwardedEra, request: JsonRpcRequest, principal: Principal): Promise<JsonRpcResponse> {
    const unavailable = (why: string) => errorResponse(request.id, { code: RpcCode.Unavailable, message: `Service Unavailable: ${request.method} names what replica ${replica} keeps, and ${why}; retry later` });
    if (!this.link.up) return Promise.resolve(unavailable('the cluster bus (Redis) is down'));
    if (this.pending.size >= MAX_PENDING) return Promise.resolve(unavailable('too many requests are waiting on other replicas'));
    const id = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(unavailable(`it did not answer within ${this.timeoutMs} ms (it may have stopped)`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, timer });
      this.bus.publish(`rpc:${replica}`, { kind: 'request', id, era, request, principal });
    });
  }

  private async onMessage(m: Record<string, unknown>, from: string): Promise<void> {
    if (m.kind === 'response') {
      const p = this.pending.get(m.id as string);
      if (!p) return;
      this.pending.delete(m.id as string);
      clearTimeout(p.timer);
      const response = m.response as JsonRpcResponse;
      return p.resolve(response);
    }
    if (m.kind !== 'request' || !this.serve) return;
    let response: JsonRpcResponse;
    try {
      // A result the engine kept serialized (RawJson) crosses as the plain JSON it stands for.
      response = JSON.parse(serializeMessage(await this.serve(m.era as ForwardedEra, m.request as JsonRpcRequest, m.principal as Principal))) as JsonRpcResponse;
    } catch (err) {
      this.logger.error({ err, from }, 'a request forwarded by another replica failed');
      response = errorResponse((m.request as JsonRpcRequest).id, { code: RpcCode.InternalError, message: 'Internal error (logged by the replica keeping the task)' });
    }
    this.bus.publish(`rpc:${from}`, { kind: 'response', id: m.id, response });
  }

  close(): void {
    this.off();
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }
}

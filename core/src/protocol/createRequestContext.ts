import type { LoggingLevel, RequestContext } from '@mcp-host/sdk';
import type { Logger } from 'pino';
import type { Channel } from './Channel.js';
import type { RequestId } from './jsonrpc.js';
import type { Session } from './Session.js';

const EMPTY_META: Readonly<Record<string, unknown>> = Object.freeze({});

export interface CallScope {
  readonly id: RequestId;
  readonly params: Record<string, unknown>;
  readonly session: Session;
  readonly channel: Channel;
  readonly signal: AbortSignal;
}

function requireCapability(session: Session, capability: 'elicitation' | 'sampling' | 'roots', method: string): void {
  if (!session.clientCapabilities[capability]) throw new Error(`the client did not declare the "${capability}" capability, so ${method} cannot be sent`);
}

/** Builds the `RequestContext` handlers receive; on a legacy session its client requests are real JSON-RPC requests. */
export function createRequestContext(call: CallScope, logger: Logger, clientRequestTimeoutMs: number): RequestContext {
  const { session, channel, signal } = call;
  const meta = (call.params._meta as Record<string, unknown> | undefined) ?? EMPTY_META;
  const progressToken = meta.progressToken as string | number | undefined;
  return {
    signal,
    requestId: call.id,
    meta,
    principal: session.principal,
    client: { protocolVersion: session.protocolVersion, info: session.clientInfo, capabilities: session.clientCapabilities, sessionId: session.id },
    logger,
    async progress(progress: number, total?: number, message?: string) {
      if (progressToken === undefined || signal.aborted) return;
      channel.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken, progress, ...(total !== undefined ? { total } : {}), ...(message !== undefined ? { message } : {}) } });
    },
    async log(level: LoggingLevel, data: unknown, loggerName?: string) {
      if (!session.wantsLog(level) || signal.aborted) return;
      channel.send({ jsonrpc: '2.0', method: 'notifications/message', params: { level, ...(loggerName ? { logger: loggerName } : {}), data } });
    },
    async elicit(params) {
      requireCapability(session, 'elicitation', 'elicitation/create');
      return (await session.request('elicitation/create', params as never, channel, signal, clientRequestTimeoutMs)) as never;
    },
    async sample(params) {
      requireCapability(session, 'sampling', 'sampling/createMessage');
      return (await session.request('sampling/createMessage', params as never, channel, signal, clientRequestTimeoutMs)) as never;
    },
    async listRoots() {
      requireCapability(session, 'roots', 'roots/list');
      return (await session.request('roots/list', {}, channel, signal, clientRequestTimeoutMs)) as never;
    },
  };
}

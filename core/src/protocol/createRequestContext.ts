import { McpError, type LoggingLevel, type RequestContext } from '@mcp-host/sdk';
import type { Logger } from 'pino';
import type { CallScope } from './CallScope.js';
import { levelRank } from './Session.js';

const EMPTY_META: Readonly<Record<string, unknown>> = Object.freeze({});

/** -32021 (2026-07-28): the request needs a capability the client did not declare. */
export const MISSING_CAPABILITY = -32021;

/** What a handler may ask of the client, by the capability it needs. */
const CLIENT_REQUESTS = {
  elicitation: 'elicitation/create',
  sampling: 'sampling/createMessage',
  roots: 'roots/list',
} as const;

/**
 * Builds the `RequestContext` handlers receive. The same handler code serves both eras: on a
 * legacy session `elicit`/`sample`/`listRoots` send real requests to the client; on a modern
 * request they are answered from the request's input responses, or end this round with
 * `input_required` (the handler runs again when the client retries with the answers).
 */
export function createRequestContext(call: CallScope, logger: Logger, clientRequestTimeoutMs: number): RequestContext {
  const { channel, signal } = call;
  const meta = (call.params._meta as Record<string, unknown> | undefined) ?? EMPTY_META;
  const progressToken = meta.progressToken as string | number | undefined;
  const ask = (capability: keyof typeof CLIENT_REQUESTS, params: Record<string, unknown>, key: string | undefined): Promise<any> => {
    const method = CLIENT_REQUESTS[capability];
    if (!call.client.capabilities[capability]) {
      const message = `the client did not declare the "${capability}" capability, so ${method} cannot be sent`;
      // Modern era: a protocol error the client can act on (-32021), even if the handler catches it; legacy era: the tool fails with the reason.
      if (call.mrtr) return call.mrtr.fail(new McpError(MISSING_CAPABILITY, message, { requiredCapabilities: { [capability]: {} } }));
      return Promise.reject(new Error(message));
    }
    if (call.mrtr) return call.mrtr.ask(method, params, key);
    return call.session!.request(method, params, channel, signal, clientRequestTimeoutMs);
  };
  return {
    signal,
    requestId: call.id,
    meta,
    principal: call.principal,
    client: call.client,
    logger,
    async progress(progress: number, total?: number, message?: string) {
      if (progressToken === undefined || signal.aborted) return;
      channel.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken, progress, ...(total !== undefined ? { total } : {}), ...(message !== undefined ? { message } : {}) } });
    },
    async log(level: LoggingLevel, data: unknown, loggerName?: string) {
      const min = call.logLevel;
      if (min === 'off' || (min !== undefined && levelRank(level) < levelRank(min)) || signal.aborted) return;
      channel.send({ jsonrpc: '2.0', method: 'notifications/message', params: { level, ...(loggerName ? { logger: loggerName } : {}), data } });
    },
    elicit: (params, options) => ask('elicitation', params as never, options?.key),
    sample: (params, options) => ask('sampling', params as never, options?.key),
    listRoots: (options) => ask('roots', {}, options?.key),
  };
}

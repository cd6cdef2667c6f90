import { McpError } from '@mcp-host/sdk';
import type { Channel } from './Channel.js';
import type { CallScope } from './createRequestContext.js';
import { errorResponse, resultResponse, type JsonRpcNotification, type JsonRpcRequest, type JsonRpcResponse } from './jsonrpc.js';
import { completionMethods } from './methods/completionMethods.js';
import { lifecycleMethods } from './methods/lifecycleMethods.js';
import type { EngineDeps, MethodHandler } from './methods/MethodHandler.js';
import { promptMethods } from './methods/promptMethods.js';
import { resourceMethods } from './methods/resourceMethods.js';
import { toolMethods } from './methods/toolMethods.js';
import { RpcCode } from './ProtocolError.js';
import type { Session } from './Session.js';

const NO_PARAMS: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/**
 * The MCP engine of the legacy (2025-11-25 and earlier) era: one method table shared by every
 * session and transport. Transports hand it parsed messages; it never touches sockets.
 */
export class Engine {
  private readonly methods: Map<string, MethodHandler>;

  constructor(private readonly deps: EngineDeps) {
    this.methods = new Map(
      Object.entries({ ...lifecycleMethods(deps), ...toolMethods(deps), ...resourceMethods(deps), ...promptMethods(deps), ...completionMethods(deps) }),
    );
  }

  /**
   * Serves one request. Returns its response, or undefined when the client cancelled it (the
   * protocol says no response is sent then).
   */
  async handleRequest(request: JsonRpcRequest, session: Session, channel: Channel): Promise<JsonRpcResponse | undefined> {
    const { id, method } = request;
    session.lastSeen = Date.now();
    const handler = this.methods.get(method);
    if (!handler) return errorResponse(id, { code: RpcCode.MethodNotFound, message: `Method not found: ${method}` });
    if (!session.initialized && method !== 'initialize' && method !== 'ping') {
      return errorResponse(id, { code: RpcCode.InvalidRequest, message: `Session not initialized: send "initialize" before "${method}"` });
    }
    if (session.initialized && method === 'initialize') {
      return errorResponse(id, { code: RpcCode.InvalidRequest, message: 'Session already initialized: start a new session to initialize again' });
    }
    if (session.inFlight.has(id)) return errorResponse(id, { code: RpcCode.InvalidRequest, message: `Request id ${JSON.stringify(id)} is already in flight` });
    const controller = new AbortController();
    session.inFlight.set(id, controller);
    const call: CallScope = { id, params: request.params ?? NO_PARAMS, session, channel, signal: controller.signal };
    try {
      const result = await handler(call);
      if (controller.signal.aborted) return undefined;
      return resultResponse(id, result);
    } catch (e) {
      if (controller.signal.aborted) return undefined;
      if (e instanceof McpError) return errorResponse(id, { code: e.code, message: e.message, ...(e.data !== undefined ? { data: e.data } : {}) });
      this.deps.logger.error({ err: e, method }, 'request failed');
      return errorResponse(id, { code: RpcCode.InternalError, message: `Internal error: ${(e as Error)?.message ?? String(e)}` });
    } finally {
      session.inFlight.delete(id);
    }
  }

  /** Handles a notification from the client (initialized, cancelled, roots changed…); unknown ones are ignored as the spec asks. */
  handleNotification(notification: JsonRpcNotification, session: Session): void {
    session.lastSeen = Date.now();
    switch (notification.method) {
      case 'notifications/cancelled': {
        const requestId = notification.params?.requestId as string | number | undefined;
        if (requestId !== undefined) session.inFlight.get(requestId)?.abort(new Error(String(notification.params?.reason ?? 'cancelled by the client')));
        return;
      }
      default:
        return;
    }
  }

  /** Routes a client's response to the server→client request it answers. */
  handleResponse(response: JsonRpcResponse, session: Session): void {
    session.lastSeen = Date.now();
    if (!session.settle(response)) this.deps.logger.debug({ id: response.id }, 'response to an unknown request id ignored');
  }
}

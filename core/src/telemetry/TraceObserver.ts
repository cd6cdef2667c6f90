import { McpError } from '@mcp-host/sdk';
import { SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { InputRequiredSignal } from '../calls/InputRequiredSignal.js';
import type { Catalog } from '../catalog/Catalog.js';
import { RpcCode } from '../errors/codes.js';
import type { CallScope } from '../protocol/CallScope.js';
import type { CallObserver } from '../protocol/ports/ObservePorts.js';
import { describeCall, type CallDescription } from './describeCall.js';
import * as A from './mcpAttributes.js';
import { SpanCallTrace } from './SpanCallTrace.js';
import { extractTraceMeta } from './traceMeta.js';

/**
 * Traces every request the engine serves: one SERVER span per request, named and labelled by the
 * OpenTelemetry MCP conventions (`{mcp.method.name} {target}`), whose parent is the trace context
 * the client put in `params._meta` (ignored when absent or malformed). The call's child spans (the
 * plugin handler, the isolation hop) and what the plugin sees as its parent come from the
 * SpanCallTrace set on the call before its handler runs.
 */
export class TraceObserver implements CallObserver {
  constructor(private readonly tracer: Tracer) {}

  async around<T>(call: CallScope, catalog: Catalog, run: () => Promise<T>): Promise<T> {
    const parent = extractTraceMeta(call.params._meta);
    const described = describeCall(call, catalog);
    const span = this.tracer.startSpan(described.spanName, { kind: SpanKind.SERVER }, parent);
    // An unsampled request costs no attributes: nothing would read them.
    const recording = span.isRecording();
    const plugin = pluginAttributes(described);
    if (recording) span.setAttributes(requestAttributes(call, described, plugin));
    call.trace = new SpanCallTrace(this.tracer, trace.setSpan(parent, span), `mcp_host.handler ${described.target ?? call.method}`, plugin);
    try {
      const result = await run();
      if (recording) {
        if (call.mrtr?.hasPending) span.setAttribute('mcp_host.input_required', true);
        // A tool that ran and failed answers a result, not a JSON-RPC error (the conventions' `tool_error`).
        else if ((result as { isError?: unknown } | undefined)?.isError === true) failed(span, 'tool_error');
      }
      return result;
    } catch (e) {
      if (recording) {
        if (e instanceof InputRequiredSignal) span.setAttribute('mcp_host.input_required', true);
        else {
          // What the client is answered: an McpError's own code, anything else an internal error (see Engine.errorResponse).
          const code = String(e instanceof McpError ? e.code : RpcCode.InternalError);
          span.setAttribute(A.RPC_RESPONSE_STATUS_CODE, code);
          failed(span, code, (e as Error)?.message);
        }
      }
      throw e;
    } finally {
      if (recording && call.lifetime.aborted) failed(span, 'cancelled');
      span.end();
    }
  }
}

/** A status description is not bound by the attribute limits: a long error message is cut here. */
const MAX_STATUS_CHARS = 1024;

function failed(span: Span, type: string, message?: string): void {
  span.setAttribute(A.ERROR_TYPE, type).setStatus({ code: SpanStatusCode.ERROR, message: typeof message === 'string' ? message.slice(0, MAX_STATUS_CHARS) : undefined });
}

/** The conventions' attributes of the request, and ours. */
function requestAttributes(call: CallScope, d: CallDescription, plugin: Attributes): Attributes {
  const attributes: Attributes = {
    [A.MCP_METHOD_NAME]: call.method,
    [A.MCP_HOST_ERA]: call.era,
    ...plugin,
  };
  // The conventions: not captured for a null id.
  if (call.id !== null && call.id !== undefined) attributes[A.JSONRPC_REQUEST_ID] = String(call.id);
  if (call.client.protocolVersion) attributes[A.MCP_PROTOCOL_VERSION] = call.client.protocolVersion;
  if (call.session?.id !== undefined) attributes[A.MCP_SESSION_ID] = call.session.id;
  if (d.toolName !== undefined) {
    attributes[A.GEN_AI_TOOL_NAME] = d.toolName;
    attributes[A.GEN_AI_OPERATION_NAME] = 'execute_tool';
  }
  if (d.promptName !== undefined) attributes[A.GEN_AI_PROMPT_NAME] = d.promptName;
  if (d.resourceUri !== undefined) attributes[A.MCP_RESOURCE_URI] = d.resourceUri;
  const transport = call.channel.transport;
  if (transport === 'http') {
    attributes[A.NETWORK_TRANSPORT] = 'tcp';
    attributes[A.NETWORK_PROTOCOL_NAME] = 'http';
  } else if (transport === 'stdio') attributes[A.NETWORK_TRANSPORT] = 'pipe';
  return attributes;
}

/** Which plugin generation serves the call, when one does. */
function pluginAttributes(d: CallDescription): Attributes {
  const plugin = d.binding?.plugin;
  return plugin ? { [A.MCP_HOST_PLUGIN]: plugin.id, [A.MCP_HOST_PLUGIN_VERSION]: plugin.version } : {};
}

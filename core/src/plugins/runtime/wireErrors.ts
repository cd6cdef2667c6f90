import { ContextError, McpError, ToolError, type ContextErrorReason } from '@mcp-host/sdk';
import { InputRequiredSignal } from '../../calls/InputRequiredSignal.js';
import type { WireError } from './workerProtocol.js';

/** Serializes an error so the other side of the worker boundary can rethrow the same kind. */
export function toWire(e: unknown): WireError {
  if (e instanceof InputRequiredSignal) return { kind: 'input-required', message: e.message };
  if (e instanceof ContextError) return { kind: 'context', message: e.message, reason: e.reason, ...(e.data !== undefined ? { data: e.data } : {}) };
  if (e instanceof McpError) return { kind: 'mcp', message: e.message, code: e.code, data: e.data };
  if (e instanceof ToolError) return { kind: 'tool', message: e.message, ...(e.data !== undefined ? { data: e.data } : {}), ...(e.structuredContent !== undefined ? { structuredContent: e.structuredContent } : {}) };
  const err = e as Error;
  return { kind: 'error', message: err?.message ?? String(e), stack: err?.stack };
}

export function fromWire(w: WireError): Error {
  switch (w.kind) {
    case 'input-required':
      return new InputRequiredSignal();
    case 'mcp':
      return new McpError(w.code!, w.message, w.data);
    case 'context':
      return new ContextError(w.reason as ContextErrorReason, w.message, w.data as Record<string, unknown> | undefined);
    case 'tool':
      return new ToolError(w.message, { data: w.data, structuredContent: w.structuredContent });
    default: {
      const e = new Error(w.message);
      if (w.stack) e.stack = w.stack;
      return e;
    }
  }
}

/** The handler span's `error.type` for what an isolated handler threw (none for a round that asks the client for input). */
export function handlerErrorType(error: WireError): string | undefined {
  if (error.kind === 'input-required') return undefined;
  if (error.kind === 'tool') return 'tool_error';
  return error.kind === 'mcp' && typeof error.code === 'number' ? String(error.code) : '_OTHER';
}

import type { Implementation } from '@mcp-host/sdk';
import type { Logger } from 'pino';
import type { Catalog } from '../../catalog/Catalog.js';
import type { CallScope } from '../createRequestContext.js';

/** What method handlers may use of the host. */
export interface EngineDeps {
  catalog(): Catalog;
  readonly logger: Logger;
  readonly serverInfo: Implementation;
  readonly instructions?: string;
  /** How long a server→client request (elicitation, sampling, roots) may wait for the client. */
  readonly clientRequestTimeoutMs: number;
}

/** Serves one request method; returns the result (or a RawJson) or throws a ProtocolError. */
export type MethodHandler = (call: CallScope) => unknown | Promise<unknown>;
export type MethodTable = Record<string, MethodHandler>;

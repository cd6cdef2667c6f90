import type { Principal } from '@mcp-host/sdk';
import { ProtocolError, RpcCode } from '../protocol/ProtocolError.js';
import { describeMissing, type Requirement } from '../catalog/Requirement.js';

/**
 * A call to an item the caller may not use. On HTTP it becomes a 403 whose challenge names
 * `data.scopes`, every scope the operation needs (MCP authorization: step-up asks for all of them).
 */
export class ForbiddenError extends ProtocolError {
  constructor(principal: Principal, req: Requirement, what: string) {
    super(RpcCode.Forbidden, `Forbidden: ${what} needs ${describeMissing(principal, req)}`, { scopes: req.scopes, ...(req.roleSets.length > 0 ? { roles: req.roleSets } : {}) });
  }
}

/** Where the host is in its life, for readiness: set by the kernel, read by the admin listener. */
export type HostPhase = 'starting' | 'serving' | 'draining' | 'closed';

export class HostState {
  phase: HostPhase = 'starting';
  /** The MCP endpoint's URL once it listens (the admin API's default JWT audience, as for MCP clients). */
  mcpUrl: string | undefined;
}

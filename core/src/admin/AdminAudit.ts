import type { Principal } from '@mcp-host/sdk';
import type { Logger } from 'pino';

/**
 * One audit line per admin action — who, what, on which plugin, how it ended — on the same
 * `audit: true` child logger as the calls' audit lines (AuditLog), at its own info level so the
 * trail does not go quiet when the host's log level is raised. Always on: steering a shared host
 * is exactly what an audit trail is for.
 */
export class AdminAudit {
  private readonly log: Logger;

  constructor(logger: Logger) {
    this.log = logger.child({ audit: true }, { level: 'info' });
  }

  write(principal: Principal, action: string, plugin: string, outcome: 'ok' | 'refused' | 'unknown-plugin' | 'error', detail?: string): void {
    // The plugin id comes from the URL: bounded so a hostile path cannot bloat the log.
    this.log.info({ admin: true, principal: principal.id, action, plugin: plugin.slice(0, 80), outcome, ...(detail ? { detail } : {}) }, 'admin action');
  }
}

import type { HostConfig } from '@mcp-host/config';
import type { Principal } from '@mcp-host/sdk';
import type { Logger } from 'pino';
import type { ContextWriteRecord } from '../protocol/ports/ContextPorts.js';
import type { Catalog } from '../catalog/Catalog.js';
import { diffVisible, type ListChange } from '../catalog/diffCatalogs.js';
import { AccessPolicy, type AnyBinding } from './AccessPolicy.js';
import { AuditLog } from './AuditLog.js';
import { CallPolicy } from './CallPolicy.js';
import type { LogMask } from './logMasking.js';
import { logRedactPaths } from './logRedaction.js';
import { MaskPolicy } from './MaskPolicy.js';
import { principal } from '../identity/principals.js';
import { PrincipalQuotas } from './PrincipalQuotas.js';
import type { Requirement } from '../catalog/Requirement.js';
import { RateLimiter } from './RateLimiter.js';
import type { SharedCounts } from '../protocol/ports/LimitPorts.js';
import { SharedQuotas } from './SharedQuotas.js';
import { SharedRateLimiter } from './SharedRateLimiter.js';

/**
 * The host's security pieces built from one config: who may see what (only with `auth`: without
 * it the one caller is the local user and nothing is enforced), masking, limits, audit, what the
 * logs redact, and the stdio principal. The kernel hands each piece to the part that applies it.
 */
export class HostSecurity {
  readonly access: AccessPolicy | undefined;
  readonly masking: MaskPolicy;
  /** pino redact paths: credentials, and every configured sensitive field (logs are masked for everyone). */
  readonly logRedact: string[];
  /** Fields and patterns every log line is masked by, the plugins' rules included (logs are masked for everyone). */
  readonly logMask: LogMask;
  private limits: { limiter: RateLimiter | undefined; quotas: PrincipalQuotas } | undefined;

  /**
   * `shared`: the counts the replicas of a cluster share, which the limiter and quotas then count
   * in. Asked for on first use of the limiter or quotas, not here: it needs the Redis link, which
   * needs the logger, which is built from this (its redaction).
   */
  constructor(
    private readonly config: HostConfig,
    private readonly shared?: () => SharedCounts,
  ) {
    this.access = config.auth ? new AccessPolicy(config.plugins.settings) : undefined;
    this.masking = new MaskPolicy(config.masking, config.plugins.settings);
    const plugins = Object.values(config.plugins.settings);
    this.logMask = {
      fields: [...new Set([...(config.masking?.fields ?? []), ...plugins.flatMap((s) => s.masking?.fields ?? [])])],
      patterns: [...new Set([...(config.masking?.patterns ?? []), ...plugins.flatMap((s) => s.masking?.patterns ?? [])])],
    };
    this.logRedact = logRedactPaths([...(config.masking?.fields ?? []), ...Object.values(config.plugins.settings).flatMap((s) => s.masking?.fields ?? [])]);
  }

  get limiter(): RateLimiter | undefined {
    return (this.limits ??= this.buildLimits()).limiter;
  }

  /** Each principal's share of sessions, streams and requests in flight (`server.quotas`). */
  get quotas(): PrincipalQuotas {
    return (this.limits ??= this.buildLimits()).quotas;
  }

  private buildLimits(): { limiter: RateLimiter | undefined; quotas: PrincipalQuotas } {
    const { limits, auth, server } = this.config;
    const counts = this.shared?.();
    // Without auth there is one principal (everyone): a share of the host is then the whole host, and only the global caps apply.
    const quotas = auth ? server.quotas : PrincipalQuotas.UNLIMITED;
    return {
      limiter: limits && (counts ? new SharedRateLimiter(limits, counts) : new RateLimiter(limits)),
      quotas: counts ? new SharedQuotas(quotas, counts) : new PrincipalQuotas(quotas),
    };
  }

  /** For CatalogOptions.access: absent when nothing is enforced, so catalogs keep one view. */
  get catalogAccess(): ((b: AnyBinding) => Requirement | undefined) | undefined {
    const access = this.access;
    return access && ((b) => access.requirementOf(b));
  }

  get stdioPrincipal(): Principal | undefined {
    const p = this.config.auth?.stdioPrincipal;
    return p ? principal({ source: 'stdio', subject: p.id }, p.scopes, p.roles) : undefined;
  }

  /** The policy step of calls; audit is on by default once callers are authenticated ("who did what" then has an answer). */
  callPolicy(logger: Logger): CallPolicy {
    const { auth, audit } = this.config;
    const on = audit?.enabled ?? auth !== undefined;
    return new CallPolicy({
      hideForbidden: auth?.hideForbidden,
      masking: this.masking,
      limiter: this.limiter,
      audit: on ? new AuditLog(logger, audit?.logArguments ?? false, (b) => this.masking.of(b)) : undefined,
    });
  }

  /** Audit lines for shared-context writes (who wrote which value, from which plugin), when audit is on as for calls. */
  contextAudit(logger: Logger): ((record: ContextWriteRecord) => void) | undefined {
    const { auth, audit } = this.config;
    if (!(audit?.enabled ?? auth !== undefined)) return undefined;
    const log = logger.child({ audit: true }, { level: 'info' });
    return (r) => log.info({ context: r.op, uri: r.uri, principal: r.principal, plugin: r.plugin, outcome: r.outcome, ...(r.version !== undefined ? { version: r.version } : {}) }, 'context write');
  }

  /** Which changed lists each principal hears of after a swap (undefined: everyone hears all). */
  visibleChanges(before: Catalog, after: Catalog, changed: ReadonlySet<ListChange>): ((p: Principal) => ReadonlySet<ListChange>) | undefined {
    return after.restricted || before.restricted ? diffVisible(before, after, changed) : undefined;
  }

  /**
   * Whether a principal may read a URI, for the notifier: resource updates go only to those who may
   * read the resource (subscribed before a permission applied, or through a listen stream).
   * Undefined when nothing is enforced.
   */
  readGuard(catalog: () => Catalog): ((p: Principal, uri: string) => boolean) | undefined {
    if (!this.access) return undefined;
    return (p, uri) => {
      const c = catalog();
      const b = c.resources.get(uri) ?? c.matchTemplate(uri)?.binding;
      return !b || c.canSee(p, b);
    };
  }

}

import { NAMESPACE_PATTERN, type ContextConfig, type JsonLimits } from '@mcp-host/config';
import { ContextError, type ContextEntry, type HostContext, type PluginInfo, type RequestContext, type SharedContext } from '@mcp-host/sdk';
import type { Logger } from 'pino';
import { describeMissing, satisfies } from '../catalog/Requirement.js';
import { exceedsJsonLimits } from '../calls/jsonLimits.js';
import { SharedContextClient, type ContextOp } from '../calls/SharedContextClient.js';
import { CONTEXT_KEY, legacySessionKey, modernContextKey } from '../protocol/contextKeys.js';
import { isModernVersion } from '../protocol/modern/modernMeta.js';
import type { ContextAudience, ContextBackend, ContextPort, ContextWriteRecord, ScopeLimits, StoredValue } from '../protocol/ports/ContextPorts.js';
import type { ContextNamespaces } from './ContextNamespaces.js';

export interface ContextServiceOptions {
  readonly config: ContextConfig;
  /** `server.limits`: a value deeper or wider is refused before it is serialized. */
  readonly limits: JsonLimits;
  readonly backend: ContextBackend;
  readonly namespaces: ContextNamespaces;
  /** Tells the subscribers of these URIs among `audience` (the notifier; in a cluster, every replica's). */
  readonly notify: (uris: readonly string[], audience: ContextAudience) => void;
  readonly audit?: (record: ContextWriteRecord) => void;
  readonly logger: Logger;
}

/** Where one operation lands: the backend's scope, its limits, its URIs and who hears of a write. */
interface Target {
  readonly scope: string;
  readonly limits: ScopeLimits;
  readonly uri: string;
  readonly audience: ContextAudience;
  readonly schema?: { validate(value: unknown): { ok: true } | { ok: false; message: string } };
}

const enc = encodeURIComponent;

/**
 * The host's shared context: turns a call into its scopes (the caller's session, principal, a
 * namespace), checks everything a plugin or a client could get wrong or abuse (keys, values within
 * `server.limits` and `context.maxValueBytes`, the namespace's schema and permissions, TTLs,
 * quotas), keeps values in a `ContextBackend`, and tells subscribers of each write. The scope is
 * always derived from the call the host is serving — never from anything the plugin or the client
 * names — so another principal's values cannot be addressed at all.
 */
export class ContextService implements ContextPort {
  constructor(private readonly options: ContextServiceOptions) {}

  of(ctx: RequestContext, plugin: PluginInfo): SharedContext {
    return new SharedContextClient((op) => this.run(ctx, plugin, op));
  }

  /** The sdk's CONTEXT service for one plugin generation (outside a call: its own namespaces only). */
  forPlugin(plugin: PluginInfo): HostContext {
    const own = new SharedContextClient((op) => this.run(undefined, plugin, op));
    return { of: (ctx) => ctx.context, shared: (namespace) => own.shared(namespace) };
  }

  /** A legacy session ended for good: its session scope goes with it. */
  sessionEnded(principal: string, sessionId: string | undefined): void {
    const scope = `s/${enc(principal)}/${enc(legacySessionKey(sessionId))}`;
    this.options.backend.clear(scope).catch((err: Error) => this.options.logger.warn({ err: { message: err.message } }, 'an ended session\'s context was not cleared (store unavailable); it expires with context.sessionTtlMs'));
  }

  close(): Promise<void> {
    return this.options.backend.close();
  }

  /** Runs one operation of `plugin` for the call `ctx` (undefined: the plugin itself, outside a call). */
  async run(ctx: RequestContext | undefined, plugin: PluginInfo, op: ContextOp): Promise<unknown> {
    try {
      return await this.runChecked(ctx, plugin, op);
    } catch (e) {
      // A write refused before the store (forbidden namespace, bad key or value, no session) is audited
      // like a forbidden call: who tried to write what matters most when it was refused. The store's
      // own refusals (quota, conflict) are audited where they happen; an unavailable store is logged.
      if (e instanceof ContextError && (op.method === 'set' || op.method === 'cas' || op.method === 'delete') && e.reason !== 'quota' && e.reason !== 'unavailable') {
        this.options.audit?.({ op: op.method, uri: refusedUri(op), principal: ctx?.principal.id, plugin: plugin.id, outcome: e.reason });
      }
      throw e;
    }
  }

  private async runChecked(ctx: RequestContext | undefined, plugin: PluginInfo, op: ContextOp): Promise<unknown> {
    const target = this.target(ctx, plugin, op);
    const { backend } = this.options;
    const key = op.method === 'keys' ? '' : checkKey(op.key);
    try {
      switch (op.method) {
        case 'get':
          return entryOf(key, await backend.get(target.scope, key));
        case 'keys':
          return await backend.keys(target.scope);
        case 'set':
        case 'cas':
          return await this.write(ctx, plugin, op, target, key);
        case 'delete': {
          const ifVersion = op.ifVersion === undefined ? undefined : checkVersion(op.ifVersion);
          const r = await backend.delete(target.scope, key, ifVersion);
          const outcome = !r.ok ? 'conflict' : r.existed ? 'ok' : 'absent';
          this.options.audit?.({ op: 'delete', uri: `${target.uri}/${key}`, principal: ctx?.principal.id, plugin: plugin.id, outcome });
          if (outcome === 'ok') this.options.notify([`${target.uri}/${key}`, target.uri], target.audience);
          return outcome === 'ok';
        }
        default:
          throw new ContextError('bad-key', `unknown context operation ${JSON.stringify((op as ContextOp).method)}`);
      }
    } catch (e) {
      if (e instanceof ContextError) throw e;
      this.options.logger.warn({ err: { message: (e as Error).message }, plugin: plugin.id }, 'context store failed');
      throw new ContextError('unavailable', 'the context store is unavailable; try again shortly');
    }
  }

  private async write(ctx: RequestContext | undefined, plugin: PluginInfo, op: ContextOp, target: Target, key: string): Promise<unknown> {
    const { config, limits, backend } = this.options;
    const over = exceedsJsonLimits(op.value, limits);
    if (over) throw new ContextError('invalid-value', `context value for "${key}" is ${over}`, { key });
    let json: string | undefined;
    try {
      json = JSON.stringify(op.value);
    } catch (e) {
      throw new ContextError('invalid-value', `context value for "${key}" is not JSON: ${(e as Error).message}`, { key });
    }
    if (json === undefined) throw new ContextError('invalid-value', `context value for "${key}" is not JSON (${typeof op.value}); delete a key instead of setting undefined`, { key });
    // Length first: a string's UTF-8 size is at most 3 bytes per UTF-16 unit, so most values need no count.
    const bytes = json.length * 3 <= config.maxValueBytes ? 0 : Buffer.byteLength(json);
    if (bytes > config.maxValueBytes) throw new ContextError('invalid-value', `context value for "${key}" is ${bytes} bytes of JSON, over context.maxValueBytes (${config.maxValueBytes})`, { key, max: config.maxValueBytes });
    const valid = target.schema?.validate(JSON.parse(json));
    if (valid && !valid.ok) throw new ContextError('invalid-value', `context value for "${key}" does not match the namespace's schema: ${valid.message.replace(/\barguments\b/g, 'value')}`, { key });
    let ttlMs: number | undefined;
    if (op.ttlMs !== undefined) {
      if (!Number.isSafeInteger(op.ttlMs) || op.ttlMs < 1 || op.ttlMs > config.maxTtlMs) throw new ContextError('invalid-value', `ttlMs must be a whole number of milliseconds from 1 to context.maxTtlMs (${config.maxTtlMs})`, { key });
      ttlMs = op.ttlMs;
    }
    const expected = op.method === 'cas' ? checkVersion(op.expected) : undefined;
    const uri = `${target.uri}/${key}`;
    const r = await backend.set(target.scope, key, json, ttlMs, expected, target.limits);
    const record = { op: op.method as 'set' | 'cas', uri, principal: ctx?.principal.id, plugin: plugin.id };
    if (!r.ok) {
      this.options.audit?.({ ...record, outcome: r.reason });
      if (r.reason === 'conflict') return { ok: false, current: entryOf(key, r.current) };
      const scopeName = target.uri.slice('context://'.length);
      throw new ContextError('quota', `context ${scopeName} is full: ${r.limit === 'keys' ? `at most ${r.max} keys` : `at most ${r.max} bytes of keys and values`}; delete some first`, { limit: r.limit, max: r.max });
    }
    this.options.audit?.({ ...record, outcome: 'ok', version: r.version });
    this.options.notify([uri, target.uri], target.audience);
    const entry: ContextEntry = { key, value: op.value, version: r.version, ...(r.expiresAt !== undefined ? { expiresAt: r.expiresAt } : {}) };
    return op.method === 'cas' ? { ok: true, entry } : entry;
  }

  private target(ctx: RequestContext | undefined, plugin: PluginInfo, op: ContextOp): Target {
    const { config, namespaces } = this.options;
    switch (op.scope) {
      case 'principal': {
        if (!ctx) throw new ContextError('no-session', 'the principal scope belongs to a caller: use it within a call (ctx.context)');
        const principal = ctx.principal.id;
        return { scope: `p/${enc(principal)}`, limits: config.quota.principal, uri: 'context://principal', audience: { principal } };
      }
      case 'session': {
        const session = ctx && sessionKeyOf(ctx);
        if (session === undefined) {
          throw new ContextError('no-session', ctx ? `this call has no session scope: a 2026-07-28 client names one with _meta["mcp-host/contextId"]` : 'the session scope belongs to a caller: use it within a call (ctx.context)');
        }
        const principal = ctx!.principal.id;
        return { scope: `s/${enc(principal)}/${enc(session)}`, limits: { ...config.quota.session, scopeTtlMs: config.sessionTtlMs }, uri: 'context://session', audience: { principal, session } };
      }
      case 'shared': {
        const name = op.namespace;
        const ns = typeof name === 'string' ? namespaces.get(name) : undefined;
        if (!ns) throw new ContextError('forbidden', `context namespace ${shown(name)} is not declared (declare it in a plugin's mcpHost.context.namespaces or in context.namespaces)`, { namespace: typeof name === 'string' ? name.slice(0, 64) : undefined });
        const writing = op.method === 'set' || op.method === 'cas' || op.method === 'delete';
        if (!ctx) {
          if (!ns.owners.has(plugin.id)) throw new ContextError('forbidden', `outside a call a plugin may use only the namespaces it declares; "${ns.name}" is not plugin "${plugin.id}"'s`, { namespace: ns.name });
        } else {
          const need = writing ? ns.write : ns.read;
          if (need && !satisfies(ctx.principal, need)) throw new ContextError('forbidden', `${writing ? 'writing' : 'reading'} context namespace "${ns.name}" needs ${describeMissing(ctx.principal, need)}`, { namespace: ns.name });
          // A writer must also be a reader: a write's answer shows the current version and value.
          if (writing && ns.read && !satisfies(ctx.principal, ns.read)) throw new ContextError('forbidden', `writing context namespace "${ns.name}" needs ${describeMissing(ctx.principal, ns.read)}`, { namespace: ns.name });
        }
        return { scope: `n/${ns.name}`, limits: ns.limits, uri: `context://shared/${ns.name}`, audience: { namespace: ns.name }, schema: ns.schema };
      }
      default:
        throw new ContextError('bad-key', `unknown context scope ${JSON.stringify((op as ContextOp).scope)}`);
    }
  }
}

/** The caller's session scope name (see protocol/contextKeys); undefined when it has none. */
function sessionKeyOf(ctx: RequestContext): string | undefined {
  if (isModernVersion(ctx.client.protocolVersion)) {
    const key = modernContextKey(ctx.meta);
    if (key === null) throw new ContextError('bad-key', '_meta["mcp-host/contextId"] must be 1-128 letters, digits, ".", "_", "-" or ":", starting with a letter or digit');
    return key;
  }
  // Every legacy request over HTTP has a session id; the one legacy client without one is stdio's.
  return legacySessionKey(ctx.client.sessionId);
}

/** The URI a refused write aimed at, from its well-formed parts only (a hostile key or namespace is not copied into the audit log). */
function refusedUri(op: ContextOp): string {
  const key = typeof op.key === 'string' && CONTEXT_KEY.test(op.key) ? op.key : '(invalid key)';
  if (op.scope !== 'shared') return `context://${op.scope === 'session' ? 'session' : 'principal'}/${key}`;
  const ns = typeof op.namespace === 'string' && NAMESPACE_PATTERN.test(op.namespace) ? op.namespace : '(invalid namespace)';
  return `context://shared/${ns}/${key}`;
}

/** A name a plugin or client gave, as an error message may quote it: at most 64 characters. */
function shown(name: unknown): string {
  return typeof name === 'string' ? JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name) : typeof name;
}

function checkKey(key: unknown): string {
  if (typeof key !== 'string' || !CONTEXT_KEY.test(key)) {
    throw new ContextError('bad-key', `context key ${shown(key)} is not valid: 1-128 letters, digits, ".", "_", "-" or ":", starting with a letter or digit`);
  }
  return key;
}

function checkVersion(v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new ContextError('invalid-value', 'a version is a whole number ≥ 0 (0: the key must be absent)');
  return v;
}

function entryOf(key: string, stored: StoredValue | undefined): ContextEntry | undefined {
  if (!stored) return undefined;
  return { key, value: JSON.parse(stored.json), version: stored.version, ...(stored.expiresAt !== undefined ? { expiresAt: stored.expiresAt } : {}) };
}

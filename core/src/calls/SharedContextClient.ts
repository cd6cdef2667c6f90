import { ContextError, type ContextCasResult, type ContextEntry, type ContextScope, type ContextSetOptions, type ContextUpdateOptions, type SharedContext } from '@mcp-host/sdk';

/**
 * One shared-context operation, as plain data: what `ctx.context` asks of the host's context
 * service, directly in-process, as a message from a worker or a process (the same data, the same
 * answers, so every isolation has the same semantics).
 */
export interface ContextOp {
  readonly scope: 'session' | 'principal' | 'shared';
  readonly namespace?: string;
  readonly method: 'get' | 'set' | 'cas' | 'delete' | 'keys';
  readonly key?: string;
  readonly value?: unknown;
  /** `cas`: the version the value must still have (0: absent). */
  readonly expected?: number;
  /** `delete`: only if the value is still this version. */
  readonly ifVersion?: number;
  readonly ttlMs?: number;
}

export type RunContextOp = (op: ContextOp) => Promise<unknown>;

const DEFAULT_ATTEMPTS = 100;

/**
 * `ctx.context` over a function that runs one operation where the store is. Everything but `update`
 * is one operation; `update` is a compare-and-set loop here, on the plugin's side (its function is
 * the plugin's code), so it is atomic in every isolation and against every replica.
 */
export class SharedContextClient implements SharedContext {
  readonly session: ContextScope;
  readonly principal: ContextScope;

  constructor(readonly run: RunContextOp) {
    this.session = new ScopeClient(run, 'session', undefined, 'context://session');
    this.principal = new ScopeClient(run, 'principal', undefined, 'context://principal');
  }

  shared(namespace: string): ContextScope {
    return new ScopeClient(this.run, 'shared', namespace, `context://shared/${namespace}`);
  }
}

class ScopeClient implements ContextScope {
  constructor(
    private readonly run: RunContextOp,
    private readonly scope: ContextOp['scope'],
    private readonly namespace: string | undefined,
    readonly uri: string,
  ) {}

  private op(method: ContextOp['method'], fields: Omit<ContextOp, 'scope' | 'namespace' | 'method'>): Promise<any> {
    return this.run({ scope: this.scope, ...(this.namespace !== undefined ? { namespace: this.namespace } : {}), method, ...fields });
  }

  get<T>(key: string): Promise<ContextEntry<T> | undefined> {
    return this.op('get', { key });
  }

  set<T>(key: string, value: T, options?: ContextSetOptions): Promise<ContextEntry<T>> {
    return this.op('set', { key, value, ...(options?.ttlMs !== undefined ? { ttlMs: options.ttlMs } : {}) });
  }

  compareAndSet<T>(key: string, expected: number, value: T, options?: ContextSetOptions): Promise<ContextCasResult<T>> {
    return this.op('cas', { key, value, expected, ...(options?.ttlMs !== undefined ? { ttlMs: options.ttlMs } : {}) });
  }

  delete(key: string, options?: { readonly ifVersion?: number }): Promise<boolean> {
    return this.op('delete', { key, ...(options?.ifVersion !== undefined ? { ifVersion: options.ifVersion } : {}) });
  }

  keys(): Promise<string[]> {
    return this.op('keys', {});
  }

  async update<T>(key: string, fn: (current: T | undefined) => T | undefined, options?: ContextUpdateOptions): Promise<ContextEntry<T> | undefined> {
    const attempts = options?.maxAttempts ?? DEFAULT_ATTEMPTS;
    let current = await this.get<T>(key);
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const next = fn(current?.value);
      if (next === undefined) {
        if (!current || (await this.delete(key, { ifVersion: current.version }))) return undefined;
        current = await this.get<T>(key);
      } else {
        const r = await this.compareAndSet<T>(key, current?.version ?? 0, next, options);
        if (r.ok) return r.entry;
        current = r.current;
      }
      // Many writers on one key: a random pause, growing with each loss (full-jitter exponential
      // backoff, at most 25 ms), spreads their next attempts so that one of them wins each round.
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** attempt, 25)));
    }
    throw new ContextError('conflict', `context update of "${key}" lost to other writers ${attempts} times; try again`, { key, attempts });
  }
}

/**
 * Runs an operation that crossed from a worker or process on the host's side: through `ctx.context`
 * of the call it belongs to, or, outside a call, through the plugin's own HostContext (its
 * namespaces only; session and principal scopes belong to a caller).
 */
export function applyContextOp(context: Partial<SharedContext> & Pick<SharedContext, 'shared'>, op: ContextOp): Promise<unknown> {
  if (op.scope === 'shared' && typeof op.namespace !== 'string') return Promise.reject(new ContextError('bad-key', 'a shared context operation names its namespace'));
  const scope = op.scope === 'shared' ? context.shared(op.namespace!) : op.scope === 'session' || op.scope === 'principal' ? context[op.scope] : undefined;
  if (!scope) return Promise.reject(new ContextError('no-session', `the ${String(op.scope)} scope belongs to a caller: use it within a call (ctx.context)`));
  const ttl = op.ttlMs !== undefined ? { ttlMs: op.ttlMs } : undefined;
  switch (op.method) {
    case 'get':
      return scope.get(op.key as string);
    case 'set':
      return scope.set(op.key as string, op.value, ttl);
    case 'cas':
      return scope.compareAndSet(op.key as string, op.expected as number, op.value, ttl);
    case 'delete':
      return scope.delete(op.key as string, op.ifVersion !== undefined ? { ifVersion: op.ifVersion } : undefined);
    case 'keys':
      return scope.keys();
    default:
      return Promise.reject(new ContextError('bad-key', `unknown context operation ${JSON.stringify(op.method)}`));
  }
}

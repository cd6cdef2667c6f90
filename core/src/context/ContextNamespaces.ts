import type { ContextConfig, ContextNamespaceConfig } from '@mcp-host/config';
import type { Logger } from 'pino';
import type { Principal } from '@mcp-host/sdk';
import { requirement, satisfies, type Requirement } from '../catalog/Requirement.js';
import type { CompiledSchema, SchemaCompiler } from '../catalog/compileSchema.js';
import type { ScopeLimits } from '../protocol/ports/ContextPorts.js';

/** A namespace as the service enforces it. */
export interface Namespace {
  readonly name: string;
  /** Who declared it: `config`, or the plugins whose manifests do. */
  readonly owners: ReadonlySet<string>;
  readonly read?: Requirement;
  readonly write?: Requirement;
  readonly schema?: CompiledSchema;
  readonly limits: ScopeLimits;
}

/** What the loaded plugins declare, read at each catalog revision. */
export interface NamespaceSource {
  revision(): number;
  declarations(): Iterable<{ readonly plugin: string; readonly namespaces: Readonly<Record<string, ContextNamespaceConfig>> }>;
}

const CONFIG = 'config';

/**
 * The shared namespaces in force: the config's (`context.namespaces`), then those the loaded
 * plugins declare in their manifests. The first declaration of a name sets its rules (the
 * config's before any plugin's, then plugins in load order); a plugin declaring an existing name
 * with other rules is logged once, and may still use it as any caller. Rebuilt when the catalog's
 * revision changes (a plugin loaded, reloaded or removed), so a removed plugin's namespace is no
 * longer served (its values stay in the store until it comes back).
 */
export class ContextNamespaces {
  private built = -1;
  private byName = new Map<string, Namespace>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly config: ContextConfig,
    private readonly source: NamespaceSource | undefined,
    private readonly logger: Logger,
    /**
     * A schema compiler, when its module is loaded (Ajv is imported with the plugin machinery, not
     * before a stdio host's first answer). Until then a namespace with a schema is not served: no
     * call reaches a plugin before the machinery is loaded anyway.
     */
    private readonly compiler: () => SchemaCompiler | undefined,
  ) {}

  get(name: string): Namespace | undefined {
    const revision = this.source?.revision() ?? 0;
    if (revision !== this.built) this.rebuild(revision);
    return this.byName.get(name);
  }

  /** Whether `principal` may read `name` (for notifications: a subscriber hears only what it may read). */
  mayRead(principal: Principal, name: string): boolean {
    const ns = this.get(name);
    return ns !== undefined && (!ns.read || satisfies(principal, ns.read));
  }

  private rebuild(revision: number): void {
    const next = new Map<string, Namespace>();
    const texts = new Map<string, string>();
    const compiler = this.compiler();
    const add = (owner: string, name: string, decl: ContextNamespaceConfig) => {
      const text = JSON.stringify(decl);
      const known = next.get(name);
      if (known) {
        if (texts.get(name) !== text && owner !== CONFIG && !this.warned.has(`${owner}/${name}`)) {
          this.warned.add(`${owner}/${name}`);
          this.logger.warn({ plugin: owner, namespace: name, declaredBy: [...known.owners] }, 'plugin declares a context namespace already declared with other rules; the first declaration applies');
        }
        (known.owners as Set<string>).add(owner);
        return;
      }
      let schema: CompiledSchema | undefined;
      if (decl.schema && !compiler) return;
      try {
        schema = decl.schema ? compiler!.compile(decl.schema as Record<string, unknown>) : undefined;
      } catch (e) {
        this.logger.error({ plugin: owner, namespace: name, err: { message: (e as Error).message } }, 'context namespace schema does not compile; the namespace is not served');
        return;
      }
      texts.set(name, text);
      next.set(name, {
        name,
        owners: new Set([owner]),
        read: requirement(decl.read?.scopes ?? [], [decl.read?.roles ?? []]),
        write: requirement(decl.write?.scopes ?? [], [decl.write?.roles ?? []]),
        schema,
        limits: { maxKeys: decl.maxKeys ?? this.config.quota.shared.maxKeys, maxBytes: decl.maxBytes ?? this.config.quota.shared.maxBytes },
      });
    };
    for (const [name, decl] of Object.entries(this.config.namespaces)) add(CONFIG, name, decl);
    for (const { plugin, namespaces } of this.source?.declarations() ?? []) for (const [name, decl] of Object.entries(namespaces)) add(plugin, name, decl);
    this.byName = next;
    this.built = revision;
  }
}

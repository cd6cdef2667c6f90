import type { CacheHint, CompleteFn, MaskOptions, PluginInfo, RequestContext } from '@mcp-host/sdk';
import type { Logger } from 'pino';
import type { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import type { CompiledSchema } from './compileSchema.js';
import type { ParamHeader } from './findParamHeaders.js';

/** What a declaration says about who may use it and what to mask in its results (the config adds to it), and for a tool, whether it runs as a task. */
export interface DeclaredPolicy {
  readonly scopes?: readonly string[];
  readonly roles?: readonly string[];
  readonly mask?: MaskOptions;
  /** Tools only: runs as a task for clients of the tasks extension (it crosses to isolated runtimes with the rest of the declaration). */
  readonly task?: TaskSupport;
}

/** How a tool runs as a task (the sdk's `ToolOptions.task`, checked). */
export interface TaskSupport {
  readonly support: 'optional' | 'required';
  readonly inputFirstMs: number;
}

/**
 * Bindings: one declared tool, resource, template or prompt of one plugin generation, with its
 * published descriptor built and its schemas compiled once, when the plugin loads.
 */
export interface ToolBinding {
  readonly kind: 'tool';
  readonly name: string;
  readonly plugin: PluginInfo;
  /** The owning plugin's logger, handed to handlers as `ctx.logger`. */
  readonly logger: Logger;
  readonly declared?: DeclaredPolicy;
  /** The `Tool` object published in `tools/list`. */
  readonly descriptor: Record<string, unknown>;
  readonly input: CompiledSchema;
  readonly output: CompiledSchema | undefined;
  /** Arguments mirrored as `Mcp-Param-*` HTTP headers (2026-07-28 `x-mcp-header`). */
  readonly paramHeaders: readonly ParamHeader[];
  invoke(args: unknown, ctx: RequestContext): Promise<unknown>;
}

export interface ResourceBinding {
  readonly kind: 'resource';
  readonly uri: string;
  readonly cache: CacheHint | undefined;
  readonly plugin: PluginInfo;
  /** The owning plugin's logger, handed to handlers as `ctx.logger`. */
  readonly logger: Logger;
  readonly declared?: DeclaredPolicy;
  readonly descriptor: Record<string, unknown>;
  read(uri: string, ctx: RequestContext): Promise<unknown>;
}

export interface TemplateBinding {
  readonly kind: 'template';
  readonly name: string;
  readonly cache: CacheHint | undefined;
  readonly plugin: PluginInfo;
  /** The owning plugin's logger, handed to handlers as `ctx.logger`. */
  readonly logger: Logger;
  readonly declared?: DeclaredPolicy;
  readonly descriptor: Record<string, unknown>;
  readonly template: UriTemplate;
  readonly complete: ReadonlyMap<string, CompleteFn>;
  read(uri: string, variables: Record<string, string | string[]>, ctx: RequestContext): Promise<unknown>;
}

export interface PromptBinding {
  readonly kind: 'prompt';
  readonly name: string;
  readonly plugin: PluginInfo;
  /** The owning plugin's logger, handed to handlers as `ctx.logger`. */
  readonly logger: Logger;
  readonly declared?: DeclaredPolicy;
  readonly descriptor: Record<string, unknown>;
  readonly requiredArguments: readonly string[];
  readonly complete: ReadonlyMap<string, CompleteFn>;
  get(args: Record<string, string>, ctx: RequestContext): Promise<unknown>;
}

/** One file of a skill, as `skills/list` describes it. */
export interface SkillFile {
  readonly uri: string;
  /** `sha256:<64 lowercase hex>` of the raw bytes. */
  readonly digest: string;
  readonly size: number;
}

/** A direct child of a skill directory (`resources/directory/read`). */
export interface DirectoryEntry {
  readonly uri: string;
  readonly name: string;
  readonly mimeType: string;
}

/**
 * One skill (the io.modelcontextprotocol/skills extension): a folder whose `SKILL.md` begins with
 * YAML frontmatter. Each of its files is also a resource binding of the same generation (so reads,
 * permissions, masking and reloads are those of resources); who may see the skill is who may see
 * its `SKILL.md`.
 */
export interface SkillBinding {
  readonly kind: 'skill';
  /** `skill://<plugin id>/<name>/SKILL.md`. */
  readonly uri: string;
  readonly name: string;
  readonly plugin: PluginInfo;
  /** The frontmatter of SKILL.md, as parsed (name and description at least). */
  readonly frontmatter: Readonly<Record<string, unknown>>;
  /** Every file of the skill, SKILL.md first. */
  readonly files: readonly SkillFile[];
  /** The SKILL.md resource. */
  readonly skillMd: ResourceBinding;
  /** Directories of the skill (its root, without a trailing slash, and every subfolder), with their direct children. */
  readonly directories: ReadonlyMap<string, readonly DirectoryEntry[]>;
}

/** Everything one plugin generation contributes. */
export interface PluginBindings {
  readonly tools: ToolBinding[];
  readonly resources: ResourceBinding[];
  readonly templates: TemplateBinding[];
  readonly prompts: PromptBinding[];
  /** Skills the host read from the plugin's folders (their files are among `resources`). */
  readonly skills?: SkillBinding[];
}

/** Any item a plugin contributes (what permissions, masking and audit apply to). */
export type AnyBinding = ToolBinding | ResourceBinding | TemplateBinding | PromptBinding;

/** A loaded plugin generation as the catalog sees it: who it is and what it contributes. */
export interface BoundGeneration {
  readonly info: PluginInfo;
  readonly bindings: PluginBindings;
}

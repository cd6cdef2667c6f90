import { z } from 'zod';

/*
 * The security sections of the config: auth (who is calling), permissions (what they may see and
 * use), masking, limits and audit. Every section is optional: without `auth` the host serves the
 * anonymous local principal and enforces no permissions, as before these sections existed.
 */

const names = z.array(z.string().min(1));
const hex64 = z.string().regex(/^[0-9a-fA-F]{64}$/, { error: 'must be the 64 hex digits of the token\'s SHA-256' });

const jwtSchema = z
  .object({
    /**
     * Expected `iss` (exact match); also the default authorization server in the metadata document.
     * A JWT principal's id is `jwt:<iss>#<sub>`, so an issuer may not hold `#` (an issuer
     * identifier has no fragment, RFC 8414 §2).
     */
    issuer: z.string().min(1).refine((i) => !i.includes('#'), { error: 'an issuer identifier has no fragment: it may not contain "#"' }),
    /** Expected `aud` (any of them); defaults to the resource URI (RFC 8707: tokens issued for this server only). */
    audience: z.union([z.string().min(1), names.min(1)]).optional(),
    /** Where the signing keys are: a JWKS URL (fetched, cached, refetched on an unknown `kid`), or a local JWKS file. */
    jwksUrl: z.url().optional(),
    jwksFile: z.string().min(1).optional(),
    /** Accepted signature algorithms; `none` and HMAC are refused (a resource server must not share a secret with clients). */
    algorithms: z
      .array(z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']))
      .min(1)
      .default(['RS256', 'ES256']),
    /** Skew allowed on `exp` and `nbf`. */
    clockToleranceSec: z.number().int().min(0).max(600).default(30),
    /** After a JWKS fetch, no other fetch for this long (bounds refetches that random `kid`s could trigger). */
    jwksCooldownSec: z.number().min(0).default(30),
    /** Claim holding the caller's roles (an array of strings, or one space-separated string). */
    rolesClaim: z.string().min(1).default('roles'),
  })
  .strict()
  .refine((j) => (j.jwksUrl === undefined) !== (j.jwksFile === undefined), { error: 'set exactly one of jwksUrl and jwksFile' });

const serviceTokenSchema = z
  .object({
    /** Who presents this token: the principal's subject (its id is `service:<name>`). */
    name: z.string().min(1),
    /** SHA-256 of the token in hex: the token itself is never written in the config. */
    sha256: hex64,
    scopes: names.default([]),
    roles: names.default([]),
  })
  .strict();

const principalSchema = z.object({ id: z.string().min(1), scopes: names.default([]), roles: names.default([]) }).strict();

export const authSchema = z
  .object({
    /** The canonical URI of this server (RFC 8707), e.g. https://mcp.example.com/mcp; defaults to the listening URL. */
    resource: z.url().optional(),
    /** Issuers of tokens for this server (RFC 9728 `authorization_servers`); defaults to [jwt.issuer]. */
    authorizationServers: z.array(z.url()).optional(),
    /** Published as `scopes_supported`, and asked for in the 401 challenge. */
    scopesSupported: names.default([]),
    jwt: jwtSchema.optional(),
    serviceTokens: z
      .array(serviceTokenSchema)
      .default([])
      .refine((tokens) => new Set(tokens.map((t) => t.name)).size === tokens.length, { error: 'two service tokens share a name (each name is one principal: its sessions, limits and audit lines)' }),
    /** Serve requests without a token as the anonymous principal (who sees only unrestricted items). */
    anonymous: z.boolean().default(false),
    /** Answer a call to a forbidden item exactly like an unknown one (instead of 403 insufficient_scope). */
    hideForbidden: z.boolean().default(false),
    /** The principal of the stdio client (stdio carries no tokens; the process owner chose who runs it). */
    stdioPrincipal: principalSchema.optional(),
  })
  .strict();

const requirementSchema = z.object({ scopes: names.optional(), roles: names.optional() }).strict();

/** `plugins.settings.<id>.permissions`: plugin-wide requirements add to every item; per-item ones replace the declared ones. */
export const permissionsSchema = z
  .object({
    scopes: names.optional(),
    roles: names.optional(),
    tools: z.record(z.string(), requirementSchema).optional(),
    prompts: z.record(z.string(), requirementSchema).optional(),
    /** Keyed by resource URI or name. */
    resources: z.record(z.string(), requirementSchema).optional(),
    /** Keyed by URI template or name. */
    resourceTemplates: z.record(z.string(), requirementSchema).optional(),
  })
  .strict();

const maskPatterns = z.array(z.enum(['email', 'card', 'bearer', 'apiKey']));

/** Masking rules of a plugin (`plugins.settings.<id>.masking`). */
export const pluginMaskingSchema = z.object({ fields: names.default([]), patterns: maskPatterns.default([]) }).strict();

export const maskingSchema = z
  .object({
    fields: names.default([]),
    patterns: maskPatterns.default([]),
    /** Callers holding this scope see results unmasked (logs are masked for everyone). */
    unmaskScope: z.string().min(1).default('pii:read'),
  })
  .strict();

const bucketSchema = z.object({ rate: z.number().positive(), burst: z.number().int().min(1) }).strict();

export const limitsSchema = z
  .object({
    /** Every HTTP request of a principal (429 + Retry-After when exceeded). `rate` is per second. */
    perPrincipal: bucketSchema.optional(),
    /** Calls of one tool by one principal (a JSON-RPC error with data.retryAfterMs when exceeded). */
    perTool: bucketSchema.optional(),
    /** Per-tool overrides of perTool, by published tool name. */
    tools: z.record(z.string(), bucketSchema).default({}),
    /** Calls (tools, resources, prompts) one principal may have running at once. */
    maxConcurrentPerPrincipal: z.number().int().min(1).optional(),
  })
  .strict();

export const auditSchema = z
  .object({
    /** One log line per call; defaults to on when `auth` is configured. */
    enabled: z.boolean().optional(),
    /** Include argument values (masked like results) in audit lines. */
    logArguments: z.boolean().default(false),
  })
  .strict();

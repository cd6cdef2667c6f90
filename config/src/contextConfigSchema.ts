import { z } from 'zod';

/*
 * Shared context (`context`): named JSON values per session, per principal and in shared
 * namespaces, kept by the host and served as `context://` resources. On by default, in memory;
 * in Redis with `cluster`. These are its limits and the namespaces ops declare.
 */

const names = z.array(z.string().min(1));
const access = z.object({ scopes: names.optional(), roles: names.optional() }).strict();

const quota = (maxKeys: number, maxBytes: number) =>
  z
    .object({
      /** Values one scope (one session, one principal, one namespace) may hold. */
      maxKeys: z.number().int().min(1).max(1_000_000).default(maxKeys),
      /** Their size: the sum of each key's and its JSON's UTF-8 bytes. */
      maxBytes: z.number().int().min(64).max(1_073_741_824).default(maxBytes),
    })
    .strict()
    .prefault({});

/** A namespace's name: as a plugin id (lowercase letters, digits, ".", "_", "-"; at most 64). */
export const NAMESPACE_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * A shared namespace: who may read and write it (the caller needs every scope and one of the roles
 * listed; nothing listed: every caller), an optional JSON Schema every value must satisfy, and its
 * quota. Declared by plugins in their manifest (`mcpHost.context.namespaces`) or here; here wins.
 */
export const contextNamespaceSchema = z
  .object({
    description: z.string().max(1024).optional(),
    read: access.optional(),
    write: access.optional(),
    /** JSON Schema (2020-12) of every value. */
    schema: z.record(z.string(), z.unknown()).optional(),
    maxKeys: z.number().int().min(1).max(1_000_000).optional(),
    maxBytes: z.number().int().min(64).max(1_073_741_824).optional(),
  })
  .strict();

export const contextSchema = z
  .object({
    /** A value's JSON may be this many UTF-8 bytes (and is also bounded by `server.limits`). */
    maxValueBytes: z.number().int().min(16).max(16_777_216).default(65_536),
    /** A value's TTL may be at most this long (a longer one is refused); default 30 days. */
    maxTtlMs: z.number().int().min(1000).default(2_592_000_000),
    /**
     * The session scope ends with its legacy session (DELETE, or idle expiry on one host) and, in
     * every case, this long after its last write: a stateless client's context id, a session that
     * expired on a replica, are not kept for ever.
     */
    sessionTtlMs: z.number().int().min(1000).default(86_400_000),
    quota: z
      .object({
        session: quota(100, 1_048_576),
        principal: quota(1000, 4_194_304),
        /** Per namespace, unless it sets its own. */
        shared: quota(10_000, 16_777_216),
      })
      .strict()
      .prefault({}),
    namespaces: z.record(z.string().regex(NAMESPACE_PATTERN, { error: 'a namespace is 1-64 lowercase letters, digits, ".", "_" or "-", starting with a letter or digit' }), contextNamespaceSchema).default({}),
  })
  .strict();

export type ContextConfig = z.output<typeof contextSchema>;
export type ContextNamespaceConfig = z.output<typeof contextNamespaceSchema>;

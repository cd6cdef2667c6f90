import { z } from 'zod';

const credentialSchema = z
  .object({
    /** The secret itself (apiKey value or bearer token). Prefer `env`. */
    value: z.string().min(1).optional(),
    /** Environment variable holding the secret. */
    env: z.string().min(1).optional(),
    /** HTTP basic: user name, or the variable holding it. */
    username: z.string().optional(),
    usernameEnv: z.string().min(1).optional(),
    /** HTTP basic: password, or the variable holding it. */
    password: z.string().optional(),
    passwordEnv: z.string().min(1).optional(),
  })
  .strict();

export type CredentialConfig = z.infer<typeof credentialSchema>;

const apiSchema = z
  .object({
    /** Short name of the API (used in logs and errors). */
    name: z.string().regex(/^[A-Za-z0-9_-]+$/, { error: 'may contain only letters, digits, "_" and "-"' }),
    /** The OpenAPI 3 document: a file path (JSON or YAML, relative to the host's working directory) or the document itself. */
    document: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
    /** Base URL of the API; default: the document's first server. */
    baseUrl: z.string().url().optional(),
    /** Prepended to every tool name of this API. */
    toolPrefix: z.string().regex(/^[A-Za-z0-9_.-]*$/).default(''),
    /** Credentials by security scheme name (`components.securitySchemes`). */
    credentials: z.record(z.string(), credentialSchema).default({}),
    /** Headers sent with every call of this API. */
    headers: z.record(z.string(), z.string()).default({}),
    /** Only these operations (by operationId or generated tool name). */
    include: z.array(z.string()).optional(),
    /** Leave these operations out (by operationId or generated tool name). */
    exclude: z.array(z.string()).default([]),
  })
  .strict();

export type ApiConfig = z.output<typeof apiSchema>;

export const HttpConfigSchema = z
  .object({
    /** Hosts `http_request` may call, and that redirects may lead to: `api.example.com`, `*.example.com` (subdomains), IP literals. */
    allowedHosts: z.array(z.string().min(1)).default([]),
    /**
     * Addresses outside the public internet (loopback, private, link-local, …) that calls may reach
     * anyway: IPs or CIDR ranges (`127.0.0.1`, `10.1.0.0/16`). Everything else of that kind is refused.
     */
    allowedAddresses: z.array(z.string().min(1)).default([]),
    /** Whole-call deadline (connect, redirects, body). */
    timeoutMs: z.number().int().min(100).max(600_000).default(10_000),
    /** Largest response body accepted (after decompression). */
    maxResponseBytes: z.number().int().min(1024).max(100_000_000).default(1_000_000),
    maxRedirects: z.number().int().min(0).max(20).default(5),
    userAgent: z.string().default('mcp-host-http/1.0'),
    /** OpenAPI documents whose operations become tools. */
    apis: z.array(apiSchema).default([]),
  })
  .strict();

export type HttpConfig = z.output<typeof HttpConfigSchema>;

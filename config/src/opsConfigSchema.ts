import { z } from 'zod';

/*
 * The operator's sections of the config: the admin listener (health, metrics, admin API and UI)
 * and telemetry (what is measured and traced, and where traces go). Both are off unless configured;
 * the admin listener binds to loopback unless told otherwise, never to the MCP endpoint's port.
 */

const hex64 = z.string().regex(/^[0-9a-fA-F]{64}$/, { error: 'must be the 64 hex digits of the token\'s SHA-256' });

export const adminSchema = z
  .object({
    /** Address of the admin listener: loopback by default, so nothing is exposed unless asked. */
    host: z.string().min(1).default('127.0.0.1'),
    /** Its port (0 = any free port; the chosen one is logged as `adminUrl`). */
    port: z.number().int().min(0).max(65535).default(9464),
    /**
     * Admin callers: a bearer token whose SHA-256 is listed here (`echo -n "$TOKEN" | sha256sum`),
     * or a JWT accepted by `auth.jwt` that carries `scope`. Without either, the admin API and UI
     * answer 403 and only /livez, /readyz and /metrics are served.
     */
    tokenSha256: z.array(hex64).default([]),
    scope: z.string().min(1).optional(),
  })
  .strict();

export const telemetrySchema = z
  .object({
    metrics: z
      .object({
        /** Prometheus metrics at the admin listener's /metrics (only when `admin` is configured). */
        enabled: z.boolean().default(true),
        /** Label call metrics with the caller's principal id: one series per principal, so off by default. */
        principalLabel: z.boolean().default(false),
        /** prom-client's process metrics (event-loop lag, heap, GC). */
        processMetrics: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    tracing: z
      .object({
        /** Server spans per request; on by default when `otlp.endpoint` is set. */
        enabled: z.boolean().optional(),
        /** Share of root traces sampled (a client's sampled parent is always followed). */
        sampleRatio: z.number().min(0).max(1).default(1),
      })
      .strict()
      .prefault({}),
    otlp: z
      .object({
        /** OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:4318/v1/traces; nothing is exported without it. */
        endpoint: z.url().optional(),
        headers: z.record(z.string(), z.string()).default({}),
        serviceName: z.string().min(1).default('mcp-host'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

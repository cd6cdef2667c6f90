import type { TelemetryConfig } from '@mcp-host/config';

// Its own module, so the kernel and HostTelemetry ask it without importing OpenTelemetry's SDK.

/** Whether the host traces: `tracing.enabled` when set, else whenever an OTLP endpoint is configured. */
export const tracingEnabled = (config: TelemetryConfig): boolean => config.tracing.enabled ?? config.otlp.endpoint !== undefined;

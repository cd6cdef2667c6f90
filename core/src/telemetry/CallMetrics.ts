import { McpError } from '@mcp-host/sdk';
import type { Registry } from 'prom-client';
import { InputRequiredSignal } from '../calls/InputRequiredSignal.js';
import type { AnyBinding } from '../catalog/bindings.js';
import type { Catalog } from '../catalog/Catalog.js';
import { bindingOf } from '../catalog/callTarget.js';
import { RpcCode } from '../errors/codes.js';
import type { CallScope } from '../protocol/CallScope.js';
import { MODERN_VERSIONS } from '../protocol/modern/modernMeta.js';
import type { CallObserver, RefusalReason } from '../protocol/ports/ObservePorts.js';
import { LEGACY_VERSIONS } from '../protocol/versions.js';
import { refusalOf } from './refusalOf.js';
import { SECONDS_BUCKETS, SeriesHistogram, type HistogramSeries } from './SeriesHistogram.js';

/** The labels of `mcp_server_operation_duration_seconds`: the MCP conventions' attributes in Prometheus form, then ours. */
export const OPERATION_LABELS = ['mcp_method_name', 'mcp_protocol_version', 'gen_ai_tool_name', 'gen_ai_prompt_name', 'mcp_resource_uri', 'error_type', 'rpc_response_status_code', 'plugin', 'plugin_version', 'era'] as const;

/** A label value for what the catalog does not serve: never the name a client sent (one series per guess). */
export const UNKNOWN = 'unknown';
/** The error label of a code no one in the host defined (a plugin's own): bounded like the names. */
const OTHER_CODE = '_OTHER';
const KNOWN_CODES = new Set<number>(Object.values(RpcCode));
const KNOWN_VERSIONS = new Set<string>([...MODERN_VERSIONS, ...LEGACY_VERSIONS, '']);

/** The item labels of one target (a binding, or what a request for an unknown item is counted as). */
interface Target {
  readonly tool: string;
  readonly prompt: string;
  readonly uri: string;
  readonly plugin: string;
  readonly version: string;
  /** method → protocol version → (principal →) the series of each outcome. */
  readonly byMethod: Map<string, Map<string, Outcomes | Map<string, Outcomes>>>;
}

const target = (tool: string, prompt: string, uri: string, plugin = '', version = ''): Target => ({ tool, prompt, uri, plugin, version, byMethod: new Map() });

/** The series of one label tuple but the outcome, made on first use of each outcome. */
class Outcomes {
  private okSeries: HistogramSeries | undefined;
  private toolErrorSeries: HistogramSeries | undefined;
  private cancelledSeries: HistogramSeries | undefined;
  private readonly byCode = new Map<number, HistogramSeries>();

  constructor(private readonly make: (errorType: string, status: string) => HistogramSeries) {}

  ok(): HistogramSeries {
    return (this.okSeries ??= this.make('', ''));
  }

  toolError(): HistogramSeries {
    return (this.toolErrorSeries ??= this.make('tool_error', ''));
  }

  cancelled(): HistogramSeries {
    return (this.cancelledSeries ??= this.make('cancelled', ''));
  }

  /** A JSON-RPC error: `error_type` and `rpc_response_status_code` are its code, as the conventions say. */
  failed(code: number): HistogramSeries {
    const known = KNOWN_CODES.has(code) ? code : 0;
    let s = this.byCode.get(known);
    if (!s) {
      const label = known === 0 ? OTHER_CODE : String(code);
      this.byCode.set(known, (s = this.make(label, label)));
    }
    return s;
  }
}

function at<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = make()));
  return v;
}

/**
 * The call observer of the metrics: the duration of every request the engine serves, labelled by
 * method, protocol version, item (tool, prompt, resource or template), outcome, plugin@version and
 * era; and the calls in flight. On the hot path it does map reads only: each binding's labels are
 * worked out once (kept per binding, which a reload replaces), each label tuple's series once.
 * Names and URIs the catalog does not serve are counted as `unknown`, so the series are bounded by
 * the catalog, whatever clients send.
 */
export class CallMetrics implements CallObserver {
  readonly histogram: SeriesHistogram;
  /** Requests being served now (listen streams are not calls: they have their own gauge). */
  inFlight = 0;
  private readonly targets = new WeakMap<AnyBinding, Target>();
  private readonly none = target('', '', '');
  private readonly unknownTool = target(UNKNOWN, '', '');
  private readonly unknownPrompt = target('', UNKNOWN, '');
  private readonly unknownResource = target('', '', UNKNOWN);

  constructor(
    registry: Registry,
    /** Label calls with their principal id too (`telemetry.metrics.principalLabel`). */
    private readonly principalLabel: boolean,
    /** A call refused inside the engine (forbidden, rate-limited, quota). */
    private readonly onRefused: (reason: RefusalReason, principal: string) => void,
  ) {
    const labels = principalLabel ? [...OPERATION_LABELS, 'principal'] : [...OPERATION_LABELS];
    this.histogram = new SeriesHistogram('mcp_server_operation_duration_seconds', 'MCP request duration as observed on the server, from receipt until the result is ready (OpenTelemetry mcp.server.operation.duration)', labels, SECONDS_BUCKETS, registry);
  }

  async around<T>(call: CallScope, catalog: Catalog, run: () => Promise<T>): Promise<T> {
    const counted = call.method !== 'subscriptions/listen';
    if (counted) this.inFlight++;
    const started = performance.now();
    try {
      const value = await run();
      const outcomes = this.outcomesOf(call, catalog);
      (call.lifetime.aborted ? outcomes.cancelled() : (value as { isError?: unknown } | undefined)?.isError === true ? outcomes.toolError() : outcomes.ok()).observe((performance.now() - started) / 1000);
      return value;
    } catch (e) {
      const outcomes = this.outcomesOf(call, catalog);
      // A multi-round-trip request asking the client for input ends well: the client answers and retries.
      (call.lifetime.aborted ? outcomes.cancelled() : e instanceof InputRequiredSignal ? outcomes.ok() : outcomes.failed(e instanceof McpError ? e.code : RpcCode.InternalError)).observe((performance.now() - started) / 1000);
      const reason = refusalOf(e);
      if (reason) this.onRefused(reason, call.principal.id);
      throw e;
    } finally {
      if (counted) this.inFlight--;
    }
  }

  private outcomesOf(call: CallScope, catalog: Catalog): Outcomes {
    const t = this.targetOf(call, catalog);
    const method = call.method;
    const byVersion = at(t.byMethod, method, () => new Map());
    // A legacy call reads its session's version now: `initialize` negotiates it during the call.
    const version = (call.session ? call.session.protocolVersion : call.client.protocolVersion) ?? '';
    const known = KNOWN_VERSIONS.has(version) ? version : UNKNOWN;
    const era = call.era;
    if (!this.principalLabel) return at(byVersion, known, () => this.outcomes(t, method, known, era, undefined)) as Outcomes;
    const byPrincipal = at(byVersion, known, () => new Map<string, Outcomes>()) as Map<string, Outcomes>;
    const principal = call.principal.id;
    return at(byPrincipal, principal, () => this.outcomes(t, method, known, era, principal));
  }

  private outcomes(t: Target, method: string, version: string, era: string, principal: string | undefined): Outcomes {
    return new Outcomes((errorType, status) => {
      const values = [method, version, t.tool, t.prompt, t.uri, errorType, status, t.plugin, t.version, era];
      if (principal !== undefined) values.push(principal);
      return this.histogram.series(values);
    });
  }

  /** The labels of the item a request is for: the served binding's, or `unknown` of its kind, or none. */
  private targetOf(call: CallScope, catalog: Catalog): Target {
    const { method, params } = call;
    const binding = bindingOf(method === 'resources/unsubscribe' ? 'resources/subscribe' : method, params, catalog);
    if (binding) {
      let t = this.targets.get(binding);
      if (!t) this.targets.set(binding, (t = targetOfBinding(binding)));
      return t;
    }
    switch (method) {
      case 'tools/call':
        return this.unknownTool;
      case 'prompts/get':
        return this.unknownPrompt;
      case 'resources/read':
      case 'resources/subscribe':
      case 'resources/unsubscribe':
        return this.unknownResource;
      case 'completion/complete':
        return (params.ref as { type?: unknown } | undefined)?.type === 'ref/prompt' ? this.unknownPrompt : this.unknownResource;
      default:
        return this.none;
    }
  }
}

/** A binding's labels; a template by its URI template, never by the URI a client read. */
function targetOfBinding(b: AnyBinding): Target {
  const { id, version } = b.plugin;
  switch (b.kind) {
    case 'tool':
      return target(b.name, '', '', id, version);
    case 'prompt':
      return target('', b.name, '', id, version);
    case 'resource':
      return target('', '', b.uri, id, version);
    case 'template':
      return target('', '', String(b.descriptor.uriTemplate), id, version);
  }
}

import { McpError } from '@mcp-host/sdk';
import type { Logger } from 'pino';
import type { Catalog } from '../catalog/Catalog.js';
import { bindingOf, refOf } from '../catalog/callTarget.js';
import type { CallScope } from '../protocol/CallScope.js';
import { InputRequiredSignal } from '../calls/InputRequiredSignal.js';
import type { CallAudit } from '../protocol/ports/SecurityPorts.js';
import { RpcCode } from '../protocol/ProtocolError.js';
import type { AnyBinding } from './AccessPolicy.js';
import type { Masker } from './Masker.js';


type Outcome = 'ok' | 'tool-error' | 'error' | 'forbidden' | 'rate-limited' | 'input-required' | 'cancelled';

function outcomeOf(e: unknown): { outcome: Outcome; code?: number } {
  if (e instanceof InputRequiredSignal) return { outcome: 'input-required' };
  if (e instanceof McpError) return { outcome: e.code === RpcCode.Forbidden ? 'forbidden' : e.code === RpcCode.RateLimited ? 'rate-limited' : 'error', code: e.code };
  return { outcome: 'error' };
}

/**
 * One structured line per call, on the `audit: true` child of the host logger: when, who, which
 * client, what (method and item, plugin@version), how it ended, how long it took. Argument values
 * appear only with `audit.logArguments`, and then masked like results (for everyone).
 */
export class AuditLog implements CallAudit {
  private readonly log: Logger;

  constructor(
    logger: Logger,
    private readonly logArguments: boolean,
    private readonly maskerOf: (b: AnyBinding) => Masker | undefined,
  ) {
    // Its own level: an audit trail does not go quiet because the host's log level was raised to warn (audit.enabled turns it off).
    this.log = logger.child({ audit: true }, { level: 'info' });
  }

  async around<T>(call: CallScope, catalog: Catalog, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    let result: { outcome: Outcome; code?: number } = { outcome: 'ok' };
    try {
      const value = await run();
      if (call.mrtr?.hasPending) result = { outcome: 'input-required' };
      else if ((value as { isError?: unknown } | undefined)?.isError === true) result = { outcome: 'tool-error' };
      return value;
    } catch (e) {
      result = outcomeOf(e);
      throw e;
    } finally {
      if (call.lifetime.aborted) result = { outcome: 'cancelled' };
      this.write(call, catalog, result, performance.now() - started);
    }
  }

  private write(call: CallScope, catalog: Catalog, result: { outcome: Outcome; code?: number }, ms: number): void {
    const { params } = call;
    const target = typeof params.name === 'string' ? params.name : typeof params.uri === 'string' ? params.uri : refOf(params.ref);
    const binding = bindingOf(call.method, params, catalog);
    const info = call.client.info;
    const args = this.logArguments && params.arguments !== undefined ? { arguments: binding ? (this.maskerOf(binding)?.value(params.arguments) ?? params.arguments) : params.arguments } : {};
    this.log.info(
      {
        principal: call.principal.id,
        client: info ? `${info.name}@${info.version}` : undefined,
        era: call.era,
        method: call.method,
        target,
        plugin: binding ? `${binding.plugin.id}@${binding.plugin.version}` : undefined,
        outcome: result.outcome,
        ...(result.code !== undefined ? { code: result.code } : {}),
        durationMs: Math.round(ms * 100) / 100,
        ...args,
      },
      'call',
    );
  }
}

import type { HostConfig, MaskingConfig } from '@mcp-host/config';
import type { Principal } from '@mcp-host/sdk';
import type { AnyBinding } from './AccessPolicy.js';
import { Masker } from './Masker.js';

/**
 * Which masking applies to an item's results: the host's rules (`masking`), its plugin's
 * (`plugins.settings.<id>.masking`) and its own declaration (`mask`), together. Callers with the
 * unmask scope see results as they are. One Masker per binding, built on first use.
 */
export class MaskPolicy {
  private readonly cache = new WeakMap<AnyBinding, Masker | null>();
  private readonly unmaskScope: string;

  constructor(
    private readonly host: MaskingConfig | undefined,
    private readonly settings: HostConfig['plugins']['settings'],
  ) {
    this.unmaskScope = host?.unmaskScope ?? 'pii:read';
  }

  /** The masker for this binding's results as `principal` receives them, or undefined (nothing to mask). */
  forCaller(principal: Principal, binding: AnyBinding): Masker | undefined {
    const masker = this.of(binding);
    return masker && !principal.scopes.includes(this.unmaskScope) ? masker : undefined;
  }

  /** The binding's masker whoever asks (for logs). */
  of(binding: AnyBinding): Masker | undefined {
    let m = this.cache.get(binding);
    if (m === undefined) {
      const plugin = this.settings[binding.plugin.id]?.masking;
      const declared = binding.declared?.mask;
      const built = new Masker([...(this.host?.fields ?? []), ...(plugin?.fields ?? []), ...(declared?.fields ?? [])], [...(this.host?.patterns ?? []), ...(plugin?.patterns ?? []), ...(declared?.patterns ?? [])]);
      this.cache.set(binding, (m = built.empty ? null : built));
    }
    return m ?? undefined;
  }
}

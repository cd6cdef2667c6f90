import { hostConfigSchema } from '@mcp-host/config';
import { describe, expect, it } from 'vitest';
import { PluginOverlay } from './PluginOverlay.js';

const base = hostConfigSchema.parse({ plugins: { settings: { alpha: { version: '^2.0.0', prefix: 'a_' } } } }).plugins;

describe('PluginOverlay', () => {
  it('leaves the config as it is while nothing is overridden', () => {
    expect(new PluginOverlay().apply(base)).toBe(base);
  });

  it('folds enable/disable and pins into the settings, keeping the rest of each entry, without touching the config', () => {
    const overlay = new PluginOverlay();
    overlay.set('alpha', { pinned: '1.0.0' });
    overlay.set('beta', { enabled: false });
    const applied = overlay.apply(base);
    expect(applied.settings.alpha).toMatchObject({ version: '1.0.0', prefix: 'a_', enabled: true });
    expect(applied.settings.beta).toMatchObject({ enabled: false });
    expect(base.settings.alpha!.version).toBe('^2.0.0');
    expect(base.settings.beta).toBeUndefined();
    expect(overlay.apply(base)).toBe(applied);
    expect(overlay.pins('alpha', '1.0.0')).toBe(true);
    expect(overlay.pins('alpha', '2.0.0')).toBe(false);
  });

  it('drops an override set back to nothing', () => {
    const overlay = new PluginOverlay();
    overlay.set('alpha', { pinned: '1.0.0' });
    overlay.set('alpha', { pinned: undefined });
    expect(overlay.of('alpha')).toEqual({});
    expect(overlay.apply(base)).toBe(base);
  });
});

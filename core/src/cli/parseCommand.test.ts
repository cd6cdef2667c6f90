import { describe, expect, it } from 'vitest';
import { parseCommand } from './parseCommand.js';
import { UsageError } from './parseFlags.js';

describe('parseCommand', () => {
  it('reads `new plugin <dir>` with --ts (default) or --js', () => {
    expect(parseCommand(['new', 'plugin', 'weather'])).toEqual({ kind: 'new-plugin', dir: 'weather', language: 'ts' });
    expect(parseCommand(['new', 'plugin', '--js', 'weather'])).toEqual({ kind: 'new-plugin', dir: 'weather', language: 'js' });
    expect(parseCommand(['new', 'plugin', 'weather', '--ts'])).toEqual({ kind: 'new-plugin', dir: 'weather', language: 'ts' });
    expect(parseCommand(['new', '--help'])).toEqual({ kind: 'help', topic: 'new' });
  });

  it('refuses a `new` it cannot follow, with the usage in one line', () => {
    expect(() => parseCommand(['new'])).toThrow(/mcp-host new plugin <dir>/);
    expect(() => parseCommand(['new', 'theme', 'x'])).toThrow(/got "theme"/);
    expect(() => parseCommand(['new', 'plugin'])).toThrow(/name the folder/);
    expect(() => parseCommand(['new', 'plugin', 'a', 'b'])).toThrow(/one folder at a time/);
    expect(() => parseCommand(['new', 'plugin', 'a', '--ts', '--js'])).toThrow(/one of --ts and --js/);
    expect(() => parseCommand(['new', 'plugin', 'a', '--force'])).toThrow(UsageError);
  });

  it('reads `dev [dir…]`: folders are plugin paths, the watcher is on', () => {
    const c = parseCommand(['dev', './a', '--plugins', './b', '--port', '0']);
    expect(c.kind).toBe('serve');
    if (c.kind !== 'serve') return;
    expect(c.flags.dev).toBe(true);
    expect(c.flags.overrides.plugins).toEqual({ paths: ['./b', './a'], watch: true });
    expect(c.flags.overrides.server?.port).toBe(0);
  });

  it('reads --dev on the plain command, and refuses it with --no-watch', () => {
    const c = parseCommand(['--dev']);
    expect(c.kind === 'serve' && c.flags.dev).toBe(true);
    expect(c.kind === 'serve' && c.flags.overrides.plugins).toEqual({ paths: undefined, watch: true });
    expect(() => parseCommand(['dev', '--no-watch'])).toThrow(/contradict/);
  });

  it('keeps the plain command as it was: no positionals, dev off', () => {
    const c = parseCommand(['--port', '8080']);
    expect(c.kind === 'serve' && c.flags.dev).toBe(false);
    expect(c.kind === 'serve' && c.flags.overrides.plugins).toBeUndefined();
    expect(() => parseCommand(['./plugins'])).toThrow(UsageError);
  });
});

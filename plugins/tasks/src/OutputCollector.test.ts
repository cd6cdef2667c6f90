import { describe, expect, it, vi } from 'vitest';
import { OutputCollector, type StreamName } from './OutputCollector.js';

describe('OutputCollector', () => {
  it('splits lines across chunks (and inside UTF-8 characters), batches per stream, keeps an ordered tail', () => {
    const batches: Array<[StreamName, string[]]> = [];
    const out = new OutputCollector({ tailLines: 3, batchLines: 2, onBatch: (s, l) => void batches.push([s, l]) });
    const euro = Buffer.from('€');
    out.push('stdout', Buffer.concat([Buffer.from('one\ntw'), euro.subarray(0, 1)]));
    out.push('stdout', Buffer.concat([euro.subarray(1), Buffer.from('o\n')]));
    out.push('stderr', Buffer.from('warn\r\n'));
    out.push('stdout', Buffer.from('three\nfour'));
    out.end();
    expect(batches).toEqual([
      ['stdout', ['one', 'tw€o']],
      ['stdout', ['three', 'four']],
      ['stderr', ['warn']],
    ]);
    expect(out.lines).toBe(5);
    expect(out.tailText()).toBe('warn\nthree\nfour');
    expect(out.truncated).toBe(true);
  });

  it('sends a partial batch after the batch time', async () => {
    vi.useFakeTimers();
    try {
      const onBatch = vi.fn();
      const out = new OutputCollector({ tailLines: 10, batchMs: 200, onBatch });
      out.push('stdout', Buffer.from('a\nb\n'));
      expect(onBatch).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(250);
      expect(onBatch).toHaveBeenCalledWith('stdout', ['a', 'b']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('cuts endless lines so memory stays bounded', () => {
    const out = new OutputCollector({ tailLines: 10, onBatch: () => undefined });
    out.push('stdout', Buffer.alloc(70 * 1024, 'x'));
    out.end();
    expect(out.lines).toBe(1);
    expect(out.tailText().split('\n')[0]!.length).toBe(4097);
  });
});

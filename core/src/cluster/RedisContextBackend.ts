// PLACEHOLDER until the ctx-redis branch lands (replaced by its file).
import type { ContextBackend } from '../protocol/ports/ContextPorts.js';
import type { RedisLink } from './RedisLink.js';
export class RedisContextBackend implements ContextBackend {
  constructor(_link: RedisLink) {}
  get(): never { throw new Error('not built'); }
  set(): never { throw new Error('not built'); }
  delete(): never { throw new Error('not built'); }
  keys(): never { throw new Error('not built'); }
  clear(): never { throw new Error('not built'); }
  close(): never { throw new Error('not built'); }
}

/** The in-memory backend against the behaviours every ContextBackend shares (`contextBackendBehaviour.testkit`). */
import { describeContextBackend } from './contextBackendBehaviour.testkit.js';
import { MemoryContextBackend } from './MemoryContextBackend.js';

describeContextBackend('MemoryContextBackend', () => new MemoryContextBackend(), {
  // `set` drops only the written key's expired value before its quota check: the scope's other
  // expired values count against maxKeys and maxBytes until the 30 s sweep.
  expiredValuesHoldQuota: 'other expired values are dropped by the sweep only',
});

/** The in-memory backend against the behaviours every ContextBackend shares (`contextBackendBehaviour.testkit`). */
import { describeContextBackend } from './contextBackendBehaviour.testkit.js';
import { MemoryContextBackend } from './MemoryContextBackend.js';

describeContextBackend('MemoryContextBackend', () => new MemoryContextBackend());

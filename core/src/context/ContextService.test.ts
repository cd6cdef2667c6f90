import { hostConfigSchema } from '@mcp-host/config';
import { ContextError, type PluginInfo, type RequestContext } from '@mcp-host/sdk';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { principal } from '../identity/principals.js';
import type { ContextAudience, ContextBackend, ContextWriteRecord } from '../protocol/ports/ContextPorts.js';
import { SchemaCompiler } from '../catalog/compileSchema.js';
import { ContextNamespaces } from './ContextNamespaces.js';
import { ContextService } from './ContextService.js';
import { MemoryContextBackend } from './MemoryContextBackend.js';

const logger = pino({ level: 'silent' });
const PLUGIN: PluginInfo = { id: 'writer', name: 'writer', version: '1.0.0', root: '/p' };
const alice = principal({ source: 'service', subject: 'alice' }, ['team:read'], ['editor']);
const bob = principal({ source: 'service', subject: 'bob' });

function setup(context: Record<string, unknown> = {}, declared: Record<string, Record<string, unknown>> = {}, backend: ContextBackend = new MemoryContextBackend()) {
  const config = hostConfigSchema.parse({ context });
  const notified: Array<{ uris: readonly string[]; audience: ContextAudience }> = [];
  const audited: ContextWriteRecord[] = [];
  const namespaces = new ContextNamespaces(config.context, { revision: () => 1, declarations: () => [{ plugin: 'writer', namespaces: declared as never }] }, logger, () => new SchemaCompiler());
  const service = new ContextService({ config: config.context, limits: config.server.limits, backend, namespaces, notify: (uris, audience) => void notified.push({ uris, audience }), audit: (r) => void audited.push(r), logger });
  return { service, notified, audited, namespaces };
}

/** A handler's context as the engine builds it, for what the service reads of it. */
function call(who = alice, client: Partial<RequestContext['client']> = { protocolVersion: '2025-11-25', sessionId: 's1' }, meta: Record<string, unknown> = {}): RequestContext {
  const ctx = { principal: who, client: { capabilities: {}, ...client }, meta } as unknown as RequestContext & { context: unknown };
  return ctx;
}

const refusal = (p: Promise<unknown>) => p.then(() => 'resolved', (e) => (e instanceof ContextError ? e.reason : `not a ContextError: ${e}`));

describe('ContextService', () => {
  it('derives the session scope from the call: a legacy session, stdio, a modern context id — each apart, and per principal', async () => {
    const { service } = setup();
    const legacy = service.of(call(alice, { protocolVersion: '2025-11-25', sessionId: 's1' }), PLUGIN);
    const stdio = service.of(call(alice, { protocolVersion: '2025-11-25' }), PLUGIN);
    const modern = service.of(call(alice, { protocolVersion: '2026-07-28' }, { 'mcp-host/contextId': 's1' }), PLUGIN);
    const bobsModern = service.of(call(bob, { protocolVersion: '2026-07-28' }, { 'mcp-host/contextId': 's1' }), PLUGIN);
    await legacy.session.set('k', 'legacy');
    await stdio.session.set('k', 'stdio');
    await modern.session.set('k', 'modern');
    expect((await service.of(call(alice, { protocolVersion: '2025-11-25', sessionId: 's1' }), PLUGIN).session.get('k'))?.value).toBe('legacy');
    expect((await stdio.session.get('k'))?.value).toBe('stdio');
    expect((await modern.session.get('k'))?.value).toBe('modern');
    expect(await bobsModern.session.get('k')).toBeUndefined();
    expect(await refusal(service.of(call(alice, { protocolVersion: '2026-07-28' }), PLUGIN).session.get('k'))).toBe('no-session');
    expect(await refusal(service.of(call(alice, { protocolVersion: '2026-07-28' }, { 'mcp-host/contextId': '../x' }), PLUGIN).session.get('k'))).toBe('bad-key');
  });

  it("keeps principals apart: bob cannot reach alice's principal scope by any key", async () => {
    const { service } = setup();
    await service.of(call(alice), PLUGIN).principal.set('theme', 'dark');
    const bobs = service.of(call(bob), PLUGIN).principal;
    expect(await bobs.get('theme')).toBeUndefined();
    expect(await bobs.keys()).toEqual([]);
    for (const key of ['../theme', `${alice.id}/theme`, 'p/service%3Aalice', '']) expect(await refusal(bobs.get(key))).toBe('bad-key');
  });

  it('checks values: JSON only, within maxValueBytes and server.limits, TTL in range', async () => {
    const { service } = setup({ maxValueBytes: 100, maxTtlMs: 5000 });
    const s = service.of(call(), PLUGIN).session;
    expect(await refusal(s.set('f', () => 1))).toBe('invalid-value');
    expect(await refusal(s.set('b', 1n))).toBe('invalid-value');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(await refusal(s.set('c', cyclic))).toBe('invalid-value');
    expect(await refusal(s.set('big', 'x'.repeat(200)))).toBe('invalid-value');
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(await refusal(s.set('deep', deep))).toBe('invalid-value');
    for (const ttlMs of [0, -1, 1.5, 6000, Number.NaN]) expect(await refusal(s.set('t', 1, { ttlMs }))).toBe('invalid-value');
    expect(await s.keys()).toEqual([]);
  });

  it('enforces namespaces: undeclared, read and write requirements, schema, and outside a call only its declarer', async () => {
    const { service } = setup({}, { team: { read: { scopes: ['team:read'] }, write: { roles: ['editor'] }, schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } }, open: {} });
    const a = service.of(call(alice), PLUGIN);
    const b = service.of(call(bob), PLUGIN);
    expect(await refusal(a.shared('nope').get('x'))).toBe('forbidden');
    // A huge name is refused without being quoted whole.
    const huge = await a.shared('n'.repeat(1_000_000)).get('x').catch((e: ContextError) => e);
    expect((huge as ContextError).reason).toBe('forbidden');
    expect((huge as ContextError).message.length).toBeLessThan(300);
    expect(await refusal(a.shared('team').set('x', { nope: 1 }))).toBe('invalid-value');
    expect((await a.shared('team').set('x', { name: 'core' })).version).toBeGreaterThan(0);
    expect(await refusal(b.shared('team').get('x'))).toBe('forbidden');
    expect(await refusal(b.shared('team').set('x', { name: 'mine' }))).toBe('forbidden');
    expect(await b.shared('open').set('y', 1)).toMatchObject({ value: 1 });
    expect(await service.forPlugin(PLUGIN).shared('open').get('y')).toMatchObject({ value: 1 });
    expect(await refusal(service.forPlugin({ ...PLUGIN, id: 'other' }).shared('open').get('y'))).toBe('forbidden');
  });

  it('refuses a full scope with the limit, and tells each write to its audience with the key and scope URIs', async () => {
    const { service, notified, audited } = setup({ quota: { principal: { maxKeys: 2 } } });
    const p = service.of(call(), PLUGIN).principal;
    await p.set('a', 1);
    await p.set('b', 2);
    await p.set('a', 3); // an overwrite takes no new key
    const e = await p.set('c', 3).catch((err: ContextError) => err);
    expect(e).toBeInstanceOf(ContextError);
    expect((e as ContextError).data).toMatchObject({ limit: 'keys', max: 2 });
    await p.delete('a');
    await p.set('c', 3);
    expect(notified[0]).toEqual({ uris: ['context://principal/a', 'context://principal'], audience: { principal: alice.id } });
    expect(notified.length).toBe(5); // 4 writes and a delete, not the refused write
    expect(audited.map((r) => `${r.op}:${r.outcome}`)).toEqual(['set:ok', 'set:ok', 'set:ok', 'set:quota', 'delete:ok', 'set:ok']);
    expect(audited[0]).toEqual({ op: 'set', uri: 'context://principal/a', principal: alice.id, plugin: 'writer', outcome: 'ok', version: 1 });
  });

  it('audits writes refused before the store with their reason, never copying a hostile key or namespace', async () => {
    const { service, audited } = setup({}, { team: { write: { roles: ['editor'] }, schema: { type: 'object', required: ['name'] } } });
    expect(await refusal(service.of(call(bob), PLUGIN).shared('team').set('k', { name: 'x' }))).toBe('forbidden');
    expect(await refusal(service.of(call(alice), PLUGIN).shared('team').set('k', { title: 'x' }))).toBe('invalid-value');
    expect(await refusal(service.of(call(alice), PLUGIN).principal.set(`../${'k'.repeat(500)}`, 1))).toBe('bad-key');
    expect(await refusal(service.of(call(alice), PLUGIN).shared('../Nope').delete('k'))).toBe('forbidden');
    expect(await refusal(service.of(call(alice, { protocolVersion: '2026-07-28' }), PLUGIN).session.set('k', 1))).toBe('no-session');
    // Reads are not writes: a refused read leaves no line.
    expect(await refusal(service.of(call(bob), PLUGIN).shared('nope').get('k'))).toBe('forbidden');
    expect(audited).toEqual([
      { op: 'set', uri: 'context://shared/team/k', principal: bob.id, plugin: 'writer', outcome: 'forbidden' },
      { op: 'set', uri: 'context://shared/team/k', principal: alice.id, plugin: 'writer', outcome: 'invalid-value' },
      { op: 'set', uri: 'context://principal/(invalid key)', principal: alice.id, plugin: 'writer', outcome: 'bad-key' },
      { op: 'delete', uri: 'context://shared/(invalid namespace)/k', principal: alice.id, plugin: 'writer', outcome: 'forbidden' },
      { op: 'set', uri: 'context://session/k', principal: alice.id, plugin: 'writer', outcome: 'no-session' },
    ]);
  });

  it('update loses no increment under 50 concurrent writers', async () => {
    const { service } = setup();
    const writers = Array.from({ length: 50 }, () => service.of(call(), PLUGIN).principal.update<number>('n', (n) => (n ?? 0) + 1));
    await Promise.all(writers);
    expect((await service.of(call(), PLUGIN).principal.get('n'))?.value).toBe(50);
  });

  it('answers unavailable when the store fails, and clears an ended session', async () => {
    const memory = new MemoryContextBackend();
    let down = false;
    const flaky = new Proxy(memory, { get: (t, k) => (down && k !== 'close' ? () => Promise.reject(new Error('ECONNREFUSED')) : Reflect.get(t, k).bind(t)) });
    const { service } = setup({}, {}, flaky);
    await service.of(call(), PLUGIN).session.set('k', 1);
    down = true;
    expect(await refusal(service.of(call(), PLUGIN).session.get('k'))).toBe('unavailable');
    down = false;
    service.sessionEnded(alice.id, 's1');
    await new Promise((r) => setTimeout(r, 10));
    expect(await service.of(call(), PLUGIN).session.get('k')).toBeUndefined();
    expect(memory.size).toBe(0);
  });
});

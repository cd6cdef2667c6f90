import { describe, expect, it } from 'vitest';
import { ANONYMOUS, principal } from '../identity/principals.js';
import type { JsonRpcMessage } from './jsonrpc.js';
import { Notifier } from './Notifier.js';
import type { BusHandler, ClusterBusPort } from './ports/ClusterPorts.js';

/** Replicas in one process: what one publishes reaches every other (never itself), as on Redis. */
function busOf(replicas: number): ClusterBusPort[] {
  const handlers = new Map<number, Map<string, BusHandler>>();
  return Array.from({ length: replicas }, (_, me): ClusterBusPort => ({
    replicaId: `r${me}`,
    publish: (topic, message) => {
      for (const [other, topics] of handlers) if (other !== me) topics.get(topic)?.(JSON.parse(JSON.stringify(message)) as Record<string, unknown>, `r${me}`);
    },
    subscribe: (topic, handler) => {
      if (!handlers.has(me)) handlers.set(me, new Map());
      handlers.get(me)!.set(topic, handler);
      return () => handlers.get(me)!.delete(topic);
    },
  }));
}

function listening(notifier: Notifier, uri: string): JsonRpcMessage[] {
  const got: JsonRpcMessage[] = [];
  notifier.listeners.add({ subscriptionId: 'l', principal: ANONYMOUS, filter: { toolsListChanged: true, resourceSubscriptions: [uri] }, channel: { canSend: true, send: (m) => void got.push(m) } });
  return got;
}

describe('Notifier in a cluster', () => {
  it("relays a plugin's announcements to every other replica's clients, once each, and keeps catalog swaps local", () => {
    const [a, b, c] = busOf(3).map((bus) => new Notifier(undefined, undefined, bus));
    const [onA, onB, onC] = [a!, b!, c!].map((n) => listening(n, 'notes://all'));
    a!.resourceUpdated('notes://all');
    b!.announceListChanged('tools');
    c!.listChanged(['tools']);
    const methods = (got: JsonRpcMessage[]) => got.map((m) => ('method' in m ? m.method : undefined));
    expect(methods(onA!)).toEqual(['notifications/resources/updated', 'notifications/tools/list_changed']);
    expect(methods(onB!)).toEqual(['notifications/resources/updated', 'notifications/tools/list_changed']);
    expect(methods(onC!)).toEqual(['notifications/resources/updated', 'notifications/tools/list_changed', 'notifications/tools/list_changed']);
  });

  it('ignores what is not an announcement on the topic, and a URI no client could have subscribed to', () => {
    const [evil, bus] = busOf(2);
    const notifier = new Notifier(undefined, undefined, bus);
    const got = listening(notifier, 'x'.repeat(10_000));
    for (const m of [{}, { listChanged: 'everything' }, { listChanged: '__proto__' }, { resourceUpdated: 42 }, { resourceUpdated: 'x'.repeat(10_000) }]) evil!.publish('notify', m);
    expect(got).toEqual([]);
  });
});

describe('Notifier: shared-context updates go to their audience only', () => {
  const alice = principal({ source: 'service', subject: 'alice' }, ['team:read'], []);
  const bob = principal({ source: 'service', subject: 'bob' }, [], []);
  const listen = (n: Notifier, who: typeof alice, uris: string[], contextKey?: string) => {
    const got: string[] = [];
    n.listeners.add({ subscriptionId: 's', principal: who, filter: { resourceSubscriptions: uris }, channel: { canSend: true, send: (m) => void got.push((m as unknown as { params: { uri: string } }).params.uri) }, ...(contextKey ? { contextKey } : {}) });
    return got;
  };

  it('the session scope reaches only the listener of that principal and context id; the principal scope every listener of that principal', () => {
    const n = new Notifier();
    const mine = listen(n, alice, ['context://session/k', 'context://principal/k'], 'c:one');
    const otherId = listen(n, alice, ['context://session/k', 'context://principal/k'], 'c:two');
    const bobs = listen(n, bob, ['context://session/k', 'context://principal/k'], 'c:one');
    n.contextUpdated(['context://session/k', 'context://session'], { principal: alice.id, session: 'c:one' });
    n.contextUpdated(['context://principal/k', 'context://principal'], { principal: alice.id });
    expect(mine).toEqual(['context://session/k', 'context://principal/k']);
    expect(otherId).toEqual(['context://principal/k']);
    expect(bobs).toEqual([]);
  });

  it('a namespace reaches only who may read it, on every replica, and a forged bus message is ignored', () => {
    const [busA, busB, forger] = busOf(3);
    const [a, b] = [busA!, busB!].map((bus) => new Notifier(undefined, undefined, bus));
    for (const n of [a!, b!]) n.mayReadNamespace = (p, ns) => ns === 'team' && p.scopes.includes('team:read');
    const reader = listen(b!, alice, ['context://shared/team/x']);
    const outsider = listen(b!, bob, ['context://shared/team/x']);
    a!.contextUpdated(['context://shared/team/x', 'context://shared/team'], { namespace: 'team' });
    expect(reader).toEqual(['context://shared/team/x']);
    expect(outsider).toEqual([]);
    // Malformed audiences from the bus (both a principal and a namespace, no principal, three URIs) are dropped.
    forger!.publish('notify', { contextUpdated: ['context://shared/team/x'], audience: { namespace: 'team', principal: bob.id } });
    forger!.publish('notify', { contextUpdated: ['context://shared/team/x'], audience: {} });
    forger!.publish('notify', { contextUpdated: ['context://shared/team/x', 'a', 'b'], audience: { namespace: 'team' } });
    forger!.publish('notify', { contextUpdated: 'context://shared/team/x', audience: { namespace: 'team' } });
    a!.contextUpdated(['context://shared/team/x', 'context://shared/team'], { namespace: 'nope' });
    expect(reader).toEqual(['context://shared/team/x']);
  });
});

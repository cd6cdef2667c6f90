import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectHttpClient, openListenStream, pluginPath, startTestHost, type TestHost } from '../harness/index.js';

/**
 * A plugin announces that a resource changed (sdk NOTIFICATIONS → resourceUpdated); the host
 * delivers `notifications/resources/updated` to the subscribers of that URI in both eras, and to
 * nobody else. example-notes announces `notes://all` whenever a note is added.
 */
describe('resources/updated announced by a plugin', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ plugins: [pluginPath('example-notes')], args: ['--no-watch'] });
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('reaches a legacy subscriber and a modern listener of the URI, and not a legacy client that did not subscribe', async () => {
    const subscriber = await connectHttpClient(host.url);
    const bystander = await connectHttpClient(host.url);
    const seen: string[] = [];
    const bystanderSeen: string[] = [];
    subscriber.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void seen.push(n.params.uri));
    bystander.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void bystanderSeen.push(n.params.uri));
    await subscriber.client.subscribeResource({ uri: 'notes://all' });
    const listener = await openListenStream(host.url, 'updates-1', { resourceSubscriptions: ['notes://all'] });
    const other = await openListenStream(host.url, 'updates-2', { resourceSubscriptions: ['notes://other'] });
    try {
      await listener.waitFor((e) => e.method === 'notifications/subscriptions/acknowledged');
      await other.waitFor((e) => e.method === 'notifications/subscriptions/acknowledged');
      // The GET stream of the legacy subscriber opens right after initialize; give it a moment to be registered.
      await vi.waitFor(() => expect(subscriber.transport.sessionId).toBeDefined());
      await new Promise((r) => setTimeout(r, 200));

      await bystander.client.callTool({ name: 'add_note', arguments: { title: 'groceries', body: 'milk' } });

      await vi.waitFor(() => expect(seen).toEqual(['notes://all']), { timeout: 5_000 });
      const update = await listener.waitFor((e) => e.method === 'notifications/resources/updated');
      expect(update.params).toMatchObject({ uri: 'notes://all', _meta: { 'io.modelcontextprotocol/subscriptionId': 'updates-1' } });
      await new Promise((r) => setTimeout(r, 300));
      expect(bystanderSeen).toEqual([]);
      expect(other.events.filter((e) => e.method === 'notifications/resources/updated')).toEqual([]);

      await subscriber.client.unsubscribeResource({ uri: 'notes://all' });
      await bystander.client.callTool({ name: 'add_note', arguments: { title: 'second', body: 'eggs' } });
      await new Promise((r) => setTimeout(r, 300));
      expect(seen).toEqual(['notes://all']);
    } finally {
      listener.close();
      other.close();
      await subscriber.client.close();
      await bystander.client.close();
    }
  });
});

import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, readEvents, tokenStore, type FeedEvent } from './api';
import { CatalogPanel } from './components/CatalogPanel';
import { FeedPanel } from './components/FeedPanel';
import { PluginsPanel } from './components/PluginsPanel';
import { StatsPanel } from './components/StatsPanel';
import { TokenPrompt } from './components/TokenPrompt';
import type { CatalogAnswer, PluginsAnswer, StatsAnswer } from './types';
import { usePoll } from './usePoll';

const FEED_SIZE = 200;

export function App() {
  const [signedIn, setSignedIn] = useState(tokenStore.get() !== null);
  const [reason, setReason] = useState<string>();
  if (!signedIn) return <Shell><TokenPrompt reason={reason} onSignedIn={() => setSignedIn(true)} /></Shell>;
  const signOut = (why?: string) => {
    tokenStore.clear();
    setReason(why);
    setSignedIn(false);
  };
  return (
    <Shell onSignOut={() => signOut()}>
      <Dashboard onUnauthorized={signOut} />
    </Shell>
  );
}

function Shell({ children, onSignOut }: { children: preact.ComponentChildren; onSignOut?: () => void }) {
  return (
    <>
      <header>
        <h1>mcp-host admin</h1>
        {onSignOut && (
          <button type="button" class="link" onClick={onSignOut} data-testid="sign-out">
            Sign out
          </button>
        )}
      </header>
      <main>{children}</main>
    </>
  );
}

function Dashboard({ onUnauthorized }: { onUnauthorized: (why: string) => void }) {
  // Bumped by actions and by reload/admin events: the views that show generations refetch at once.
  const [bump, setBump] = useState(0);
  const refresh = () => setBump((n) => n + 1);
  const plugins = usePoll(() => api<PluginsAnswer>('/plugins'), 5000, bump);
  const catalog = usePoll(() => api<CatalogAnswer>('/catalog'), 10000, bump);
  const stats = usePoll(() => api<StatsAnswer>('/stats'), 5000, 0);
  const [events, setEvents] = useState<FeedEvent[]>([]);
  const [feedStatus, setFeedStatus] = useState('connecting…');

  useEffect(() => {
    const abort = new AbortController();
    let retry: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      setFeedStatus('live');
      readEvents(abort.signal, (e) => {
        setEvents((list) => [e, ...list].slice(0, FEED_SIZE));
        if (e.type === 'reload' || e.type === 'admin') refresh();
      })
        .then(() => 'the stream ended', (e: Error) => (e instanceof ApiError && e.status === 401 ? (onUnauthorized(e.message), undefined) : e.message))
        .then((why) => {
          if (abort.signal.aborted || why === undefined) return;
          // Reconnect with a pause; the server replays recent events, so the list starts over.
          setFeedStatus(`disconnected (${why}); reconnecting…`);
          retry = setTimeout(() => {
            setEvents([]);
            connect();
          }, 3000);
        });
    };
    connect();
    return () => {
      abort.abort();
      clearTimeout(retry);
    };
  }, []);

  useEffect(() => {
    if (plugins.error?.startsWith('not an admin') || plugins.error?.startsWith('admin authentication')) onUnauthorized(plugins.error);
  }, [plugins.error]);

  return (
    <div class="grid">
      <PluginsPanel data={plugins.data} error={plugins.error} onAction={refresh} />
      <FeedPanel events={events} status={feedStatus} />
      <StatsPanel data={stats.data} error={stats.error} />
      <CatalogPanel data={catalog.data} error={catalog.error} />
    </div>
  );
}

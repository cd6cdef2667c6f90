import type { FeedEvent } from '../api';

type ListDiff = { added: string[]; removed: string[]; changed: string[] };

/** "tools +search −find ~list" for the items a reload added, removed and changed (empty when none). */
const itemsOf = (e: FeedEvent): string => {
  const items = e.items as Record<string, ListDiff> | undefined;
  if (!items) return '';
  const parts = Object.entries(items)
    .map(([list, d]) => [list, [...d.added.map((n) => `+${n}`), ...d.removed.map((n) => `−${n}`), ...d.changed.map((n) => `~${n}`)]] as const)
    .filter(([, names]) => names.length > 0)
    .map(([list, names]) => `${list} ${names.join(' ')}`);
  return parts.length ? ` (${parts.join('; ')})` : '';
};

const describe = (e: FeedEvent): string => {
  const s = (k: string) => (e[k] === undefined ? '' : String(e[k]));
  switch (e.type) {
    case 'reload':
      return `${s('plugin') || s('path')}${e.version ? `@${s('version')}` : ''} ${s('outcome')} in ${s('durationMs')} ms${itemsOf(e)}${(e.problems as unknown[] | undefined)?.length ? ` — ${(e.problems as Array<{ message: string }>).map((p) => p.message).join('; ')}` : ''}`;
    case 'restart':
      return `${s('plugin')}@${s('version')} restarting: ${s('reason')}`;
    case 'refusal':
      return `refused (${s('reason')})${e.principal ? ` for ${s('principal')}` : ''}`;
    case 'admin':
      return `${s('principal')}: ${s('action')} ${s('plugin')} → ${s('outcome')}: ${s('message')}`;
    default:
      return JSON.stringify(e);
  }
};

/** The live feed (SSE): reloads, restarts, refusals and admin actions, newest first. */
export function FeedPanel({ events, status }: { events: FeedEvent[]; status: string }) {
  return (
    <section class="card" data-testid="feed">
      <h2>
        Live feed <span class="muted" data-testid="feed-status">{status}</span>
      </h2>
      <ol class="feed">
        {events.map((e, i) => (
          <li class={`event event-${e.type}`} data-testid="feed-event" data-type={e.type} key={`${e.at}-${i}`}>
            <time>{e.at.slice(11, 19)}</time> <span class="kind">{e.type}</span> {describe(e)}
          </li>
        ))}
      </ol>
    </section>
  );
}

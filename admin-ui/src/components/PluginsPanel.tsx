import { useState } from 'preact/hooks';
import { api } from '../api';
import type { ActionAnswer, PluginEntry, PluginsAnswer } from '../types';

/** Plugins with every version found, the serving generation, problems, and the operator's actions. */
export function PluginsPanel({ data, error, onAction }: { data?: PluginsAnswer; error?: string; onAction: () => void }) {
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const [busy, setBusy] = useState<string>();
  const run = async (id: string, action: string, method = 'POST', body?: unknown) => {
    setBusy(`${action}-${id}`);
    try {
      const path = action === 'unpin' ? `/plugins/${encodeURIComponent(id)}/pin` : `/plugins/${encodeURIComponent(id)}/${action}`;
      const out = await api<ActionAnswer>(path, { method, body });
      setMessage({ ok: out.ok, text: out.message });
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    } finally {
      setBusy(undefined);
      onAction();
    }
  };
  return (
    <section class="card" data-testid="plugins">
      <h2>
        Plugins <span class="muted">catalog revision {data?.revision ?? '…'}</span>
      </h2>
      {error && <p class="error">{error}</p>}
      {message && (
        <p class={message.ok ? 'ok' : 'error'} data-testid="action-message">
          {message.text}
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th>plugin</th>
            <th>state</th>
            <th>serving</th>
            <th>versions found</th>
            <th>isolation</th>
            <th>actions</th>
          </tr>
        </thead>
        <tbody>
          {data?.plugins.map((p) => (
            <PluginRow key={p.id} plugin={p} busy={busy} run={run} />
          ))}
        </tbody>
      </table>
      {data && <p class="muted small">{data.note}</p>}
    </section>
  );
}

function PluginRow({ plugin: p, busy, run }: { plugin: PluginEntry; busy?: string; run: (id: string, action: string, method?: string, body?: unknown) => void }) {
  const found = p.versions.map((v) => v.version);
  const [choice, setChoice] = useState('');
  // The versions change with reloads: a choice no longer found falls back to the first one found.
  const pinTo = found.includes(choice) ? choice : (found[0] ?? '');
  const b = (action: string, label: string, method?: string, body?: unknown, disabled = false) => (
    <button type="button" disabled={disabled || busy !== undefined} onClick={() => run(p.id, action, method, body)} data-testid={`${action}-${p.id}`}>
      {busy === `${action}-${p.id}` ? '…' : label}
    </button>
  );
  return (
    <tr data-testid={`plugin-${p.id}`}>
      <td>
        <strong>{p.id}</strong>
        {p.problems.map((pr) => (
          <div class="problem" title={pr.fix}>
            [{pr.code}] {pr.message}
          </div>
        ))}
      </td>
      <td>
        <span class={`state state-${p.state.replace(' ', '-')}`} data-testid={`plugin-state-${p.id}`}>
          {p.state}
        </span>
        {p.override.pinned && <span class="tag">pinned {p.override.pinned}</span>}
        {p.override.enabled !== undefined && <span class="tag">{p.override.enabled ? 'enabled' : 'disabled'} at run time</span>}
      </td>
      <td data-testid={`plugin-version-${p.id}`}>{p.serving ? p.serving.version : '—'}</td>
      <td class="small">
        {p.versions.map((v) => (
          <div class={v.serving ? 'serving' : ''} title={v.path}>
            {v.version}
            {v.serving ? ' ●' : ''}
          </div>
        ))}
        {p.previousVersion && <div class="muted">previous: {p.previousVersion}</div>}
      </td>
      <td>{p.isolation}</td>
      <td class="actions">
        {b('reload', 'Reload')}
        {p.state === 'disabled' || (p.override.enabled === false) ? b('enable', 'Enable') : b('disable', 'Disable')}
        {b('rollback', 'Roll back', 'POST', undefined, !p.previousVersion)}
        <span class="pin">
          <select value={pinTo} onChange={(e) => setChoice((e.target as HTMLSelectElement).value)} data-testid={`pin-version-${p.id}`}>
            {found.map((v) => (
              <option value={v}>{v}</option>
            ))}
          </select>
          {b('pin', 'Pin', 'POST', { version: pinTo }, pinTo === '')}
          {p.override.pinned && b('unpin', 'Unpin', 'DELETE')}
        </span>
      </td>
    </tr>
  );
}

import { useState } from 'preact/hooks';
import type { CatalogAnswer } from '../types';

/** Every published item with its plugin@version and who may use it. */
export function CatalogPanel({ data, error }: { data?: CatalogAnswer; error?: string }) {
  const [filter, setFilter] = useState('');
  const f = filter.toLowerCase();
  const items = (data?.items ?? []).filter((i) => !f || `${i.kind} ${i.name} ${i.plugin} ${i.description ?? ''}`.toLowerCase().includes(f));
  return (
    <section class="card" data-testid="catalog">
      <h2>
        Catalog <span class="muted">{data ? `${data.items.length} items · revision ${data.revision} · ${data.enforced ? 'permissions enforced' : 'no permissions enforced (declared scopes shown)'}` : '…'}</span>
      </h2>
      {error && <p class="error">{error}</p>}
      <input type="search" placeholder="filter" value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} data-testid="catalog-filter" />
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th>kind</th>
              <th>name</th>
              <th>plugin</th>
              <th>requires</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr data-testid="catalog-item" key={`${i.kind}:${i.name}`}>
                <td>
                  <span class={`kind kind-${i.kind}`}>{i.kind}</span>
                </td>
                <td title={i.description}>
                  <code>{i.name}</code>
                </td>
                <td data-testid="catalog-item-plugin">
                  {i.plugin}@{i.version}
                </td>
                <td class="small">
                  {i.scopes.length === 0 && i.roleSets.length === 0 ? <span class="muted">anyone</span> : null}
                  {i.scopes.map((s) => (
                    <span class="tag">{s}</span>
                  ))}
                  {i.roleSets.map((set) => (
                    <span class="tag role">role: {set.join(' | ')}</span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

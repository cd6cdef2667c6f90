import type { Principal } from '@mcp-host/sdk';
import type { Catalog, ListKind } from '../catalog/Catalog.js';
import { ANONYMOUS } from '../identity/principals.js';
import type { Era } from './CallScope.js';
import { invalidParams } from './ProtocolError.js';
import { RawJson } from './RawJson.js';

/** Pages kept per snapshot; views multiply pages, and past this they are served uncached. */
const MAX_CACHED_PAGES = 10_000;

/**
 * The list results of each catalog snapshot (`tools/list`, `resources/list`, …), serialized on
 * first use and then reused until the next revision replaces the snapshot: the hot path never
 * re-serializes the catalog. Pages are cached per view, so principals who see the same items share
 * them. The cursor is an opaque offset into the view's list.
 */
export class ListPages {
  private readonly cache = new WeakMap<Catalog, Map<string, RawJson>>();

  constructor(
    private readonly pageSize: number,
    /** Serialized fields appended to every modern-era page: resultType, cache hints, serverInfo. */
    private readonly modernListFields: string,
  ) {}

  /** One page of a list as `principal` sees it; `cursor` is a previous page's `nextCursor`. */
  page(catalog: Catalog, kind: ListKind, cursor: unknown, era: Era = 'legacy', principal: Principal = ANONYMOUS): RawJson {
    const view = catalog.viewOf(principal);
    const key = `${view}:${era}:${kind}:${cursor ?? ''}`;
    let pages = this.cache.get(catalog);
    const cached = pages?.get(key);
    if (cached) return cached;
    let offset = 0;
    if (cursor !== undefined) {
      offset = typeof cursor === 'string' ? Number.parseInt(Buffer.from(cursor, 'base64url').toString(), 10) : Number.NaN;
      if (!Number.isInteger(offset) || offset < 0) throw invalidParams(`Invalid cursor: ${JSON.stringify(cursor)}`);
    }
    const all = catalog.visible(kind, view).map((b) => b.descriptor);
    const items = all.slice(offset, offset + this.pageSize);
    const next = offset + this.pageSize < all.length ? Buffer.from(String(offset + this.pageSize)).toString('base64url') : undefined;
    const json = JSON.stringify({ [kind]: items, ...(next ? { nextCursor: next } : {}) });
    const page = new RawJson(era === 'modern' ? `${json.slice(0, -1)},${this.modernListFields}}` : json);
    // Only pages reached through valid cursors are cached, so the cache is bounded by the catalog size (times the views).
    if (!pages) this.cache.set(catalog, (pages = new Map()));
    if (pages.size < MAX_CACHED_PAGES) pages.set(key, page);
    return page;
  }
}

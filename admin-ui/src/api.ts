/** The admin API, called with the operator's token from sessionStorage (never a cookie, never the URL). */

const TOKEN_KEY = 'mcp-host-admin-token';

export const tokenStore = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** An API answer that was not 2xx: its status and the server's words. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const API = '/admin/api';

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${tokenStore.get() ?? ''}` };
  // Bodyless actions send no content type: the server parses a JSON body only when there is one.
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${API}${path}`, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const data = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
  if (!res.ok && !(res.status === 409 && data.message)) throw new ApiError(res.status, data.error ?? data.message ?? res.statusText);
  return data as T;
}

export interface FeedEvent {
  readonly type: string;
  readonly at: string;
  readonly [field: string]: unknown;
}

/**
 * Reads the admin event stream with fetch and a ReadableStream rather than EventSource, which
 * cannot send an Authorization header. Parses SSE frames (blank-line separated `data:` lines) and
 * calls `onEvent` for each; resolves when the stream ends or `signal` aborts.
 */
export async function readEvents(signal: AbortSignal, onEvent: (e: FeedEvent) => void): Promise<void> {
  const res = await fetch(`${API}/events`, { headers: { authorization: `Bearer ${tokenStore.get() ?? ''}`, accept: 'text/event-stream' }, signal });
  if (!res.ok || !res.body) throw new ApiError(res.status, ((await res.json().catch(() => ({}))) as { error?: string }).error ?? res.statusText);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = frame.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
      if (!data) continue; // a comment (keepalive)
      try {
        onEvent(JSON.parse(data) as FeedEvent);
      } catch {
        // A frame that is not JSON is not ours to show.
      }
    }
  }
}

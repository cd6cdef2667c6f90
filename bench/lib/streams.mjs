// Long-lived SSE streams, each on its own socket (no agent pooling), for the idle-session and
// republish scenarios.
import http from 'node:http';

const OPEN_TIMEOUT_MS = 15_000;

/**
 * Opens a streaming request and resolves once its response headers arrive with status 200.
 * `onData(text)` gets every chunk. Returns `{ close() }`.
 */
export function openStream(url, { method = 'GET', headers, body }, onData = () => {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false });
    const timer = setTimeout(() => (req.destroy(), reject(new Error(`stream did not open within ${OPEN_TIMEOUT_MS} ms`))), OPEN_TIMEOUT_MS);
    req.on('error', (e) => (clearTimeout(timer), reject(e)));
    req.on('response', (res) => {
      clearTimeout(timer);
      res.setEncoding('utf8');
      if (res.statusCode !== 200) {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => reject(new Error(`stream refused: HTTP ${res.statusCode} ${text.slice(0, 200)}`)));
        return;
      }
      res.on('data', onData);
      res.on('error', () => {});
      resolve({ close: () => req.destroy() });
    });
    req.end(body);
  });
}

/** What a modern `subscriptions/listen` stream gets first, and what a tools list change sends it. */
export const ACK = 'notifications/subscriptions/acknowledged';
export const CHANGED = 'notifications/tools/list_changed';

/** The middle value (the median round of a scenario). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

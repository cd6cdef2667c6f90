import { Resource, injectable } from '@mcp-host/sdk';

/** The URI of the notes board app, which `list_notes` links (its `ui.resourceUri`). */
export const NOTES_BOARD_URI = 'ui://notes/board';

/*
 * A self-contained MCP App (SEP-1865): the host renders it in a sandboxed iframe next to a
 * `list_notes` result and talks to it over postMessage JSON-RPC. It asks for nothing beyond the
 * frame (no network, no permissions), so its CSP stays the default deny-all.
 */
const BOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Notes board</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 0; padding: 12px; }
  ul { list-style: none; padding: 0; display: grid; gap: 8px; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); }
  li { background: #fff8c5; border-radius: 6px; padding: 8px; box-shadow: 0 1px 2px #0002; }
</style>
</head>
<body>
<ul id="board"><li>Waiting for notes…</li></ul>
<script>
  // The host sends the tool's result as ui/notifications/tool-result; each "- [id] title" line is a card.
  let id = 0;
  const send = (method, params) => window.parent.postMessage({ jsonrpc: '2.0', id: ++id, method, params }, '*');
  window.addEventListener('message', (event) => {
    const msg = event.data;
    if (!msg || msg.method !== 'ui/notifications/tool-result') return;
    const text = (msg.params?.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('\\n');
    const board = document.getElementById('board');
    board.replaceChildren(...text.split('\\n').filter(Boolean).map((line) => {
      const li = document.createElement('li');
      li.textContent = line.replace(/^- /, '');
      return li;
    }));
  });
  send('ui/initialize', { appInfo: { name: 'notes-board', version: '1.0.0' }, appCapabilities: {}, protocolVersion: '2026-01-26' });
</script>
</body>
</html>
`;

/** The notes board: an HTML app served as `text/html;profile=mcp-app` (the host's default for `ui://`). */
@injectable()
export class NotesApp {
  @Resource({
    uri: NOTES_BOARD_URI,
    name: 'notes-board',
    title: 'Notes board',
    description: 'Shows the stored notes as cards (an MCP App for list_notes).',
    ui: { prefersBorder: true, csp: { connectDomains: [], resourceDomains: [] } },
  })
  board(): string {
    return BOARD_HTML;
  }
}

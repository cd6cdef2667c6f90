import { Client, StreamableHTTPClientTransport, ProtocolError, SdkError } from '@modelcontextprotocol/client';
import { spawn } from 'node:child_process';
const child = spawn(process.execPath, ['../core/bin/mcp-host.js','--port','0','--log-level','debug','--plugins','../plugins/conformance','--plugins','../plugins/example-notes','--plugins','../plugins/example-plain'], {stdio:['ignore','pipe','pipe']});
const url = await new Promise((res) => { let b=''; child.stderr.on('data', d => { b+=d; const m = /"url":"([^"]+)"/.exec(b); if (m && b.includes('listening on')) res(m[1]); }); });
console.log(url);
const client = new Client({ name: 'x', version: '1' }, { capabilities: { elicitation: {}, sampling: {}, roots: {} }, versionNegotiation: { mode: { pin: '2026-07-28' } } });
client.setRequestHandler('elicitation/create', async (req) => { console.log('ELICIT', JSON.stringify(req.params)); return { action: 'accept', content: { username: 'alice', email: 'a@x', name: 'Alice' } }; });
client.setRequestHandler('sampling/createMessage', async (req) => { console.log('SAMPLE', JSON.stringify(req.params)); return { model: 'm', role: 'assistant', content: { type: 'text', text: 'Paris' }, stopReason: 'endTurn' }; });
try {
await client.connect(new StreamableHTTPClientTransport(new URL(url)));
console.log('era', client.getProtocolEra(), JSON.stringify(client.getDiscoverResult()));
const tl = await client.listTools();
console.log('tools', tl.tools.length, Object.keys(tl), tl.ttlMs, tl.cacheScope, tl.resultType);
const r = await client.callTool({ name: 'test_simple_text' });
console.log('call', JSON.stringify(r));
const e = await client.callTool({ name: 'test_elicitation', arguments: { message: 'hi' } });
console.log('elicit', JSON.stringify(e));
const s = await client.callTool({ name: 'test_sampling', arguments: { prompt: 'cap?' } });
console.log('sample', JSON.stringify(s));
const p = []; const pr = await client.callTool({ name: 'test_tool_with_progress', arguments: {} }, { onprogress: (x) => p.push(x) });
console.log('progress', JSON.stringify(p), JSON.stringify(pr));
const logs = []; client.setNotificationHandler('notifications/message', (n) => logs.push(n.params));
await client.callTool({ name: 'test_logging_tool', arguments: {} });
console.log('logs without', logs.length);
await client.callTool({ name: 'test_logging_tool', arguments: {}, _meta: { 'io.modelcontextprotocol/logLevel': 'debug' } });
console.log('logs with', JSON.stringify(logs));
const rr = await client.readResource({ uri: 'test://static-text' });
console.log('read', JSON.stringify(rr));
try { await client.readResource({ uri: 'test://nope' }); } catch (err) { console.log('nf', err.constructor.name, err.code, JSON.stringify(err.data), err.message); }
let changed = 0; client.setNotificationHandler('notifications/tools/list_changed', () => { changed++; });
const sub = await client.listen({ toolsListChanged: true });
console.log('honored', JSON.stringify(sub.honoredFilter));
await client.callTool({ name: 'test_trigger_tool_change', arguments: {} });
await new Promise(r => setTimeout(r, 300));
console.log('changed', changed);
await sub.close(); console.log('closed', await sub.closed);
} catch (err) { console.log('ERR', err); }
await client.close();
child.kill();

/**
 * The skills extension (io.modelcontextprotocol/skills, SEP-2640) end to end: a real host serving a
 * plain-JS plugin written to a temp folder whose manifest declares two skill folders (one for the
 * `ops` scope only), two principals (service tokens), the official clients (SDK 1.x on a session,
 * SDK 2.x pinned to 2026-07-28): skills/list, skills/get, resources/read of the files,
 * resources/directory/read; permissions; a SKILL.md edited under the running host (reload, new
 * digest, list_changed) and a broken one (refused, the old skill serves on); hostile params.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as ModernSdkClient, StreamableHTTPClientTransport as ModernTransport } from '@modelcontextprotocol/client';
import { ResourceListChangedNotificationSchema, ResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectHttpClient, MODERN_VERSION, sha256Hex, startTestHost, writeConfig, type TestHost } from '../harness/index.js';

const SKILLS = 'io.modelcontextprotocol/skills';
const TOKENS = { alice: 'skills-e2e-alice-0123456789abcdef', bob: 'skills-e2e-bob-0123456789abcdef01' } as const;
type Who = keyof typeof TOKENS;
type Json = Record<string, any>;
const bearer = (who: Who) => ({ authorization: `Bearer ${TOKENS[who]}` });
const ANY = { '~standard': { version: 1 as const, vendor: 'e2e', validate: (value: unknown) => ({ value }) } };
const digest = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

const RELEASE_MD = `---
name: release-notes
description: Writes release notes from merged changes.
metadata:
  team: docs
---

Use templates/entry.md for each change.
`;
const ENTRY_MD = '## <change>\n\nWhy it matters.\n';
const RUNBOOK_MD = `---
name: ops-runbook
description: Restarts the service safely.
---

1. Drain. 2. Restart. 3. Check /readyz.
`;

describe('skills extension (SEP-2640) with the official clients', () => {
  let root: string;
  let skillDir: string;
  let host: TestHost;
  let remove: () => void;
  const clients: Array<{ close(): Promise<void> }> = [];

  async function legacy(who: Who) {
    const { client } = await connectHttpClient(host.url, undefined, bearer(who));
    clients.push(client);
    return { client, req: (method: string, params: Json) => client.request({ method, params } as never, ResultSchema) as Promise<Json> };
  }

  async function errorOf(p: Promise<unknown>): Promise<{ code: number; message: string }> {
    try {
      await p;
    } catch (e) {
      return e as { code: number; message: string };
    }
    throw new Error('expected the request to fail');
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'mcp-host-skills-e2e-'));
    const plugin = join(root, 'plugins', 'skilled');
    skillDir = join(plugin, 'skills', 'release-notes');
    mkdirSync(join(skillDir, 'templates'), { recursive: true });
    mkdirSync(join(plugin, 'skills', 'ops-runbook'), { recursive: true });
    writeFileSync(join(skillDir, 'SKILL.md'), RELEASE_MD);
    writeFileSync(join(skillDir, 'templates', 'entry.md'), ENTRY_MD);
    writeFileSync(join(plugin, 'skills', 'ops-runbook', 'SKILL.md'), RUNBOOK_MD);
    writeFileSync(join(plugin, 'index.js'), `import { definePlugin } from '@mcp-host/sdk';\nexport default definePlugin({ tools: [{ name: 'noop', handler: async () => 'ok' }] });\n`);
    const manifest = {
      name: '@skills-e2e/skilled', version: '1.0.0', private: true, type: 'module', main: 'index.js', engines: { 'mcp-host': '^1.0.0' },
      mcpHost: { id: 'skilled', skills: ['skills/release-notes', { path: 'skills/ops-runbook', scopes: ['ops'] }] },
    };
    writeFileSync(join(plugin, 'package.json'), JSON.stringify(manifest, null, 2));
    const config = writeConfig({
      auth: { serviceTokens: [{ name: 'alice', sha256: sha256Hex(TOKENS.alice), scopes: ['ops'] }, { name: 'bob', sha256: sha256Hex(TOKENS.bob) }] },
    });
    remove = config.remove;
    host = await startTestHost({ plugins: [join(root, 'plugins')], args: ['--config', config.file] });
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await host?.stop();
    remove?.();
    rmSync(root, { recursive: true, force: true });
  });

  it('initialize declares the extension with directoryRead, beside resources', async () => {
    const { client } = await legacy('bob');
    expect(client.getServerCapabilities()).toMatchObject({ resources: {}, extensions: { [SKILLS]: { directoryRead: true } } });
  });

  it('skills/list and skills/get: the entry carries the frontmatter and every file with its sha256 digest and size, SKILL.md first', async () => {
    const { req } = await legacy('bob');
    const { skills } = await req('skills/list', {});
    const entry = {
      uri: 'skill://skilled/release-notes/SKILL.md',
      frontmatter: { name: 'release-notes', description: 'Writes release notes from merged changes.', metadata: { team: 'docs' } },
      resources: [
        { uri: 'skill://skilled/release-notes/SKILL.md', digest: digest(RELEASE_MD), size: Buffer.byteLength(RELEASE_MD) },
        { uri: 'skill://skilled/release-notes/templates/entry.md', digest: digest(ENTRY_MD), size: Buffer.byteLength(ENTRY_MD) },
      ],
    };
    expect(skills).toEqual([entry]);
    expect(await req('skills/get', { uri: entry.uri })).toMatchObject({ skill: entry });
  });

  it('the files are resources: SKILL.md reads back as text/markdown, named after the skill, listed with its description', async () => {
    const { client } = await legacy('bob');
    const read = await client.readResource({ uri: 'skill://skilled/release-notes/SKILL.md' });
    expect(read.contents).toEqual([{ uri: 'skill://skilled/release-notes/SKILL.md', mimeType: 'text/markdown', text: RELEASE_MD }]);
    const { resources } = await client.listResources();
    expect(resources).toContainEqual(expect.objectContaining({ uri: 'skill://skilled/release-notes/SKILL.md', name: 'release-notes', description: 'Writes release notes from merged changes.' }));
  });

  it('resources/directory/read lists direct children, subfolders as inode/directory; a file is not a directory (-32602)', async () => {
    const { req } = await legacy('bob');
    const root = await req('resources/directory/read', { uri: 'skill://skilled/release-notes' });
    expect(root.resources).toEqual([
      { uri: 'skill://skilled/release-notes/SKILL.md', name: 'SKILL.md', mimeType: 'text/markdown' },
      { uri: 'skill://skilled/release-notes/templates', name: 'templates', mimeType: 'inode/directory' },
    ]);
    expect((await req('resources/directory/read', { uri: 'skill://skilled/release-notes/templates' })).resources).toEqual([
      { uri: 'skill://skilled/release-notes/templates/entry.md', name: 'entry.md', mimeType: 'text/markdown' },
    ]);
    expect((await errorOf(req('resources/directory/read', { uri: 'skill://skilled/release-notes/SKILL.md' }))).code).toBe(-32602);
  });

  it('permissions: a skill behind a scope is absent for a caller without it (unknown to skills/get, directory/read and reads) and served to one with it', async () => {
    const bob = await legacy('bob');
    const alice = await legacy('alice');
    const runbook = 'skill://skilled/ops-runbook/SKILL.md';
    expect((await bob.req('skills/list', {})).skills.map((s: Json) => s.uri)).not.toContain(runbook);
    const unknown = await errorOf(bob.req('skills/get', { uri: 'skill://skilled/nothing-here/SKILL.md' }));
    const hidden = await errorOf(bob.req('skills/get', { uri: runbook }));
    expect(hidden.code).toBe(-32602);
    expect(hidden.code).toBe(unknown.code);
    expect((await errorOf(bob.req('resources/directory/read', { uri: 'skill://skilled/ops-runbook' }))).code).toBe(-32602);
    await expect(bob.client.readResource({ uri: runbook })).rejects.toThrow();
    expect((await bob.client.listResources()).resources.map((r) => r.uri)).not.toContain(runbook);

    expect((await alice.req('skills/list', {})).skills.map((s: Json) => s.uri)).toEqual(expect.arrayContaining([runbook, 'skill://skilled/release-notes/SKILL.md']));
    expect((await alice.client.readResource({ uri: runbook })).contents[0]).toMatchObject({ text: RUNBOOK_MD });
  });

  it('SDK 2.x pinned to 2026-07-28: skills/list and skills/get carry the cache hints (ttlMs, cacheScope)', async () => {
    const client = new ModernSdkClient({ name: 'skills-e2e-modern', version: '1.0.0' }, { capabilities: {}, versionNegotiation: { mode: { pin: MODERN_VERSION } } } as never);
    await client.connect(new ModernTransport(new URL(host.url), { requestInit: { headers: bearer('alice') } }));
    clients.push(client);
    const list = (await client.request({ method: 'skills/list', params: {} } as never, ANY as never)) as Json;
    expect(list).toMatchObject({ ttlMs: expect.any(Number), cacheScope: 'private' });
    expect(list.skills).toHaveLength(2);
    const got = (await client.request({ method: 'skills/get', params: { uri: 'skill://skilled/ops-runbook/SKILL.md' } } as never, ANY as never)) as Json;
    expect(got).toMatchObject({ skill: { frontmatter: { name: 'ops-runbook' } }, ttlMs: expect.any(Number), cacheScope: 'private' });
    expect(got).not.toHaveProperty('nextCursor');
  });

  it('hostile params get -32602 and the host stays up', async () => {
    const { client, req } = await legacy('bob');
    for (const uri of [undefined, 42, 'x'.repeat(200_000), { $ne: '' }]) {
      expect((await errorOf(req('skills/get', { uri }))).code).toBe(-32602);
      expect((await errorOf(req('resources/directory/read', { uri }))).code).toBe(-32602);
    }
    for (const cursor of [42, 'not-a-cursor', '-1']) expect((await errorOf(req('skills/list', { cursor }))).code).toBe(-32602);
    expect((await errorOf(req('resources/directory/read', { uri: 'skill://skilled/release-notes', cursor: 'x' }))).code).toBe(-32602);
    await client.ping();
  });

  it('hot reload: an edited SKILL.md is served after the reload with its new digest, and list_changed tells the session; a broken one is refused and the old skill serves on', async () => {
    const { client, req } = await legacy('bob');
    let changed = 0;
    client.setNotificationHandler(ResourceListChangedNotificationSchema, () => void changed++);
    const edited = RELEASE_MD.replace('Writes release notes from merged changes.', 'Writes release notes from merged pull requests.');
    writeFileSync(join(skillDir, 'SKILL.md'), edited);
    await vi.waitFor(async () => {
      const [entry] = (await req('skills/list', {})).skills;
      expect(entry.frontmatter.description).toBe('Writes release notes from merged pull requests.');
      expect(entry.resources[0].digest).toBe(digest(edited));
    }, { timeout: 10_000, interval: 100 });
    await vi.waitFor(() => expect(changed).toBeGreaterThan(0), { timeout: 5_000 });

    // A name that is not its folder's: the load fails whole, the serving generation stays.
    writeFileSync(join(skillDir, 'SKILL.md'), edited.replace('name: release-notes', 'name: Release_Notes'));
    await vi.waitFor(() => expect(host.logs.some((l) => /must equal its folder|naming rules/.test(JSON.stringify(l)))).toBe(true), { timeout: 10_000, interval: 100 });
    const [entry] = (await req('skills/list', {})).skills;
    expect(entry.frontmatter.description).toBe('Writes release notes from merged pull requests.');
    expect(readFileSync(join(skillDir, 'SKILL.md'), 'utf8')).toContain('Release_Notes');
  }, 30_000);

  it('hot reload: a deleted SKILL.md reloads the plugin at once (the reload reports the skill the manifest still declares), and restoring it serves it again', async () => {
    const before = host.logs.length;
    rmSync(join(skillDir, 'SKILL.md'));
    await vi.waitFor(() => expect(host.logs.slice(before).some((l) => /release-notes/.test(JSON.stringify(l)) && /SKILL\.md/.test(JSON.stringify(l)))).toBe(true), { timeout: 10_000, interval: 100 });
    writeFileSync(join(skillDir, 'SKILL.md'), RELEASE_MD);
    const { req } = await legacy('bob');
    await vi.waitFor(async () => expect((await req('skills/list', {})).skills[0].resources[0].digest).toBe(digest(RELEASE_MD)), { timeout: 10_000, interval: 100 });
  }, 30_000);
});
